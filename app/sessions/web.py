"""The help session of a request: the site's cookie (rolling 24 hours), or the widget's signed
``X-Help-Session`` token; and the channel (site, widget, api) every stored row is tagged with."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.errors import error_response
from app.events.bots import is_bot
from app.sessions import tokens
from app.sessions.service import SESSION_LIFETIME, is_valid_token, new_token, session_id_for
from app.text import Text

COOKIE_NAME = "hc_session"


def widget_session() -> tokens.WidgetSession | None:
    """The widget's help session named by this request's token (checked before the view)."""
    return g.get("widget_session")


def current_session_id() -> str | None:
    """The help session of this request, or None for requests that are not counted (bots)."""
    if "help_session_id" in g:
        return g.help_session_id
    widget = widget_session()
    session_id = widget.session_id if widget else None
    if widget is None and is_trackable():
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


def request_channel() -> tuple[str, str | None]:
    """(channel, context): ``widget`` with a widget token; ``api`` for API calls that carry
    neither token nor the site's cookie; otherwise ``site``."""
    widget = widget_session()
    if widget is not None:
        return widget.channel, widget.context
    if request.path.startswith("/api/") and not request.cookies.get(COOKIE_NAME):
        return "api", None
    return "site", None


def _read_widget_token():
    token = request.headers.get(tokens.HEADER)
    if not token or not request.path.startswith("/api/"):
        return None
    try:
        g.widget_session = tokens.read(current_app.config["SECRET_KEY"], token)
    except tokens.InvalidToken as error:
        message = Text("The help session has expired or is not valid: ask for a new one.")
        return error_response(401, message, fields={tokens.HEADER: str(error)})
    return None


def _stamp_channel(session: Session, flush_context, instances) -> None:
    """New help sessions, events, votes and tickets carry the request's channel and context."""
    if not has_request_context():
        return
    channel, context = request_channel()
    for row in session.new:
        if hasattr(row, "page_context") and row.channel is None:
            row.channel, row.page_context = channel, row.page_context or context


def init_app(app: Flask) -> None:
    app.before_request(_read_widget_token)
    if not event.contains(Session, "before_flush", _stamp_channel):
        event.listen(Session, "before_flush", _stamp_channel)

    @app.after_request
    def refresh_cookie(response: Response) -> Response:
        token = g.get("help_session_token")
        if token:
            response.set_cookie(
                COOKIE_NAME, token, max_age=int(SESSION_LIFETIME.total_seconds()),
                httponly=True, samesite="Lax", secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response
