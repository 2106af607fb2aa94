"""The ticket desk: creation plus delivery, configured once per app."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from datetime import timedelta

from flask import Flask

from app.content import Article
from app.text import Text
from app.tickets import outbox
from app.tickets.channels import configured_channels, reply_channel
from app.tickets.models import Ticket
from app.tickets.service import TicketReceipt, TicketRequest, create_ticket

log = logging.getLogger(__name__)


class TicketDesk:
    def __init__(self, app: Flask) -> None:
        config = app.config
        self.app = app
        self.channels = configured_channels(config)  # where new tickets are handed off
        self.replies = reply_channel(config)
        self.delivery_channels = {**self.channels, **({"reply": self.replies}
                                                      if self.replies else {})}
        self.delivery_mode = config["KB_TICKET_DELIVERY"]
        self.rate_limit = config["KB_TICKET_RATE_LIMIT"]
        self.rate_window = timedelta(minutes=config["KB_TICKET_RATE_WINDOW_MINUTES"])
        self.response_targets = dict(zip(("P1", "P2", "P3"), config["KB_RESPONSE_MINUTES"],
                                         strict=True))
        self._secret = config["SECRET_KEY"].encode()

    def client_hash(self, remote_address: str | None) -> str | None:
        """A keyed hash of the client address for rate limiting; the address is not stored."""
        if not remote_address:
            return None
        return hmac.new(self._secret, remote_address.encode(), hashlib.sha256).hexdigest()

    def submit(self, request: TicketRequest, *, session_id: str | None,
               remote_address: str | None, article: Article | None,
               titles: dict[str, str], idempotency_key: str | None = None) -> TicketReceipt:
        """Store the ticket (and what it owes each channel), then start delivery."""
        receipt = create_ticket(
            request, session_id=session_id, client_hash=self.client_hash(remote_address),
            article=article, titles=titles, channels=list(self.channels),
            rate_limit=self.rate_limit, rate_window=self.rate_window,
            idempotency_key=idempotency_key, secret=self._secret,
        )
        if not receipt.replayed:
            self._start_delivery(receipt.id)
        return receipt

    def _start_delivery(self, ticket_id: int) -> None:
        if self.delivery_mode == "inline":
            try:
                self.deliver(ticket_id=ticket_id)
            except Exception:  # stored is what the user was promised; the outbox retries
                log.exception("inline delivery of ticket %s failed", ticket_id)
        elif self.delivery_mode == "background":
            threading.Thread(target=self._deliver_in_background, args=(ticket_id,),
                             daemon=True).start()

    def deliver(self, *, ticket_id: int | None = None, force: bool = False
                ) -> outbox.DeliveryReport:
        return outbox.deliver_pending(self.delivery_channels, ticket_id=ticket_id, force=force)

    def _deliver_in_background(self, ticket_id: int) -> None:
        with self.app.app_context():
            try:
                self.deliver(ticket_id=ticket_id)
            except Exception:  # the outbox keeps it; `tickets deliver` or the next run retries
                log.exception("background delivery of ticket %s failed", ticket_id)

    def send_reply(self, ticket: Ticket, status: str, note: str, author_id: int | None):
        """Record an agent's reply; mail it to the user when mail is configured."""
        from app.tickets.inbox import reply

        update = reply(ticket, status, note, author_id, mail_user=self.replies is not None)
        self._start_delivery(ticket.id)
        return update

    def response_target(self, priority: str) -> str:
        minutes = self.response_targets.get(priority, 240)
        if minutes < 60:
            return Text("within %(minutes)s minutes", minutes=minutes)
        hours = minutes / 60
        if hours == 1:
            return Text("within 1 hour")
        return Text("within %(hours)s hours", hours=f"{hours:g}")
