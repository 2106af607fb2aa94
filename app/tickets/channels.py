"""Where tickets go: SMTP mail, a signed JSON webhook, or the log. One small interface each."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from app.events.votes import NO_REASONS
from app.text import Text, in_language
from app.tickets.labels import status_label
from app.tickets.reply_address import reply_address, reply_token

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Helpcenter-Signature"
TIMEOUT_SECONDS = 10


class DeliveryError(RuntimeError):
    """The channel could not take the ticket now; it will be retried."""


class Channel(Protocol):
    name: str

    def send(self, payload: dict[str, Any]) -> None: ...


def _reason_words(code: str) -> str:
    """A reader's "No" reason as the words they chose (English, as the rest of this mail)."""
    return str(NO_REASONS[code]) if code in NO_REASONS else code


def ticket_text(payload: dict[str, Any]) -> str:
    """Plain-text body: the user's words first, then what they already tried."""
    lines = [
        f"Reference: {payload['reference']}   Priority: {payload['priority']} "
        f"({payload['priority_reason']})",
        f"From: {payload['email']}",
    ]
    if payload.get("order_reference"):
        lines.append(f"Order/account reference: {payload['order_reference']}")
    if payload.get("journey"):
        lines.append(f"Journey: {payload.get('journey_title') or payload['journey']}")
    if payload.get("channel") and payload["channel"] != "site":
        where = f" on {payload['page_context']}" if payload.get("page_context") else ""
        lines.append(f"Came from: {payload['channel']}{where}")
    lines += ["", payload["description"], "", "What the user already tried:"]
    context = payload.get("context") or {}
    for article in context.get("articles", []):
        vote = {"yes": "voted: solved it", "no": "voted: did NOT solve it"}.get(
            article.get("vote"), "no vote")
        reason = f" — {_reason_words(article['reason'])}" if article.get("reason") else ""
        comment = f' — "{article["comment"]}"' if article.get("comment") else ""
        lines.append(f"  read: {article['title']} ({vote}{reason}{comment})")
    for search in context.get("searches", []):
        clicked = ", ".join(f"{c.get('title') or c['slug']} (#{c['position']})"
                            for c in search.get("clicked", []))
        lines.append(f"  searched: \"{search['query']}\" — {search['results']} results"
                     + (f"; opened {clicked}" if clicked else ""))
    if not context.get("articles") and not context.get("searches"):
        lines.append("  nothing recorded in this help session")
    return "\n".join(lines)


class SmtpChannel:
    name = "smtp"

    def __init__(self, url: str, to_address: str, from_address: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps", "smtp+starttls"}:
            raise ValueError(f"KB_SMTP_URL must start with smtp://, smtps:// or "
                             f"smtp+starttls://, not {parts.scheme}://")
        self.scheme, self.host = parts.scheme, parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.to_address, self.from_address = to_address, from_address

    def send(self, payload: dict[str, Any]) -> None:
        message = EmailMessage()
        answer = payload.get("customer_reply")
        prefix = "Customer replied: " if answer else ""
        message["Subject"] = (f"[{payload['reference']}][{payload['priority']}] {prefix}"
                              f"{payload['subject']}")
        message["From"] = self.from_address
        message["To"] = self.to_address
        message["Reply-To"] = payload["email"]
        message.set_content(answer_text(payload) if answer else ticket_text(payload))
        self.deliver(message)

    def deliver(self, message: EmailMessage) -> None:
        try:
            if self.scheme == "smtps":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            with client:
                if self.scheme == "smtp+starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {error}") from error


def answer_text(payload: dict[str, Any]) -> str:
    """What the support team is told when the user answers on the status page or by mail."""
    answer = payload["customer_reply"]
    via = "by mail" if answer["source"] == "mail" else "on the status page"
    return (f"Reference: {payload['reference']}   From: {payload['email']}\n"
            f"The customer replied {via}:\n\n{answer['body']}\n")


class UserMailChannel:
    """Mail to the user who opened the ticket. Their answer goes to ``reply_to(reference)``:
    the signed address that threads it back (app/tickets/reply_address.py) when inbound mail
    is configured, else the support address."""

    name = ""

    def __init__(self, smtp: SmtpChannel, support_address: str,
                 reply_to: Callable[[str], str] | None = None) -> None:
        self.smtp, self.support_address = smtp, support_address
        self.threads_replies = reply_to is not None  # answers come back onto the ticket
        self.reply_to = reply_to or (lambda reference: support_address)

    def subject(self, payload: dict[str, Any]) -> str:
        raise NotImplementedError

    def body(self, payload: dict[str, Any]) -> str:
        raise NotImplementedError

    def send(self, payload: dict[str, Any]) -> None:
        message = EmailMessage()
        message["Subject"] = self.subject(payload)
        message["From"] = self.smtp.from_address
        message["To"] = payload["email"]
        message["Reply-To"] = self.reply_to(payload["reference"])
        message.set_content(self.body(payload))
        self.smtp.deliver(message)


class ReplyMailChannel(UserMailChannel):
    """An agent's reply, mailed to the user who opened the ticket."""

    name = "reply"

    def subject(self, payload: dict[str, Any]) -> str:
        return f"Re: {payload['subject']} [{payload['reference']}]"

    def body(self, payload: dict[str, Any]) -> str:
        text = reply_text(payload)
        if self.threads_replies:
            text += "\n" + in_language(REPLY_BY_MAIL, payload.get("lang")) + "\n"
        return text


