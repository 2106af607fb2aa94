"""Revisions of articles saved through the editor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.events.models import BigId, UTCDateTime, utcnow
from app.extensions import db


class Revision(db.Model):
    """One saved version of an article file, written through the editor."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    path: Mapped[str] = mapped_column(String(400))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(Integer)
    author_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewRequest(db.Model):
    """An agent's note that an article caused a ticket and needs an editor's review."""

    __tablename__ = "review_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    ticket_reference: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    done_by_id: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_note: Mapped[str | None] = mapped_column(Text)


class ScheduledChange(db.Model):
    """Publish or unpublish an article at a given time; applied by whichever node claims it
    first (``tasks run`` or the next editor request), so every node agrees."""

    __tablename__ = "scheduled_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(10))  # publish | unpublish
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    requested_by_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(300))


class PublishReview(db.Model):
    """An editor's request that a manager or admin approve (publish) a draft, and the answer."""

    __tablename__ = "publish_reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    requested_by_email: Mapped[str | None] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_by_email: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
