"""``Authorization: Bearer <secret>`` on the integration endpoints, each with its scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, make_response, request

from app.errors import error_response
from app.text import Text
from app.tokens.models import ApiToken
from app.tokens.service import authenticate


def _refused(status: int, message: Text):
    response = make_response(error_response(status, message,
                                            fields={"Authorization": message}))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_required(scope: str) -> Callable:
    """The view runs only for an active token that has ``scope``: 401 without one (or for an
    unknown, expired or revoked one), 403 when it lacks the scope."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            kind, _, secret = request.headers.get("Authorization", "").partition(" ")
            if kind.lower() != "bearer" or not secret.strip():
                return _refused(401, Text("Send an API token: Authorization: Bearer <token>."))
            token = authenticate(secret.strip())
            if token is None:
                return _refused(401, Text("This token is unknown, expired or revoked."))
            if scope not in token.scopes:
                return _refused(403, Text("This token lacks the scope %(scope)s.", scope=scope))
            g.api_token = token
            return view(*args, **kwargs)

        return wrapper

    return decorator


def current_token() -> ApiToken:
    return g.api_token
