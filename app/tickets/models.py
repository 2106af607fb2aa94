"""Tickets, their history, and the outbox of deliveries still owed to the support team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.events.models import BigId, UTCDateTime, utcnow
from app.extensions import db


class Ticket(db.Model):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status_token_hash: Mapped[str] = mapped_column(String(64))
    # Keyed hash of the client's idempotency key: a retry never stores a second ticket.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    order_reference: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[str] = mapped_column(String(2))
    priority_reason: Mapped[str] = mapped_column(String(200))
    journey: Mapped[str | None] = mapped_column(String(100))
    # The interface language the user wrote in (primary code: en, zh).
    lang: Mapped[str | None] = mapped_column(String(10))
    article_slug: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    client_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow,
                                                 index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where help was given (site, widget, api); the page context of the widget (``checkout``).
    channel: Mapped[str] = mapped_column(String(10), default="site", server_default="site")
    page_context: Mapped[str | None] = mapped_column(String(60))

    updates: Mapped[list[TicketUpdate]] = relationship(
        back_populates="ticket", order_by="TicketUpdate.id", cascade="all, delete-orphan"
    )


class TicketUpdate(db.Model):
    """One line of a ticket's history, as the user sees it on the status page."""

    __tablename__ = "ticket_updates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    ticket: Mapped[Ticket] = relationship(back_populates="updates")


class OutboxMessage(db.Model):
    """A delivery owed to one channel; kept until it succeeds, retried with backoff."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    channel: Mapped[str] = mapped_column(String(20))
    # Set for a reply to the user; empty for the handoff of the ticket to the support team.
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_updates.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    update: Mapped[TicketUpdate | None] = relationship()
    # Set when the user answered: the support team is told (mail or webhook).
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_messages.id", ondelete="CASCADE"))
    message: Mapped[TicketMessage | None] = relationship()


class TicketSuggestion(db.Model):
    """An article offered to the user after writing (acknowledgement mail and confirmation
    page), with the signed "This answered my question" link; ``answered_at`` is set when the
    user confirms it: the ticket is then solved by self-service, credited to this article."""

    __tablename__ = "ticket_suggestions"
    __table_args__ = (UniqueConstraint("ticket_id", "article_slug"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    article_url: Mapped[str] = mapped_column(Text)
    answer_url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    ticket: Mapped[Ticket] = relationship()

    @property
    def token(self) -> str:
        """The signed token at the end of ``answer_url``."""
        return self.answer_url.rsplit("/", 1)[-1]


class TicketMessage(db.Model):
    """Something the user wrote after the first request: on the status page or by mail.

    Each is stored once: a form sent twice carries the same key, a mail delivered twice the
    same Message-ID (both kept as keyed hashes, unique)."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(10))  # "web" or "mail"
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    ticket: Mapped[Ticket] = relationship()
