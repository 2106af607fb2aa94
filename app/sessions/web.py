"""The help-session cookie: read on demand, set (rolling) on responses that used it."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user

from app.events.bots import is_bot
from app.sessions.service import SESSION_LIFETIME, is_valid_token, new_token, session_id_for

COOKIE_NAME = "hc_session"


def current_session_id() -> str | None:
    """The help session of this request, or None for requests that are not counted (bots)."""
    if "help_session_id" in g:
        return g.help_session_id
    session_id = None
    if is_trackable():
        token = request.cookies.get(COOKIE_NAME)
        if not is_valid_token(token):
            token = new_token()
        g.help_session_token = token
        session_id = session_id_for(token)
    g.help_session_id = session_id
    return session_id


def is_trackable() -> bool:
    """Crawlers, monitors and signed-in staff are not counted."""
    if current_user.is_authenticated:
        return False
    return not is_bot(request.headers.get("User-Agent"))


def init_app(app: Flask) -> None:
    @app.after_request
    def refresh_cookie(response: Response) -> Response:
        token = g.get("help_session_token")
        if token:
            response.set_cookie(
                COOKIE_NAME, token, max_age=int(SESSION_LIFETIME.total_seconds()),
                httponly=True, samesite="Lax", secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response
