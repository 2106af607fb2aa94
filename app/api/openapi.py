"""The API described by its code: flask-smorest turns the marshmallow schemas that parse
requests and shape responses into the OpenAPI 3.1 document.

Two things are the project's own rather than the library's defaults:

- a request that the schemas refuse answers 400 in the one error shape of ``app/errors.py``
  (``{"error": {"status", "message", "fields"}}``, each field named), not 422 in another shape;
- the library's error handler for every ``HTTPException`` is not installed: the site's own
  handler (JSON under ``/api/``, a page elsewhere) stays in charge.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask, current_app
from marshmallow import ValidationError
from webargs.flaskparser import FlaskParser

from app.api.schemas import ErrorBody
from app.errors import error_response
from app.text import Text

TITLE = "Help Center API"
VERSION = "1"
DESCRIPTION = (
    "Search, suggestions, journeys and articles of the help center; votes, tickets and their "
    "status for the people reading it; per-article figures and content writes for teams, "
    "with an API token (`Authorization: Bearer …`). Every error has one shape: "
    '`{"error": {"status": 400, "message": "…", "fields": {"q": "…"}}}`.'
)


class SchemaError(ValueError):
    """A request the schemas refused: ``fields`` maps each field to why (a sentence that names
    it), ``status`` is 400, or 415 for a body that is not JSON."""

    def __init__(self, fields: dict[str, str], status: int = 400) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields, self.status = fields, status

    @property
    def message(self) -> str:
        return " ".join(self.fields.values())


# marshmallow's own sentences, said after the field's name like ours
PLAIN_REASONS = {
    "Invalid input type": "must be a JSON object",
    "Unknown field": "is not a field of this request",
    "Field may not be null": "may not be null",
    "Missing data for required field": "is required",
}


def _flatten(messages: Any, path: str = "") -> dict[str, str]:
    """marshmallow's nested messages -> ``{"field.sub": "'field.sub' why."}``; messages about
    the whole body (``_schema``) are the body's."""
    found: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = path if key == "_schema" else f"{path}.{key}" if path else str(key)
            found.update(_flatten(value, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        field = path or "body"
        reason = str(messages[0]).rstrip(".") if messages else "is not valid"
        reason = PLAIN_REASONS.get(reason, reason)
        if reason.startswith("Not a valid "):
            reason = "must be a valid " + reason.removeprefix("Not a valid ")
        found[field] = f"'{field}' {reason}."
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            found.update(_flatten(value, f"{path}.{index}" if path else str(index)))
    return found


class HelpCenterParser(FlaskParser):
    """webargs's Flask parser with the project's answers to bad requests."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        if not req.is_json:
            raise SchemaError({"Content-Type": str(Text(
                "Send a JSON body with Content-Type: application/json."))}, status=415)
        return req.get_json()  # parsed once, within the bounds of app/input_guard.py

    def handle_error(self, error: ValidationError, req, schema, *, error_status_code,
                     error_headers):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1:
            (location, inner), = messages.items()  # webargs nests them under the location
            if location in self.__location_map__:
                messages = inner
        raise SchemaError(_flatten(messages) or {"body": "'body' is not valid."})


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = HelpCenterParser()


class OpenApi(flask_smorest.Api):
    """flask-smorest's Api, leaving error pages to app/errors.py, whose one shape documents
    every error answer."""

    ERROR_SCHEMA = ErrorBody

    def _register_error_handlers(self) -> None:
        """The site's own handlers answer every error (see module docstring)."""


def handle_schema_error(error: SchemaError):
    return error_response(error.status, error.message, fields=error.fields)


def init_app(app: Flask, blueprints: list[flask_smorest.Blueprint]) -> None:
    """Register the API blueprints and build their document (one per app)."""
    app.config.setdefault("API_TITLE", TITLE)
    app.config.setdefault("API_VERSION", VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "components": {"securitySchemes": {"apiToken": {
            "type": "http", "scheme": "bearer",
            "description": "An API token from `flask --app wsgi tokens create` or the admin "
                           "page; its scopes decide what it may do."}}},
    })
    app.register_error_handler(SchemaError, handle_schema_error)
    extension = OpenApi(app)
    for blueprint in blueprints:
        extension.register_blueprint(blueprint)
    app.extensions["openapi"] = extension


def document() -> dict[str, Any]:
    """The OpenAPI document of the running app."""
    return current_app.extensions["openapi"].spec.to_dict()
