"""Learn from outcomes: articles that solved a question rise for that question, bounded.

A session that searched a question, clicked an article and voted Yes (or did not open a ticket
afterwards) counts for that (question, article); a No vote or a ticket after the click counts
against it. Each session counts once per pair, old sessions fade (half-life), and the boost is
capped, so no one session and no burst can take over the ranking. Questions are keyed by their
analyzed term set, so "Refunds?" and "refund" share what was learned.

The boosts are precomputed from the event tables and cached for a short time; a search only
looks them up (see second_stage.SecondStage.reorder).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import tanh

from app.search.rerank import terms

HALF_LIFE_DAYS = 30.0
MAX_BOOST = 0.3  # a learned article's score grows by at most 30 %
EVIDENCE_SCALE = 3.0  # about three good sessions reach three quarters of the cap
YES, SILENT, NO = 1.0, 0.5, -1.0  # a click without a vote or ticket is a weaker yes


@dataclass(frozen=True)
class Outcome:
    session_id: str
    query: str
    slug: str
    value: float  # YES, SILENT or NO
    at: datetime


def query_key(text: str) -> frozenset[str]:
    """Similar questions share a key: their analyzed terms, order and repeats ignored."""
    return frozenset(terms(text))


class LearnedBoosts:
    """(question key, article) -> a bounded multiplier in [1 - MAX_BOOST, 1 + MAX_BOOST]."""

    def __init__(self, boosts: dict[frozenset[str], dict[str, float]] | None = None) -> None:
        self.boosts = boosts or {}

    @classmethod
    def from_outcomes(cls, outcomes: Iterable[Outcome], now: datetime,
                      half_life_days: float = HALF_LIFE_DAYS,
                      max_boost: float = MAX_BOOST) -> LearnedBoosts:
        per_session: dict[tuple, Outcome] = {}
        for outcome in outcomes:
            key = (outcome.session_id, query_key(outcome.query), outcome.slug)
            if not key[1]:
                continue
            # One vote per session and pair: the latest outcome stands.
            if key not in per_session or outcome.at >= per_session[key].at:
                per_session[key] = outcome
        evidence: dict[frozenset[str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for (_, key, slug), outcome in per_session.items():
            age_days = max((now - outcome.at).total_seconds(), 0.0) / 86400
            evidence[key][slug] += outcome.value * 0.5 ** (age_days / half_life_days)
        return cls({key: {slug: max_boost * tanh(total / EVIDENCE_SCALE)
                          for slug, total in slugs.items() if total}
                    for key, slugs in evidence.items()})

    def rerank(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """``ranked``: (slug, score) best first, reordered by the learned multipliers."""
        learned = self.boosts.get(query_key(text)) if self.boosts else None
        if not learned:
            return ranked
        rescored = [(slug, score * (1 + learned.get(slug, 0.0))) for slug, score in ranked]
        return sorted(rescored, key=lambda item: item[1], reverse=True)


def outcomes_from_events(since: datetime) -> list[Outcome]:
    """Search clicks since ``since`` with their outcome (needs an application context)."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from app.events.models import Event, Vote
    from app.events.recorder import SEARCH_CLICKED, SEARCH_PERFORMED
    from app.extensions import db
    from app.tickets.models import Ticket

    search = aliased(Event)
    rows = db.session.execute(
        select(Event.session_id, search.normalized_query, Event.article_slug, Event.occurred_at)
        .join(search, search.id == Event.search_event_id)
        .where(Event.name == SEARCH_CLICKED, search.name == SEARCH_PERFORMED,
               Event.occurred_at >= since, Event.session_id.is_not(None),
               search.normalized_query.is_not(None), Event.article_slug.is_not(None))
    ).all()
    if not rows:
        return []
    sessions = {row[0] for row in rows}
    votes = {(v.session_id, v.article_slug): v.helpful for v in db.session.scalars(
        select(Vote).where(Vote.session_id.in_(sessions)))}
    tickets: dict[str, list[datetime]] = defaultdict(list)
    for session_id, created in db.session.execute(
            select(Ticket.session_id, Ticket.created_at).where(Ticket.session_id.in_(sessions))):
        tickets[session_id].append(created)
    outcomes = []
    for session_id, query, slug, at in rows:
        vote = votes.get((session_id, slug))
        if vote is False or (vote is None and any(t >= at for t in tickets[session_id])):
            value = NO
        else:
            value = YES if vote else SILENT
        outcomes.append(Outcome(session_id, query, slug, value, at))
    return outcomes


class LearnedBoostsCache:
    """The boosts, recomputed at most every ``ttl`` seconds; a failed refresh keeps the last."""

    def __init__(self, load: Callable[[], LearnedBoosts], ttl: float = 300.0) -> None:
        self._load = load
        self.ttl = ttl
        self._lock = threading.Lock()
        self._boosts = LearnedBoosts()
        self._loaded_at = float("-inf")

    def current(self) -> LearnedBoosts:
        if time.monotonic() - self._loaded_at > self.ttl and self._lock.acquire(blocking=False):
            try:
                self._boosts = self._load()
            except Exception:  # noqa: BLE001 - learning must never break search
                pass
            finally:
                self._loaded_at = time.monotonic()
                self._lock.release()
        return self._boosts

    def rerank(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        return self.current().rerank(text, ranked)


def database_boosts(half_life_days: float = HALF_LIFE_DAYS, ttl: float = 300.0
                    ) -> LearnedBoostsCache:
    """Boosts from the event tables, refreshed every ``ttl`` seconds (outside a request: none)."""
    def load() -> LearnedBoosts:
        now = datetime.now(UTC)
        outcomes = outcomes_from_events(now - timedelta(days=half_life_days * 6))
        return LearnedBoosts.from_outcomes(outcomes, now, half_life_days)

    return LearnedBoostsCache(load, ttl)
