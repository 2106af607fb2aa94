"""A small SMTP server that takes users' replies and threads them onto tickets.

``flask --app wsgi mail receive --port 2525`` runs it (aiosmtpd, Apache-2.0). Put it behind
the MX or a forwarding rule for the inbound address (docs/deploy.md). Only recipients of the
form ``<local>+<token>@<domain>`` of ``KB_INBOUND_MAIL_ADDRESS`` are accepted; the rest of the
work is app/tickets/inbound.py, shared with the provider webhook.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from app.errors import discard_session
from app.tickets.inbound import REJECTED
from app.tickets.reply_address import ReplyTokenError, read_reply_token, token_in

log = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


class ReplyHandler:
    """aiosmtpd handler: refuse foreign recipients early, thread each accepted mail once."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.base_address = app.config["KB_INBOUND_MAIL_ADDRESS"]

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        token = token_in([address], self.base_address)
        if token is None:
            return "550 5.1.1 No such recipient here"
        try:  # a forged or expired address is refused before its message is sent
            read_reply_token(self.app.config["SECRET_KEY"], token)
        except ReplyTokenError as error:
            log.warning("inbound mail to %s refused: %s", address, error)
            return "550 5.7.1 This reply address is not valid"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        with self.app.app_context():
            try:
                outcome = self.app.extensions["tickets"].receive_mail(
                    raw, envelope_recipients=list(envelope.rcpt_tos))
            except Exception:  # the sender's server retries a temporary failure
                discard_session()
                log.exception("inbound mail could not be stored")
                return "451 4.3.0 Could not store the message now; try again later"
        if outcome.status == REJECTED:  # the reason is English text without line breaks
            return f"550 5.7.1 {' '.join(outcome.reason.split())[:200]}"
        return "250 OK"


def start(app: Flask, host: str, port: int):
    """Start the receiver in a background thread; returns the aiosmtpd controller (stop())."""
    if not app.config.get("KB_INBOUND_MAIL_ADDRESS"):
        raise RuntimeError("set KB_INBOUND_MAIL_ADDRESS (e.g. support@help.example.com) first")
    try:
        from aiosmtpd.controller import Controller
    except ImportError as error:
        raise RuntimeError("the SMTP receiver needs aiosmtpd: pip install 'helpcenter[mail]'"
                           ) from error
    controller = Controller(ReplyHandler(app), hostname=host, port=port,
                            data_size_limit=MAX_MESSAGE_BYTES)
    controller.start()
    return controller
