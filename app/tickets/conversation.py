"""A ticket as a conversation: the request, support's replies and the user's answers, in order.

The user answers on the private status page or by replying to a mail (app/tickets/inbound.py).
Either way the answer is stored once (a keyed hash of the form's key or of the mail's
Message-ID is unique), the ticket is open again for the agents, and the support team's
channels (mail, webhook, log) are told through the outbox in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.events.models import utcnow
from app.extensions import db
from app.text import Text, TextError
from app.tickets.labels import system_note
from app.tickets.models import OutboxMessage, Ticket, TicketMessage, TicketUpdate

MAX_MESSAGE_LENGTH = 5000
WEB, MAIL = "web", "mail"
# Kinds of entries in a thread.
REQUEST, SUPPORT, CUSTOMER, EVENT = "request", "support", "customer", "event"


class MessageError(TextError):
    """An answer that cannot be stored; ``field`` names the form field."""

    def __init__(self, field: str, message: Text) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Entry:
    """One line of a thread. ``text`` is a ``Text`` for notes the system wrote."""

    kind: str
    at: datetime
    text: str
    author: str | None = None  # the agent's address for support replies
    source: str | None = None  # web or mail for the user's answers


def dedupe_key(secret: str, kind: str, value: str) -> str:
    """A keyed hash of a form key or a Message-ID: what makes an answer stored once."""
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def check_body(body: str | None, field: str = "message") -> str:
    """The answer's text, stripped; MessageError naming ``field`` when empty or too long."""
    text = (body or "").strip()
    if not text:
        raise MessageError(field, Text("Write your answer before sending it."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MessageError(field, Text("Your answer is %(length)s characters; the limit is "
                                       "%(limit)s.", length=len(text), limit=MAX_MESSAGE_LENGTH))
    return text


def add_user_message(ticket: Ticket, body: str, *, source: str, key: str | None,
                     notify: list[str], now: datetime | None = None
                     ) -> tuple[TicketMessage, bool]:
    """Store the user's answer once and reopen the ticket; (message, True when new).

    ``key`` is a ``dedupe_key``: the same key again returns the stored message and changes
    nothing, also when two deliveries race. ``notify`` names the channels to tell."""
    now = now or utcnow()
    text = check_body(body)
    if key:
        existing = db.session.scalar(select(TicketMessage).where(TicketMessage.dedupe_key == key))
        if existing is not None:
            return existing, False
    message = TicketMessage(ticket=ticket, created_at=now, source=source, body=text,
                            dedupe_key=key)
    db.session.add(message)
    ticket.status, ticket.updated_at = "open", now
    for channel in notify:
        db.session.add(OutboxMessage(ticket=ticket, message=message, channel=channel,
                                     next_attempt_at=now, created_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # the same key stored by a concurrent request
        db.session.rollback()
        existing = db.session.scalar(select(TicketMessage).where(TicketMessage.dedupe_key == key))
        if existing is None:
            raise
        return existing, False
    return message, True


def thread(ticket: Ticket) -> list[Entry]:
    """Everything said on the ticket, oldest first: the request, replies, answers, events."""
    entries = [Entry(REQUEST, ticket.created_at, ticket.description, source=WEB)]
    authors = {user.id: user.email for user in db.session.scalars(select(User).where(
        User.id.in_({u.author_id for u in ticket.updates if u.author_id})))}
    for update in ticket.updates:
        note = system_note(update.note)
        if isinstance(note, Text):
            entries.append(Entry(EVENT, update.created_at, note))
        else:
            entries.append(Entry(SUPPORT, update.created_at, note,
                                 author=authors.get(update.author_id)))
    for message in db.session.scalars(select(TicketMessage).where(
            TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)):
        entries.append(Entry(CUSTOMER, message.created_at, message.body, source=message.source))
    order = {REQUEST: 0, EVENT: 1, SUPPORT: 2, CUSTOMER: 3}
    return sorted(entries, key=lambda entry: (entry.at, order[entry.kind]))


def awaiting_support(ticket_ids: list[int]) -> set[int]:
    """Tickets whose user answered after the last reply from support."""
    if not ticket_ids:
        return set()
    answered = dict(db.session.execute(
        select(TicketMessage.ticket_id, func.max(TicketMessage.created_at))
        .where(TicketMessage.ticket_id.in_(ticket_ids)).group_by(TicketMessage.ticket_id)).all())
    replied = dict(db.session.execute(
        select(TicketUpdate.ticket_id, func.max(TicketUpdate.created_at))
        .where(TicketUpdate.ticket_id.in_(list(answered)), TicketUpdate.author_id.is_not(None))
        .group_by(TicketUpdate.ticket_id)).all()) if answered else {}
    return {ticket_id for ticket_id, at in answered.items()
            if ticket_id not in replied or replied[ticket_id] < at}
