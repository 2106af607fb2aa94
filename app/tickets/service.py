"""Create tickets: validate, prioritise, attach the session's context, store, queue delivery.

The ticket and its outbox rows are written in one transaction *before* any delivery is tried,
so a ticket is never lost to a mail server or webhook that is down.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.content import Article
from app.events.models import utcnow
from app.events.recorder import TICKET_CREATED, record
from app.extensions import db
from app.sessions.service import touch
from app.text import Text
from app.tickets.context import session_context
from app.tickets.labels import RECEIVED
from app.tickets.models import OutboxMessage, Ticket, TicketUpdate
from app.tickets.priority import classify

# No 0/O, 1/I/L or U: a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
EMAIL_PATTERN = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]+\.[^@\s<>]{2,}$")
LIMITS = {"email": 254, "subject": 200, "description": 5000, "order_reference": 100}


class TicketValidationError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class RateLimited(RuntimeError):
    """Too many tickets from one client; the message says when to try again."""


class IdempotencyConflict(ValueError):
    """An idempotency key sent again with a different request."""


@dataclass(frozen=True)
class TicketReceipt:
    """What the user is told about a stored ticket, read before the commit: answering needs
    no further database round trip, so a connection lost after the commit cannot turn a
    stored ticket into an error (and a retry into a second ticket)."""

    id: int
    reference: str
    priority: str
    token: str
    replayed: bool = False  # the same idempotency key was sent before: nothing new stored


@dataclass(frozen=True)
class TicketRequest:
    email: str
    subject: str
    description: str
    order_reference: str | None = None
    article_slug: str | None = None
    lang: str | None = None  # the interface language the user wrote in


def validate_ticket(data: Mapping[str, object]) -> TicketRequest:
    """Check what the user sent; every problem is reported against its field."""
    errors: dict[str, str] = {}
    values: dict[str, str | None] = {}
    if "order_reference" not in data and "reference" in data:  # the API's name for it
        data = {**data, "order_reference": data["reference"]}
    for field in ("email", "subject", "description", "order_reference", "article"):
        raw = data.get(field)
        if raw is not None and not isinstance(raw, str):
            errors[field] = Text("must be text")
            continue
        if field != "description" and raw and ("\n" in raw or "\r" in raw):
            errors[field] = Text("must be a single line")  # it becomes a mail header
            continue
        values[field] = (raw or "").strip() or None
    required = {"email": Text("Your email address is required."),
                "subject": Text("A subject is required."),
                "description": Text("A description of the problem is required.")}
    for field, message in required.items():
        if field not in errors and not values.get(field):
            errors[field] = message
    for field, limit in LIMITS.items():
        value = values.get(field)
        if field not in errors and value and len(value) > limit:
            errors[field] = Text("Too long: %(length)s characters; the limit is %(limit)s.",
                                 length=len(value), limit=limit)
    email = values.get("email")
    if "email" not in errors and email and not EMAIL_PATTERN.match(email):
        errors["email"] = Text("That doesn't look like an email address (name@example.com).")
    if errors:
        raise TicketValidationError(errors)
    return TicketRequest(email=email or "", subject=values["subject"] or "",
                         description=values["description"] or "",
                         order_reference=values.get("order_reference"),
                         article_slug=values.get("article"))


IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{8,200}$")


def check_idempotency_key(key: str | None) -> str | None:
    """A client's retry key: 8 to 200 visible ASCII characters (a UUID fits), or None."""
    if key is None or key == "":
        return None
    if not IDEMPOTENCY_KEY_PATTERN.match(key):
        raise TicketValidationError({"Idempotency-Key": Text(
            "must be 8 to 200 visible ASCII characters, such as a UUID")})
    return key


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idempotency_hash(key: str, secret: bytes) -> str:
    return hmac.new(secret, b"ticket-key:" + key.encode(), hashlib.sha256).hexdigest()