REPLY_BY_MAIL = Text("You can answer by replying to this email.")


def reply_text(payload: dict[str, Any]) -> str:
    """The body of a reply mail, in the language the user wrote in (English without one)."""
    language, reply = payload.get("lang"), payload["reply"]
    status = Text("Status: %(status)s", status=status_label(reply["status"]))
    reference = Text("Reference: %(reference)s (use the private link you were given to see "
                     "the whole history)", reference=payload["reference"])
    return (f"{reply['note']}\n\n"
            f"{in_language(status, language)}\n{in_language(reference, language)}\n")


ACK_CHANNEL = "ack"
ACK_SUBJECT = Text("We received your request %(reference)s: %(subject)s")
ACK_OPENING = Text("We received your request “%(subject)s”. Your reference is %(reference)s; "
                   "we will reply by email.")
ACK_OFFERS = Text("While you wait, these articles may already answer your question:")
ACK_ANSWERED = Text("This answered my question: %(url)s")
ACK_CLOSING = Text("If one of them answers it, open its “This answered my question” link and "
                   "we will close your request. Otherwise there is nothing to do: we will reply.")


class AckMailChannel(UserMailChannel):
    """The acknowledgement mailed to the user who wrote, with the articles offered to them."""

    name = ACK_CHANNEL

    def subject(self, payload: dict[str, Any]) -> str:
        return in_language(ACK_SUBJECT.fill(reference=payload["reference"],
                                            subject=" ".join(payload["subject"].split())),
                           payload.get("lang"))

    def body(self, payload: dict[str, Any]) -> str:
        text = ack_text(payload)
        if self.threads_replies:
            text += "\n" + in_language(REPLY_BY_MAIL, payload.get("lang")) + "\n"
        return text


def ack_text(payload: dict[str, Any]) -> str:
    """The acknowledgement in the language the user wrote in: the reference, then up to three
    articles, each with its signed "This answered my question" link."""
    language = payload.get("lang")
    lines = [in_language(ACK_OPENING.fill(subject=payload["subject"],
                                          reference=payload["reference"]), language)]
    offers = payload.get("suggestions") or []
    if offers:
        lines += ["", in_language(ACK_OFFERS, language), ""]
        for number, offer in enumerate(offers, start=1):
            lines += [f"{number}. {offer['title']}", f"   {offer['article_url']}",
                      "   " + in_language(ACK_ANSWERED.fill(url=offer["answer_url"]), language),
                      ""]
        lines.append(in_language(ACK_CLOSING, language))
    return "\n".join(lines) + "\n"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    name = "webhook"

    def __init__(self, url: str, secret: str) -> None:
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError("KB_TICKET_WEBHOOK_URL must be an http(s) URL")
        self.url, self.secret = url, secret

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, sort_keys=True).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self.secret, body),
            "User-Agent": "helpcenter-webhook/1",
        })
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                status = response.status
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise DeliveryError(f"webhook {self.url}: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook {self.url}: HTTP {status}")


class LogChannel:
    """Used when neither SMTP nor a webhook is configured: the ticket is written to the log."""

    name = "log"

    def send(self, payload: dict[str, Any]) -> None:
        text = answer_text(payload) if payload.get("customer_reply") else ticket_text(payload)
        log.warning("ticket %s (%s) has no delivery channel configured:\n%s",
                    payload["reference"], payload["priority"], text)


def smtp_channel(config: dict[str, Any]) -> SmtpChannel | None:
    """Mail to the support team through KB_SMTP_URL, or None when it is not configured."""
    if not config.get("KB_SMTP_URL"):
        return None
    return SmtpChannel(config["KB_SMTP_URL"], config["KB_SUPPORT_EMAIL"], config["KB_MAIL_FROM"])


def reply_to(config: dict[str, Any]) -> Callable[[str], str] | None:
    """The signed reply address of a ticket when inbound mail is set up, else None."""
    base, secret = config.get("KB_INBOUND_MAIL_ADDRESS"), config["SECRET_KEY"]
    if not base:
        return None
    return lambda reference: reply_address(base, reply_token(secret, reference))


def reply_channel(config: dict[str, Any]) -> Channel | None:
    """Replies reach users only by mail, so only when SMTP is configured."""
    smtp = smtp_channel(config)
    return ReplyMailChannel(smtp, config["KB_SUPPORT_EMAIL"], reply_to(config)) if smtp else None


def ack_channel(config: dict[str, Any]) -> Channel | None:
    """The acknowledgement reaches users by mail: with SMTP, unless KB_TICKET_ACK_MAIL is off."""
    smtp = smtp_channel(config)
    if not smtp or not config.get("KB_TICKET_ACK_MAIL", True):
        return None
    return AckMailChannel(smtp, config["KB_SUPPORT_EMAIL"], reply_to(config))


def configured_channels(config: dict[str, Any]) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    smtp = smtp_channel(config)
    if smtp:
        channels["smtp"] = smtp
    if config.get("KB_TICKET_WEBHOOK_URL"):
        secret = config.get("KB_TICKET_WEBHOOK_SECRET") or config["SECRET_KEY"]
        channels["webhook"] = WebhookChannel(config["KB_TICKET_WEBHOOK_URL"], secret)
    return channels or {"log": LogChannel()}
