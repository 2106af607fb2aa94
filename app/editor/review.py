"""The editors' review queue: articles that need a look, and why.

An article enters the queue for any of these reasons (definitions in docs/metrics.md):
an agent marked it as the cause of a ticket; its helpfulness dropped against its own past;
tickets after viewing it rose against its own past; its ``review_by`` date passed; most of its
text is also in another article (content/near_copies.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import select

from app.content import Article
from app.content.near_copies import near_copies_now
from app.editor.models import ReviewRequest
from app.events.models import utcnow
from app.extensions import db
from app.metrics.deflection import ArticleMetrics, article_metrics
from app.text import Text, TextError

RECENT_DAYS = 30  # the article now ...
PAST_DAYS = 90  # ... against the 90 days before that
MIN_VOTES = 5  # in each period, to compare helpfulness
MIN_VIEWS = 20  # in each period, to compare tickets after view
# Exact fractions: "at least 20 points" must hold at exactly 20 points (70% -> 50%).
HELPFULNESS_DROP = Fraction(1, 5)  # 20 points lower than before
TICKET_RATE_FACTOR = Fraction(3, 2)  # tickets after view 1.5x as frequent as before ...
TICKET_RATE_MIN_RISE = Fraction(1, 20)  # ... and at least 5 points more
CAUSES = {
    "wrong": Text("Wrong: it tells users something that is not true"),
    "outdated": Text("Outdated: the product or policy changed"),
    "missing-step": Text("A step is missing"),
    "unclear": Text("Unclear: users misread it"),
}
# "Agent: <cause>" as one message each, so that a translation reads as one sentence.
AGENT_SAYS = {
    "wrong": Text("Agent: Wrong: it tells users something that is not true"),
    "outdated": Text("Agent: Outdated: the product or policy changed"),
    "missing-step": Text("Agent: A step is missing"),
    "unclear": Text("Agent: Unclear: users misread it"),
}
MAX_NOTE_LENGTH = 2000


class ReviewError(TextError):
    """A review request that cannot be stored; the message says why."""


@dataclass(frozen=True)
class ReviewItem:
    slug: str
    article: Article | None  # None: the article was deleted after an agent's request
    reasons: tuple[str, ...]  # one sentence (a Text) per signal
    requests: tuple[ReviewRequest, ...]  # agents' open requests, newest first
    rank: int  # 0: agents' requests, 1: signals from figures, 2: past review_by or a near-copy


def figure_signals(recent: ArticleMetrics, past: ArticleMetrics) -> list[str]:
    """Why the recent figures are worse than the article's own past; empty when they are not."""
    reasons: list[str] = []
    if recent.counted_from is not None:
        return reasons  # counters reset lately: the new version has no past of its own yet
    recent_votes = recent.helpful_yes + recent.helpful_no
    past_votes = past.helpful_yes + past.helpful_no
    if recent_votes >= MIN_VOTES and past_votes >= MIN_VOTES:
        now, before = Fraction(recent.helpful_yes, recent_votes), Fraction(past.helpful_yes,
                                                                           past_votes)
        if now <= before - HELPFULNESS_DROP:
            reasons.append(Text("Helpfulness fell from %(before)s to %(now)s "
                                "(%(recent)s days against the %(past)s before)",
                                before=f"{float(before):.0%}", now=f"{float(now):.0%}",
                                recent=RECENT_DAYS, past=PAST_DAYS))
    if recent.views >= MIN_VIEWS and past.views >= MIN_VIEWS:
        now = Fraction(recent.tickets_after_view, recent.views)
        before = Fraction(past.tickets_after_view, past.views)
        if now >= before * TICKET_RATE_FACTOR and now - before >= TICKET_RATE_MIN_RISE:
            reasons.append(Text("Tickets after a view rose from %(before)s to %(now)s of views",
                                before=f"{float(before):.0%}", now=f"{float(now):.0%}"))
    return reasons


def _agents_say(requests: list[ReviewRequest]) -> list[str]:
    return [AGENT_SAYS.get(request.reason) or Text("Agent: %(cause)s", cause=request.reason)
            for request in requests]


def open_requests() -> dict[str, list[ReviewRequest]]:
    requests: dict[str, list[ReviewRequest]] = {}
    for request in db.session.scalars(select(ReviewRequest).where(
            ReviewRequest.status == "open").order_by(ReviewRequest.id.desc())):
        requests.setdefault(request.article_slug, []).append(request)
    return requests


def review_queue(articles: list[Article], *, window: timedelta, source=None,
                 now: datetime | None = None, today: date | None = None) -> list[ReviewItem]:
    """Articles needing review, agents' requests first, then figure signals, then stale.

    ``articles`` should include drafts: an article unpublished after a request stays listed."""
    now = now or utcnow()
    today = today or now.date()
    recent_start = now - timedelta(days=RECENT_DAYS)
    past_start = recent_start - timedelta(days=PAST_DAYS)
    recent = {row.slug: row for row in article_metrics(articles, recent_start, now,
                                                       window=window, source=source)}
    past = {row.slug: row for row in article_metrics(articles, past_start, recent_start,
                                                     window=window, source=source)}
    requests = open_requests()
    copies: dict[str, list[str]] = {}
    for pair in near_copies_now(articles):
        copies.setdefault(pair.article.slug, []).append(
            Text("Near-copy: about %(share)s%% of its text is also in “%(title)s” (%(path)s); "
                 "merge the two or make them differ", share=round(pair.share * 100),
                 title=pair.original.title, path=pair.original.path))
    items = []
    for article in articles:
        reasons = _agents_say(requests.get(article.slug, []))
        signals = figure_signals(recent[article.slug], past[article.slug])
        reasons += signals
        if article.is_stale(today):
            reasons.append(Text("Review date %(date)s has passed", date=article.review_by))
        reasons += copies.get(article.slug, [])
        if not reasons:
            continue
        rank = 0 if article.slug in requests else 1 if signals else 2
        items.append(ReviewItem(article.slug, article, tuple(reasons),
                                tuple(requests.get(article.slug, [])), rank))
    known = {article.slug for article in articles}
    for slug, gone in requests.items():  # requests must stay closable after a deletion
        if slug not in known:
            reasons = [*_agents_say(gone), Text("The article no longer exists")]
            items.append(ReviewItem(slug, None, tuple(reasons), tuple(gone), 0))
    return sorted(items, key=lambda item: (item.rank, -len(item.reasons),
                                           item.article.title.lower() if item.article
                                           else item.slug))


def request_review(article_slug: str, reason: str, note: str, *, ticket_reference: str | None,
                   requested_by_id: int | None) -> ReviewRequest:
    """An agent marks an article as the cause of a ticket."""
    if reason not in CAUSES:
        raise ReviewError(Text("Choose what is wrong with the article: %(causes)s.",
                               causes=", ".join(CAUSES)))
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ReviewError(Text("The note is %(length)s characters; the limit is %(limit)s.",
                               length=len(note), limit=MAX_NOTE_LENGTH))
    request = ReviewRequest(article_slug=article_slug, ticket_reference=ticket_reference,
                            reason=reason, note=note, requested_by_id=requested_by_id)
    db.session.add(request)
    db.session.commit()
    return request


def close_request(request: ReviewRequest, done_by_id: int | None, note: str) -> None:
    """An editor has dealt with the request; it leaves the queue and stays in the history."""
    request.status = "done"
    request.done_by_id = done_by_id
    request.done_at = utcnow()
    request.done_note = (note or "").strip()[:MAX_NOTE_LENGTH] or None
    db.session.commit()