def idempotent_token(key: str, secret: bytes) -> str:
    """The status token of a ticket sent with an idempotency key: derived from the key, so a
    retry can be given the same private link; unguessable without both key and secret."""
    return hmac.new(secret, b"ticket-status:" + key.encode(), hashlib.sha256).hexdigest()[:32]


def _replay(key_hash: str, request: TicketRequest, token: str) -> TicketReceipt | None:
    ticket = db.session.scalar(select(Ticket).where(Ticket.idempotency_key == key_hash))
    if ticket is None:
        return None
    if (ticket.email, ticket.subject, ticket.description) != (
            request.email, request.subject, request.description):
        raise IdempotencyConflict(Text("This idempotency key was already used for a different "
                                       "request."))
    return TicketReceipt(ticket.id, ticket.reference, ticket.priority, token, replayed=True)


def token_matches(ticket: Ticket, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(ticket.status_token_hash, hash_token(token))


def new_reference() -> str:
    return "HC-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def check_rate_limit(client_hash: str | None, limit: int, window: timedelta,
                     now: datetime) -> None:
    if not client_hash or limit <= 0:
        return
    recent = db.session.scalar(
        select(func.count(Ticket.id)).where(Ticket.client_hash == client_hash,
                                            Ticket.created_at >= now - window)
    )
    if recent >= limit:
        minutes = int(window.total_seconds() // 60)
        raise RateLimited(Text("You've sent %(count)s requests in the last %(minutes)s minutes. "
                               "We have them all and will answer each one; please wait a "
                               "little before sending another.", count=recent, minutes=minutes))


def create_ticket(
    request: TicketRequest,
    *,
    session_id: str | None,
    client_hash: str | None,
    article: Article | None,
    titles: dict[str, str],
    channels: list[str],
    rate_limit: int = 5,
    rate_window: timedelta = timedelta(hours=1),
    now: datetime | None = None,
    idempotency_key: str | None = None,
    secret: bytes = b"",
) -> TicketReceipt:
    """Store the ticket with its context and outbox rows, once per idempotency key.

    A request sent again with the key of a stored ticket stores nothing and gets that
    ticket's receipt back (``replayed``), even when the first answer was lost.
    """
    now = now or utcnow()
    key_hash = token = None
    if idempotency_key:
        key_hash = idempotency_hash(idempotency_key, secret)
        token = idempotent_token(idempotency_key, secret)
        replayed = _replay(key_hash, request, token)
        if replayed:
            return replayed
    check_rate_limit(client_hash, rate_limit, rate_window, now)
    priority, reason = classify(request.subject, request.description, article)
    token = token or secrets.token_urlsafe(24)
    for _ in range(5):  # a reference collision is astronomically rare; retry if it happens
        ticket = Ticket(
            reference=new_reference(), status_token_hash=hash_token(token),
            idempotency_key=key_hash,
            email=request.email, subject=request.subject, description=request.description,
            order_reference=request.order_reference, priority=priority, priority_reason=reason,
            journey=article.journey if article else None,
            lang=request.lang,
            article_slug=article.slug if article else None, status="open",
            session_id=session_id, client_hash=client_hash,
            context=session_context(session_id, titles), created_at=now, updated_at=now,
        )
        ticket.updates.append(TicketUpdate(created_at=now, status="open",
                                           note=RECEIVED))
        db.session.add(ticket)
        for channel in channels:
            db.session.add(OutboxMessage(ticket=ticket, channel=channel, next_attempt_at=now,
                                         created_at=now))
        if session_id:
            touch(session_id, now)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            replayed = key_hash and _replay(key_hash, request, token)
            if replayed:  # the same key arrived twice at once: the other request stored it
                return replayed
            continue
        receipt = TicketReceipt(ticket.id, ticket.reference, ticket.priority, token)
        # Commits the ticket, its outbox rows and the event, which carries the channel the
        # flush stamped on the ticket.
        record(TICKET_CREATED, session_id, now, (ticket.channel, ticket.page_context),
               article_slug=ticket.article_slug, journey=ticket.journey)
        return receipt
    raise RuntimeError("could not allocate a unique ticket reference")
