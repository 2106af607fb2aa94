"""Mail from users, threaded onto their tickets: one path for the SMTP receiver and the mail
provider's webhook.

The reply address carries a signed token (app/tickets/reply_address.py); a mail without a
valid one is refused and logged, and nothing is stored. The answer is the mail's new text:
the quoted mail below it and the signature are cut off. A mail delivered twice (same
Message-ID) is stored once.
"""

from __future__ import annotations

import email.policy
import hashlib
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses

from sqlalchemy import select

from app.extensions import db
from app.inputs import cleaned
from app.tickets.conversation import (
    MAIL,
    MAX_MESSAGE_LENGTH,
    MessageError,
    add_user_message,
    dedupe_key,
)
from app.tickets.models import Ticket
from app.tickets.reply_address import ReplyTokenError, read_reply_token, token_in

log = logging.getLogger(__name__)
STORED, DUPLICATE, REJECTED = "stored", "duplicate", "rejected"
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")

# Lines where the quoted earlier mail starts, in the forms common mail programs write.
_QUOTE_HEADERS = [
    re.compile(r"^On .{0,300}wrote:?\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),
    re.compile(r"^_{5,}\s*$"),
    re.compile(r"^From:\s.+", re.IGNORECASE),
    re.compile(r"^在.{0,200}写道[:：]?\s*$"),
    re.compile(r"^-{2,}\s*原始邮件\s*-{2,}"),
    re.compile(r"^发件人[:：]"),
]
_SIGNATURE = re.compile(r"^(-- ?|Sent from my .+|从我的.+发送)$", re.IGNORECASE)


@dataclass(frozen=True)
class InboundMail:
    message_id: str | None
    sender: str
    subject: str
    text: str
    addresses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    status: str  # stored, duplicate or rejected
    reference: str | None = None
    reason: str = ""


def parse_mail(raw: bytes) -> InboundMail:
    """The parts of a raw RFC 5322 message that threading needs (the stdlib parser)."""
    message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    addresses = [address for header in ADDRESS_HEADERS
                 for _, address in getaddresses(message.get_all(header, []))]
    sender = next((address for _, address in getaddresses(message.get_all("From", []))), "")
    message_id = (message.get("Message-ID") or "").strip() or None
    return InboundMail(message_id, sender, str(message.get("Subject", "")),
                       _body_text(message), addresses)


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: keep what decodes
        text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        text = re.sub(r"(?is)<(script|style).*?</\1>", "", text)
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def strip_quoted(text: str) -> str:
    """The new text of a reply: stops at the quoted mail or the signature; drops '>' lines."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        bare = line.strip()
        if any(pattern.match(bare) for pattern in _QUOTE_HEADERS) or _SIGNATURE.match(bare):
            break
        if bare.startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def receive(raw: bytes, *, secret: str, base_address: str, notify: list[str],
            envelope_recipients: list[str] | None = None,
            started: Callable[[int], None] | None = None) -> Outcome:
    """Thread one inbound mail onto its ticket, exactly once; refuse it otherwise."""
    mail = parse_mail(raw)
    token = token_in([*(envelope_recipients or []), *mail.addresses], base_address)
    if token is None:
        return _rejected(mail, "no reply token in the recipient addresses")
    try:
        reference = read_reply_token(secret, token)
    except ReplyTokenError as error:
        return _rejected(mail, str(error))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None:
        return _rejected(mail, f"no ticket {reference}")
    # A long mail is cut rather than bounced: the user meant every word of the start.
    body = cleaned(strip_quoted(mail.text))[:MAX_MESSAGE_LENGTH]
    key = dedupe_key(secret, "mail", mail.message_id or hashlib.sha256(raw).hexdigest())
    try:
        message, new = add_user_message(ticket, body, source=MAIL, key=key, notify=notify)
    except MessageError as error:
        return _rejected(mail, str(error), reference)
    if new and started:
        started(ticket.id)
    log.info("mail %s threaded onto %s%s", mail.message_id, reference,
             "" if new else " (already stored)")
    return Outcome(STORED if new else DUPLICATE, reference)


def _rejected(mail: InboundMail, reason: str, reference: str | None = None) -> Outcome:
    log.warning("inbound mail %s refused: %s", mail.message_id, reason)
    return Outcome(REJECTED, reference, reason)
