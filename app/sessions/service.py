"""Help sessions without Flask: create, recognise, and count visits."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case
from sqlalchemy.dialects import postgresql, sqlite

from app.events.models import HelpSession
from app.extensions import db
from app.lru import LRU

SESSION_LIFETIME = timedelta(hours=24)
VISIT_GAP = timedelta(minutes=30)  # a visit ends after this long without activity
# A session marked active this recently is not marked again by the next page: its visit cannot
# have changed, and the stored last activity may lag by this much (a visit's end by as much).
MARK_INTERVAL = timedelta(seconds=60)
MARKS_KEPT = 10_000
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


# INSERT … ON CONFLICT … RETURNING: PostgreSQL, and SQLite from 3.35 (Debian 12 has 3.40).
UPSERT_SQLITE = (3, 35)
_UPSERTS: dict[str, object] = {}


def _upsert(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE … RETURNING visits, built once per dialect."""
    if dialect not in _UPSERTS:
        table = HelpSession.__table__
        insert = {"postgresql": postgresql, "sqlite": sqlite}[dialect].insert(table).values(
            id=bindparam("session_id"), created_at=bindparam("now"),
            last_seen_at=bindparam("now"), visits=1, channel=bindparam("channel"),
            page_context=bindparam("page_context"))
        _UPSERTS[dialect] = insert.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"visits": table.c.visits + case((table.c.last_seen_at < bindparam("since"), 1),
                                                  else_=0),
                  "last_seen_at": bindparam("now")},
        ).returning(table.c.visits)
    return _UPSERTS[dialect]


def mark_active(session_id: str, now: datetime, channel: str = "site",
                page_context: str | None = None) -> int:
    """``touch`` in one statement, for the pages every reader hits: creates the session (with
    its channel) or marks it active, and returns its visit number. Two requests of one session
    at once both count, where read-then-write could lose one. Caller commits. Elsewhere (an
    older SQLite) it is ``touch``."""
    dialect = db.session.get_bind().dialect.name
    if not (dialect == "postgresql"
            or (dialect == "sqlite" and sqlite3.sqlite_version_info >= UPSERT_SQLITE)):
        session = touch(session_id, now)
        if session in db.session.new:
            session.channel, session.page_context = channel, page_context
        return session.visits
    statement = _upsert(dialect)
    return db.session.execute(statement, {
        "session_id": session_id, "now": now, "since": now - VISIT_GAP, "channel": channel,
        "page_context": page_context}).scalar_one()


# (database, session) -> (when this process last marked it active, its visit then)
_marks: LRU[tuple[datetime, int]] = LRU(MARKS_KEPT)


def recent_visit(session_id: str, now: datetime) -> int | None:
    """The visit this process last stored for the session, if it stored it less than
    ``MARK_INTERVAL`` before ``now``; None when the session must be marked active again."""
    mark = _marks.get((db.session.get_bind().url, session_id))
    if mark is not None and mark[0] <= now < mark[0] + MARK_INTERVAL:
        return mark[1]
    return None


def remember_visit(session_id: str, now: datetime, visit: int) -> None:
    """After the commit that stored ``mark_active``: the next pages within the interval skip it."""
    _marks.put((db.session.get_bind().url, session_id), (now, visit))
