"""Ticket priority from the article's urgent flag, the journey and the user's words.

P1: urgent topics (money taken without an order, hacked or locked-out accounts, security);
P2: something is broken or wrong; P3: a question. See docs/tickets.md.
"""

from __future__ import annotations

import re

from app.content import Article
from app.text import StoredText, Text

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

# Why a ticket got its priority: stored in English with the ticket, shown translated.
FROM_URGENT_ARTICLE = Text("sent from the urgent article '%(slug)s'")
URGENT_WORDS = Text("urgent words: '%(words)s'")
PROBLEM_WORDS = Text("problem words: '%(words)s'")
FROM_JOURNEY = Text("sent from the '%(journey)s' journey")
A_QUESTION = Text("a question")
REASONS = StoredText(FROM_URGENT_ARTICLE, URGENT_WORDS, PROBLEM_WORDS, FROM_JOURNEY, A_QUESTION)

_P1 = re.compile("|".join(P1_PATTERNS), re.IGNORECASE)
_P2 = re.compile("|".join(P2_PATTERNS), re.IGNORECASE)


def classify(subject: str, description: str, article: Article | None) -> tuple[str, str]:
    """(priority, reason) for a new ticket."""
    text = f"{subject}\n{description}"
    if article is not None and article.urgent:
        return "P1", FROM_URGENT_ARTICLE.fill(slug=article.slug)
    match = _P1.search(text)
    if match:
        return "P1", URGENT_WORDS.fill(words=match.group(0))
    match = _P2.search(text)
    if match:
        return "P2", PROBLEM_WORDS.fill(words=match.group(0))
    if article is not None and article.journey in PROBLEM_JOURNEYS:
        return "P2", FROM_JOURNEY.fill(journey=article.journey)
    return "P3", A_QUESTION


def describe_reason(reason: str | None) -> str | None:
    """A stored priority reason as a translatable ``Text`` (reads the same in English)."""
    return REASONS.read(reason)
