"""The ticket desk: creation plus delivery, configured once per app."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from datetime import timedelta

from flask import Flask

from app.content import Article
from app.errors import discard_session
from app.extensions import db
from app.public_urls import article_url, can_make_external_urls, external_url
from app.text import Text
from app.tickets import conversation, inbound, outbox, self_service
from app.tickets.channels import ACK_CHANNEL, ack_channel, configured_channels, reply_channel
from app.tickets.models import Ticket
from app.tickets.service import TicketReceipt, TicketRequest, create_ticket

log = logging.getLogger(__name__)


class TicketDesk:
    def __init__(self, app: Flask) -> None:
        config = app.config
        self.app = app
        self.channels = configured_channels(config)  # where new tickets are handed off
        self.replies = reply_channel(config)
        self.acks = ack_channel(config)  # the acknowledgement to the user, with articles
        self.delivery_channels = {**self.channels,
                                  **({"reply": self.replies} if self.replies else {}),
                                  **({ACK_CHANNEL: self.acks} if self.acks else {})}
        self.delivery_mode = config["KB_TICKET_DELIVERY"]
        self.rate_limit = config["KB_TICKET_RATE_LIMIT"]
        self.rate_window = timedelta(minutes=config["KB_TICKET_RATE_WINDOW_MINUTES"])
        self.response_targets = dict(zip(("P1", "P2", "P3"), config["KB_RESPONSE_MINUTES"],
                                         strict=True))
        self._secret = config["SECRET_KEY"].encode()
        self._deliveries: set[threading.Thread] = set()

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
            article=article, titles=titles,
            # the acknowledgement is owed from the start, in the ticket's own transaction
            channels=list(self.channels) + ([ACK_CHANNEL] if self.acks else []),
            rate_limit=self.rate_limit, rate_window=self.rate_window,
            idempotency_key=idempotency_key, secret=self._secret,
        )
        if not receipt.replayed:
            self._offer(receipt.id, article)
            self._start_delivery(receipt.id)
        return receipt

    def _offer(self, ticket_id: int, article: Article | None) -> None:
        """Offer articles that may answer the request (the acknowledgement mail, queued with
        the ticket, lists them). The ticket is already committed: a failure here costs the
        offers, never the ticket, and never an error for the user."""
        try:
            ticket = db.session.get(Ticket, ticket_id)
            if ticket is not None and self_service.offers_articles(ticket, article) \
                    and can_make_external_urls():
                self._offer_articles(ticket)
                db.session.commit()
        except Exception:  # a broken index or a lost connection: the ticket stands
            discard_session()
            log.exception("no articles could be offered with ticket %s", ticket_id)

    def _offer_articles(self, ticket: Ticket) -> None:
        center = self.app.extensions["helpcenter"]
        text = self_service.query_text(ticket, self.app.config["KB_MAX_QUERY_LENGTH"])
        found = center.search(text, lang=ticket.lang or center.catalog.default_language)
        articles = self_service.choose_articles(ticket, [hit.slug for hit in found.hits],
                                                center.catalog)
        self_service.store_offers(
            ticket, articles, secret=self.app.config["SECRET_KEY"], article_url=article_url,
            answer_url=lambda token: external_url("site.self_service_answer", token=token))

    def _start_delivery(self, ticket_id: int) -> None:
        if self.delivery_mode == "inline":
            try:
                self.deliver(ticket_id=ticket_id)
            except Exception:  # stored is what the user was promised; the outbox retries
                log.exception("inline delivery of ticket %s failed", ticket_id)
        elif self.delivery_mode == "background":
            thread = threading.Thread(target=self._deliver_in_background, args=(ticket_id,),
                                      daemon=True)
            self._deliveries.add(thread)
            thread.start()

    def wait_for_deliveries(self, timeout: float = 30.0) -> None:
        """Let background deliveries under way finish (tests; a process shutting down), so
        none holds a database connection past the app's end."""
        for thread in list(self._deliveries):
            thread.join(timeout)

    def deliver(self, *, ticket_id: int | None = None, force: bool = False
                ) -> outbox.DeliveryReport:
        return outbox.deliver_pending(self.delivery_channels, ticket_id=ticket_id, force=force)

    def _deliver_in_background(self, ticket_id: int) -> None:
        try:
            with self.app.app_context():
                try:
                    self.deliver(ticket_id=ticket_id)
                except Exception:  # the outbox keeps it; `tickets deliver` or the next run
                    log.exception("background delivery of ticket %s failed", ticket_id)
        finally:
            self._deliveries.discard(threading.current_thread())

    def send_reply(self, ticket: Ticket, status: str, note: str, author_id: int | None):
        """Record an agent's reply; mail it to the user when mail is configured."""
        from app.tickets.inbox import reply

        update = reply(ticket, status, note, author_id, mail_user=self.replies is not None)
        self._start_delivery(ticket.id)
        return update

    def add_user_message(self, ticket: Ticket, body: str, *, source: str, key: str | None):
        """Store the user's answer once, reopen the ticket and tell the support team."""
        message, new = conversation.add_user_message(ticket, body, source=source, key=key,
                                                     notify=list(self.channels))
        if new:
            self._start_delivery(ticket.id)
        return message, new

    def receive_mail(self, raw: bytes, envelope_recipients: list[str] | None = None
                     ) -> inbound.Outcome:
        """Thread a user's mail onto their ticket (the SMTP receiver and the webhook)."""
        base = self.app.config.get("KB_INBOUND_MAIL_ADDRESS")
        if not base:
            return inbound.Outcome(inbound.REJECTED, reason="KB_INBOUND_MAIL_ADDRESS is not set")
        return inbound.receive(raw, secret=self.app.config["SECRET_KEY"], base_address=base,
                               notify=list(self.channels), envelope_recipients=envelope_recipients,
                               started=self._start_delivery)

    def response_target(self, priority: str) -> str:
        minutes = self.response_targets.get(priority, 240)
        if minutes < 60:
            return Text("within %(minutes)s minutes", minutes=minutes)
        hours = minutes / 60
        if hours == 1:
            return Text("within 1 hour")
        return Text("within %(hours)s hours", hours=f"{hours:g}")
