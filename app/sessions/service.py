"""Help sessions without Flask: create, recognise, and count visits."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from app.events.models import HelpSession
from app.extensions import db

SESSION_LIFETIME = timedelta(hours=24)
VISIT_GAP = timedelta(minutes=30)  # a visit ends after this long without activity
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_valid_token(token: str | None) -> bool:
    return bool(token and TOKEN_PATTERN.match(token))


def session_id_for(token: str) -> str:
    """What the database stores: a hash, so the table cannot be used to resume a session."""
    return hashlib.sha256(token.encode()).hexdigest()


def touch(session_id: str, now: datetime) -> HelpSession:
    """Mark activity; a gap longer than VISIT_GAP starts a new visit. Caller commits."""
    session = db.session.get(HelpSession, session_id)
    if session is None:
        session = HelpSession(id=session_id, created_at=now, last_seen_at=now, visits=1)
        db.session.add(session)
        return session
    if now - session.last_seen_at > VISIT_GAP:
        session.visits += 1
    session.last_seen_at = now
    return session

