"""Event storage. One row per thing that happened; names are dotted (``article.viewed``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_name_occurred_at", "name", "occurred_at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    article_slug: Mapped[str | None] = mapped_column(String(200), index=True)
    journey: Mapped[str | None] = mapped_column(String(100))
