"""The signed reply address that threads a user's mail back onto their ticket.

Mails to the user carry ``Reply-To: support+<token>@help.example.com`` where ``<token>`` names
the ticket reference, the day it was issued and an HMAC of both under the app's secret. Mail
systems may change the case of an address, so the token is lower-case letters, digits and
hyphens only, and short enough for a local part (at most 64 characters).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, date, datetime, timedelta

from app.text import Text, TextError

TOKEN_MAX_AGE = timedelta(days=180)
_EPOCH = date(2020, 1, 1)
_TOKEN = re.compile(r"^(hc-[a-z0-9]{6})-([0-9a-f]{1,6})-([0-9a-f]{24})$")


class ReplyTokenError(TextError):
    """A reply address that is not ours, was changed, or is too old."""


def _mac(secret: str, reference: str, day: int) -> str:
    message = f"ticket-reply:{reference.lower()}:{day}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:24]


def reply_token(secret: str, reference: str, now: datetime | None = None) -> str:
    """``hc-ab12cd-<day>-<mac>``: the reference, the day of issue and their signature."""
    day = ((now or datetime.now(UTC)).date() - _EPOCH).days
    return f"{reference.lower()}-{day:x}-{_mac(secret, reference, day)}"


def read_reply_token(secret: str, token: str, now: datetime | None = None,
                     max_age: timedelta = TOKEN_MAX_AGE) -> str:
    """The ticket reference (upper case) a token names; ReplyTokenError when it is forged or
    older than ``max_age``."""
    found = _TOKEN.match(token.strip().lower())
    if not found:
        raise ReplyTokenError(Text("The reply address is not one of ours."))
    reference, day_hex, mac = found.groups()
    day = int(day_hex, 16)
    if not hmac.compare_digest(mac, _mac(secret, reference, day)):
        raise ReplyTokenError(Text("The reply address has a wrong signature."))
    issued = _EPOCH + timedelta(days=day)
    if (now or datetime.now(UTC)).date() - issued > max_age:
        raise ReplyTokenError(Text("The reply address has expired."))
    return reference.upper()


def reply_address(base_address: str, token: str) -> str:
    """``support@help.example.com`` + token -> ``support+token@help.example.com``."""
    local, _, domain = base_address.partition("@")
    return f"{local}+{token}@{domain}"


def token_in(addresses: list[str], base_address: str) -> str | None:
    """The token of the first address that is ``base_address`` with a ``+token`` tag."""
    local, _, domain = base_address.lower().partition("@")
    pattern = re.compile(rf"(?<![\w.+-]){re.escape(local)}\+([a-z0-9-]+)@{re.escape(domain)}\b")
    for address in addresses:
        found = pattern.search(address.lower())
        if found:
            return found.group(1)
    return None
