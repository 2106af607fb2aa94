"""``POST /api/v1/widget/session``: a help session for the widget on a listed site.

Third-party cookies are blocked, so the widget gets a signed, short-lived token instead and
sends it in ``X-Help-Session``; see docs/security.md.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import api
from app.cross_origin import is_allowed_origin
from app.errors import error_response
from app.events.models import utcnow
from app.extensions import db
from app.sessions import tokens
from app.sessions.service import touch
from app.text import Text
from app.widget.contexts import KEY_PATTERN


@api.post("/widget/session")
def widget_session():
    origin = request.headers.get("Origin")
    if not is_allowed_origin(origin):
        message = Text("Help is not available on this page: its origin is not in "
                       "KB_ALLOWED_ORIGINS.")
        return error_response(403, message, fields={"Origin": Text("not allowed")})
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        return error_response(400, "Send a JSON object, such as {\"context\": \"checkout\"}.")
    context = body.get("context")
    if context in (None, ""):
        context = None
    elif not isinstance(context, str) or not KEY_PATTERN.match(context):
        message = "'context' is lower-case letters, digits, - or _ (at most 60)."
        return error_response(400, message, fields={"context": message})
    token, session = tokens.issue(current_app.config["SECRET_KEY"], context)
    row = touch(session.session_id, utcnow())
    row.channel, row.page_context = session.channel, context
    db.session.commit()
    return jsonify({"token": token, "header": tokens.HEADER, "context": context,
                    "expires_in": int(tokens.TOKEN_LIFETIME.total_seconds())}), 201
