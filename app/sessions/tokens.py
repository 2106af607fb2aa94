"""Help sessions for pages on other sites: a short-lived signed token instead of a cookie.

Browsers block third-party cookies, so the widget asks for a token once (``POST
/api/v1/widget/session``) and sends it in the ``X-Help-Session`` header on every later call.
The token is signed with SECRET_KEY (itsdangerous) and carries the help-session id, the
channel and the context; it cannot be forged or altered, and it expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.sessions.service import new_token, session_id_for

HEADER = "X-Help-Session"
TOKEN_LIFETIME = timedelta(hours=2)
_SALT = "help-widget-session"
CHANNELS = ("site", "widget", "api")


@dataclass(frozen=True)
class WidgetSession:
    session_id: str
    context: str | None
    channel: str = "widget"


class InvalidToken(ValueError):
    """A token that is malformed, altered, signed with another key or expired."""


def _serializer(secret: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT)


def issue(secret: str | bytes, context: str | None) -> tuple[str, WidgetSession]:
    """A new help session for the widget and the token that names it."""
    session = WidgetSession(session_id_for(new_token()), context)
    token = _serializer(secret).dumps({"sid": session.session_id, "ctx": context,
                                       "ch": session.channel})
    return token, session


def read(secret: str | bytes, token: str, max_age: timedelta = TOKEN_LIFETIME
         ) -> WidgetSession:
    """The session a token names; InvalidToken if it was tampered with or has expired."""
    try:
        data = _serializer(secret).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise InvalidToken("expired") from None
    except BadSignature:
        raise InvalidToken("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str) \
            or data.get("ch") != "widget":
        raise InvalidToken("invalid")
    context = data.get("ctx")
    return WidgetSession(data["sid"], context if isinstance(context, str) else None)
