"""Apply the input rule (app/inputs.py) to every request before a view sees it."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from app.errors import error_response, wants_json
from app.inputs import InputError, check_json, check_text, cleaned, parse_json, refused_character
from app.text import Text

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BoundedJSONProvider(DefaultJSONProvider):
    """``request.get_json`` parses within the size and depth bounds."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse_json(s.encode() if isinstance(s, str) else s)


class GuardedRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, InputError):
            raise e
        raise InputError("body", Text("is not valid JSON"))


def guard_request() -> None:
    """Refuse (API) or clean (pages) what the rule does not allow; bound JSON bodies."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and refused_character(value):
            abort(404)  # no slug, reference or token holds such a character
    if request.method in WRITE_METHODS and request.is_json:
        check_json(request.get_json())
    if request.path.startswith("/api/"):
        for key, value in request.args.items(multi=True):
            check_text(key, key)
            check_text(key, value)
        return
    request.args = _cleaned(request.args)
    if request.method in WRITE_METHODS and not request.is_json:
        request.form = _cleaned(request.form)


def _cleaned(values: MultiDict) -> MultiDict:
    if not any(refused_character(k) or refused_character(v) for k, v in values.items(multi=True)):
        return values
    return ImmutableMultiDict([(cleaned(k), cleaned(v)) for k, v in values.items(multi=True)])


def handle_input_error(error: InputError):
    message = Text("'%(field)s' %(problem)s.", field=error.field, problem=error.message)
    if wants_json():
        return error_response(error.status, message, fields={error.field: error.message})
    return error_response(error.status, message)


def init_app(app: Flask) -> None:
    app.request_class = GuardedRequest
    app.json = BoundedJSONProvider(app)
    app.before_request(guard_request)
    app.register_error_handler(InputError, handle_input_error)
