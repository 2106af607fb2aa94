"""The agents' inbox: tickets by priority and age against their response targets; replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select

from app.events.models import utcnow
from app.extensions import db
from app.text import Text, TextError
from app.tickets.labels import STATUSES
from app.tickets.models import OutboxMessage, Ticket, TicketUpdate

MAX_NOTE_LENGTH = 5000
REPLY_CHANNEL = "reply"


class ReplyError(TextError):
    """A reply that cannot be saved; the first argument is the message (a ``Text``)."""


@dataclass(frozen=True)
class InboxRow:
    ticket: Ticket
    age: timedelta
    target: timedelta
    overdue: bool  # no first response yet and older than its priority's target


def inbox(status: str | None, targets: dict[str, int], now: datetime | None = None
          ) -> list[InboxRow]:
    """Tickets (not solved unless asked), most urgent priority first, then oldest first."""
    now = now or utcnow()
    query = select(Ticket).order_by(
        case({"P1": 1, "P2": 2, "P3": 3}, value=Ticket.priority, else_=4), Ticket.created_at)
    if status in STATUSES:
        query = query.where(Ticket.status == status)
    elif status != "all":
        query = query.where(Ticket.status != "solved")
    rows = []
    for ticket in db.session.scalars(query.limit(500)):
        target = timedelta(minutes=targets.get(ticket.priority, 240))
        age = now - ticket.created_at
        rows.append(InboxRow(ticket, age, target,
                             ticket.first_response_at is None and age > target))
    return rows


def reply(ticket: Ticket, status: str, note: str, author_id: int | None,
          mail_user: bool, now: datetime | None = None) -> TicketUpdate:
    """Change the status and/or write to the user; the note shows on their status page."""
    now = now or utcnow()
    if status not in STATUSES:
        raise ReplyError(Text("status must be one of %(statuses)s",
                              statuses=", ".join(STATUSES)))
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ReplyError(Text("the note is %(length)s characters; the limit is %(limit)s",
                              length=len(note), limit=MAX_NOTE_LENGTH))
    if not note and status == ticket.status:
        raise ReplyError(Text("write a reply or change the status"))
    update = TicketUpdate(ticket=ticket, created_at=now, status=status, author_id=author_id,
                          note=note or f"Status changed to {status}.")
    ticket.status, ticket.updated_at = status, now
    if note and ticket.first_response_at is None:
        ticket.first_response_at = now
    db.session.add(update)
    if note and mail_user:
        db.session.add(OutboxMessage(ticket=ticket, update=update, channel=REPLY_CHANNEL,
                                     next_attempt_at=now, created_at=now))
    db.session.commit()
    return update
