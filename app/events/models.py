"""Event storage. One row per thing that happened; names are dotted (``article.viewed``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

BigId = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class HelpSession(db.Model):
    """An anonymous end user's session. The id is a hash of the cookie value, never the value."""

    __tablename__ = "help_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    visits: Mapped[int] = mapped_column(Integer, default=1)
    # Where help was given (site, widget, api); the page context of the widget (``checkout``).
    channel: Mapped[str] = mapped_column(String(10), default="site", server_default="site")
    page_context: Mapped[str | None] = mapped_column(String(60))


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_name_occurred_at", "name", "occurred_at"),
        Index("ix_events_session_occurred_at", "session_id", "occurred_at"),
        Index("ix_events_channel_context", "channel", "page_context"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    article_slug: Mapped[str | None] = mapped_column(String(200), index=True)
    journey: Mapped[str | None] = mapped_column(String(100))
    session_id: Mapped[str | None] = mapped_column(String(64))
    visit: Mapped[int | None] = mapped_column(Integer)
    # Searches: the text, how many results; clicks: which search, at which position.
    query: Mapped[str | None] = mapped_column(String(300))
    normalized_query: Mapped[str | None] = mapped_column(String(300), index=True)
    result_count: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int | None] = mapped_column(Integer)
    search_event_id: Mapped[int | None] = mapped_column(BigId)
    source: Mapped[str | None] = mapped_column(String(20))
    # The interface language of the request (primary code: en, zh).
    lang: Mapped[str | None] = mapped_column(String(10))
    # Where help was given (site, widget, api); the page context of the widget (``checkout``).
    channel: Mapped[str] = mapped_column(String(10), default="site", server_default="site")
    page_context: Mapped[str | None] = mapped_column(String(60))


class Vote(db.Model):
    """"Did this solve your problem?": one per help session and article; voting again updates it."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("session_id", "article_slug", name="uq_votes_session_article"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64))
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    journey: Mapped[str | None] = mapped_column(String(100))
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where help was given (site, widget, api); the page context of the widget (``checkout``).
    channel: Mapped[str] = mapped_column(String(10), default="site", server_default="site")
    page_context: Mapped[str | None] = mapped_column(String(60))

