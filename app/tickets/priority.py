"""Ticket priority from the article's urgent flag, the journey and the user's words.

P1: urgent topics (money taken without an order, hacked or locked-out accounts, security);
P2: something is broken or wrong; P3: a question. See docs/tickets.md.
"""

from __future__ import annotations

import re

from app.content import Article
from app.text import Text

P1_PATTERNS = [
    r"hack(ed|er)?", r"compromis", r"stolen", r"fraud", r"unauthori[sz]ed", r"phishing",
    r"locked out", r"account (was )?(locked|taken over)", r"someone (else )?(used|logged|changed)",
    r"security", r"charged (twice|two times|double)", r"double charge",
    r"(paid|payment taken|charged|money taken).{0,40}(order|booking).{0,20}"
    r"(fail|didn.?t|not|never)",
    r"(order|booking).{0,20}fail.{0,40}(paid|charged|money)",
]
P2_PATTERNS = [
    r"not working", r"doesn.?t work", r"didn.?t work", r"error", r"fail", r"broken", r"crash",
    r"can.?t", r"cannot", r"won.?t", r"missing", r"wrong", r"never (arrived|came)", r"late",
    r"refund", r"declined", r"problem", r"issue", r"bug", r"stuck",
]
PROBLEM_JOURNEYS = {"troubleshooting", "refunds-and-after-sales", "orders-and-payments"}

_P1 = re.compile("|".join(P1_PATTERNS), re.IGNORECASE)
_P2 = re.compile("|".join(P2_PATTERNS), re.IGNORECASE)


def classify(subject: str, description: str, article: Article | None) -> tuple[str, str]:
    """(priority, reason) for a new ticket."""
    text = f"{subject}\n{description}"
    if article is not None and article.urgent:
        return "P1", f"sent from the urgent article '{article.slug}'"
    match = _P1.search(text)
    if match:
        return "P1", f"urgent words: '{match.group(0)}'"
    match = _P2.search(text)
    if match:
        return "P2", f"problem words: '{match.group(0)}'"
    if article is not None and article.journey in PROBLEM_JOURNEYS:
        return "P2", f"sent from the '{article.journey}' journey"
    return "P3", "a question"


# The reasons ``classify`` stores, read back for display: (pattern, Text for its groups).
_STORED_REASONS = (
    (re.compile(r"sent from the urgent article '(?P<slug>.*)'"),
     lambda m: Text("sent from the urgent article '%(slug)s'", slug=m["slug"])),
    (re.compile(r"urgent words: '(?P<words>.*)'"),
     lambda m: Text("urgent words: '%(words)s'", words=m["words"])),
    (re.compile(r"problem words: '(?P<words>.*)'"),
     lambda m: Text("problem words: '%(words)s'", words=m["words"])),
    (re.compile(r"sent from the '(?P<journey>.*)' journey"),
     lambda m: Text("sent from the '%(journey)s' journey", journey=m["journey"])),
    (re.compile(r"a question"), lambda m: Text("a question")),
)


def describe_reason(reason: str | None) -> str | None:
    """A stored priority reason as a translatable ``Text`` (reads the same in English)."""
    for pattern, text in _STORED_REASONS:
        match = pattern.fullmatch(reason or "")
        if match:
            return text(match)
    return reason
