"""``POST /api/v1/widget/session``: a help session for the widget on a listed site.

Third-party cookies are blocked, so the widget gets a signed, short-lived token instead and
sends it in ``X-Help-Session``; see docs/security.md.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from app.api import api
from app.api import widget_schemas as w
from app.api.schemas import ErrorBody
from app.cross_origin import is_allowed_origin
from app.errors import error_response
from app.events.models import utcnow
from app.extensions import db
from app.sessions import tokens
from app.sessions.service import touch
from app.text import Text


@api.post("/widget/session")
@api.arguments(w.WidgetSessionBody)
@api.response(201, w.WidgetSessionOut)
@api.alt_response(400, schema=ErrorBody, description="`context` is wrong.")
@api.alt_response(403, schema=ErrorBody, description="The page's origin is not in "
                                                     "KB_ALLOWED_ORIGINS.")
@api.alt_response(415, schema=ErrorBody, description="The body is not JSON.")
@api.alt_response(429, schema=ErrorBody, description="Too many sessions; see `Retry-After`.")
def widget_session(body: dict[str, Any]):
    """Start a widget help session

    Called by widget.js from a page on a listed site; the token it returns ties the visit's
    searches, reads, votes and ticket together.
    """
    if not is_allowed_origin(request.headers.get("Origin")):
        message = Text("Help is not available on this page: its origin is not in "
                       "KB_ALLOWED_ORIGINS.")
        return error_response(403, message, fields={"Origin": Text("not allowed")})
    context = body.get("context") or None
    token, session = tokens.issue(current_app.config["SECRET_KEY"], context)
    row = touch(session.session_id, utcnow())
    row.channel, row.page_context = session.channel, context
    db.session.commit()
    return {"token": token, "header": tokens.HEADER, "context": context,
            "expires_in": int(tokens.TOKEN_LIFETIME.total_seconds())}, 201
