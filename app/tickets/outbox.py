"""Deliver what the outbox owes, retrying with exponential backoff until it succeeds."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select

from app.events.models import utcnow
from app.extensions import db
from app.tickets import self_service
from app.tickets.channels import ACK_CHANNEL, Channel, DeliveryError
from app.tickets.models import OutboxMessage, Ticket

log = logging.getLogger(__name__)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at one hour: never given up."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    waiting: int = 0


def _journey_title(slug: str | None) -> str | None:
    """The journey's title for people reading the ticket (None outside an app or if unknown)."""
    if not slug or not has_app_context():
        return None
    journey = current_app.extensions["helpcenter"].journey(slug)
    return journey.title if journey is not None else None


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "priority": ticket.priority,
        "priority_reason": ticket.priority_reason,
        "status": ticket.status,
        "email": ticket.email,
        "subject": ticket.subject,
        "description": ticket.description,
        "order_reference": ticket.order_reference,
        "journey": ticket.journey,
        "journey_title": _journey_title(ticket.journey),
        "article": ticket.article_slug,
        "created_at": ticket.created_at.isoformat(),
        "context": ticket.context,
        "lang": ticket.lang,  # the interface language the user wrote in
        "channel": ticket.channel,  # site, widget or api
        "page_context": ticket.page_context,  # the widget's page context (checkout)
    }


def deliver_pending(
    channels: dict[str, Channel],
    *,
    ticket_id: int | None = None,
    force: bool = False,
    now: datetime | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Try every due message (or every pending one with ``force``); record each outcome."""
    now = now or utcnow()
    report = DeliveryReport()
    tried: list[int] = []
    while len(tried) < limit:
        # One message per transaction, claimed with SKIP LOCKED: workers never send it twice.
        query = select(OutboxMessage).where(OutboxMessage.status == "pending")
        if not force:
            query = query.where(OutboxMessage.next_attempt_at <= now)
        if ticket_id is not None:
            query = query.where(OutboxMessage.ticket_id == ticket_id)
        if tried:
            query = query.where(OutboxMessage.id.not_in(tried))
        message = db.session.scalar(
            query.order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True)
        )
        if message is None:
            break
        tried.append(message.id)
        _attempt(message, channels, now, report)
        db.session.commit()
    report.waiting = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending"))
    return report


def _attempt(message: OutboxMessage, channels: dict[str, Channel], now: datetime,
             report: DeliveryReport) -> None:
    channel = channels.get(message.channel)
    message.attempts += 1
    try:
        if channel is None:
            raise DeliveryError(f"channel '{message.channel}' is not configured")
        payload = ticket_payload(message.ticket)
        if message.update is not None:
            payload["reply"] = {"status": message.update.status, "note": message.update.note}
        if message.message is not None:
            payload["event"] = "ticket.customer_replied"
            payload["customer_reply"] = {"source": message.message.source,
                                         "body": message.message.body,
                                         "created_at": message.message.created_at.isoformat()}
        if message.channel == ACK_CHANNEL:
            payload["suggestions"] = self_service.mail_items(message.ticket_id)
        channel.send(payload)
    except DeliveryError as error:
        message.last_error = str(error)[:2000]
        message.next_attempt_at = now + backoff(message.attempts)
        report.failed += 1
        log.warning("delivery of %s via %s failed (attempt %d, next at %s): %s",
                    message.ticket.reference, message.channel, message.attempts,
                    message.next_attempt_at.isoformat(), error)
    else:
        message.status, message.delivered_at, message.last_error = "delivered", now, None
        report.delivered += 1
