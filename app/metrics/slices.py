"""The figures of one slice of time (a UTC day, or part of one at a period's edge).

Every metric in docs/metrics.md is a sum over slices, so completed days can be computed once
and stored (app/metrics/daily.py) and a period's figures are the same whether its days come
from the store or are computed here on the spot.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.events.models import Event, Vote
from app.events.recorder import ARTICLE_VIEWED, SEARCH_PERFORMED
from app.extensions import db
from app.tickets.models import Ticket

# Per article: views, tickets after view, helpful yes, helpful no, deflections.
ARTICLE_FIELDS = ("views", "tickets_after_view", "helpful_yes", "helpful_no", "deflections")
# Journey funnels count sessions that entered by searching: each step is a part of the step it
# is measured against (FUNNEL_BASES), so no step can outgrow it.
FUNNEL_STEPS = ("searched", "viewed", "voted", "ticketed")
FUNNEL_BASES = (None, "searched", "viewed", "viewed")


@dataclass
class SliceCounts:
    """Additive figures of one slice; ``details`` holds the parts that are dicts or lists."""

    articles: dict[str, list[int]] = field(default_factory=dict)
    sessions: int = 0
    tickets: int = 0
    deflected_sessions: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, other: SliceCounts) -> None:
        """Add ``other`` into this one (a period is the sum of its slices)."""
        for slug, values in other.articles.items():
            mine = self.articles.setdefault(slug, [0] * len(ARTICLE_FIELDS))
            for index, value in enumerate(values):
                mine[index] += value
        self.sessions += other.sessions
        self.tickets += other.tickets
        self.deflected_sessions += other.deflected_sessions
        for key, values in other.details.items():
            mine = self.details.setdefault(key, {})
            for name, value in values.items():
                if key == "answer":  # samples, for exact medians
                    mine.setdefault(name, []).extend(value)
                elif isinstance(value, list):
                    old = mine.get(name) or [0] * len(value)
                    mine[name] = [a + b for a, b in zip(old, value, strict=True)]
                else:
                    mine[name] = mine.get(name, 0) + value


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def cut_days(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) cut at UTC midnights."""
    slices = []
    at = start
    while at < end:
        midnight = day_start(at.astimezone(UTC).date() + timedelta(days=1))
        slices.append((at, min(midnight, end)))
        at = midnight
    return slices


def _within(tickets: list[datetime], after: datetime, window: timedelta) -> bool:
    return any(after <= at <= after + window for at in tickets)


def compute_slice(start: datetime, end: datetime, window: timedelta,
                  lang: str | None = None) -> SliceCounts:
    """The figures of [start, end) straight from the events (docs/metrics.md)."""
    event_filter = [Event.occurred_at >= start, Event.occurred_at < end,
                    Event.session_id.is_not(None)]
    if lang:
        event_filter.append(Event.lang == lang)
    views: dict[str, list[tuple[datetime, str, str | None, str]]] = defaultdict(list)
    first_event: dict[str, datetime] = {}
    searches: list[tuple[str, datetime, str | None, int, str | None]] = []
    for session_id, name, at, slug, source, query, results, journey in db.session.execute(
        select(Event.session_id, Event.name, Event.occurred_at, Event.article_slug,
               Event.source, Event.normalized_query, Event.result_count, Event.journey)
        .where(*event_filter).order_by(Event.occurred_at, Event.id)
    ):
        first_event.setdefault(session_id, at)
        if name == ARTICLE_VIEWED and slug:
            views[session_id].append((at, slug, source, journey or ""))
        elif name == SEARCH_PERFORMED:
            searches.append((session_id, at, query, results or 0, journey))

    ticket_filter = [Ticket.created_at >= start, Ticket.created_at < end + window]
    if lang:
        ticket_filter.append(Ticket.lang == lang)
    tickets: dict[str, list[datetime]] = defaultdict(list)
    ticket_count = 0
    priority: Counter = Counter()
    ticket_journeys: Counter = Counter()
    for session_id, at, prio, journey in db.session.execute(
        select(Ticket.session_id, Ticket.created_at, Ticket.priority, Ticket.journey)
        .where(*ticket_filter)
    ):
        if at < end:
            ticket_count += 1
            priority[prio or ""] += 1
            ticket_journeys[journey or ""] += 1
        if session_id:
            tickets[session_id].append(at)

    # Helpful yes / no: votes cast or changed in the slice. Deflection, time to answer and
    # funnels use the session's current vote on the article it viewed.
    vote_filter = [Vote.updated_at >= start, Vote.updated_at < end]
    if lang:
        vote_filter.append(Vote.session_id.in_(select(Event.session_id).where(*event_filter)))
    counted_votes = db.session.execute(select(Vote.article_slug, Vote.helpful)
                                       .where(*vote_filter)).all()
    current: dict[tuple[str, str], bool] = {
        (session_id, slug): helpful for session_id, slug, helpful in db.session.execute(
            select(Vote.session_id, Vote.article_slug, Vote.helpful).where(
                Vote.session_id.in_(select(Event.session_id).where(
                    *event_filter, Event.name == ARTICLE_VIEWED))))
    }

    articles: dict[str, list[int]] = defaultdict(lambda: [0] * len(ARTICLE_FIELDS))
    deflected = 0
    answer: dict[str, list[float]] = defaultdict(list)
    for session_id, seen in views.items():
        session_tickets = tickets.get(session_id, [])
        slugs: dict[str, bool] = {}  # slug -> a ticket followed a view of it
        for at, slug, _, _ in seen:
            slugs[slug] = slugs.get(slug, False) or _within(session_tickets, at, window)
        for slug, failed in slugs.items():
            articles[slug][0] += 1
            articles[slug][1] += failed
        credited = _credited(seen, session_tickets, current, session_id, window)
        if credited:
            deflected += 1
            articles[credited][4] += 1
        for at, slug, _, journey in seen:  # the first view of an article voted Yes on
            if current.get((session_id, slug)) is True:
                answer[journey].append((at - first_event[session_id]).total_seconds())
                break
    for slug, helpful in counted_votes:
        articles[slug][2 if helpful else 3] += 1

    queries: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    entered: dict[str, dict[str, datetime]] = defaultdict(dict)  # session -> journey -> first
    for session_id, at, query, results, journey in searches:
        if journey is None:  # attributed to the journey of the next article viewed
            journey = next((j for seen_at, _, _, j in views.get(session_id, [])
                            if seen_at >= at), "")
        entered[session_id].setdefault(journey, at)
        if query:
            entry = queries[query]
            entry[0] += 1
            entry[1] += results == 0
            entry[2] += _within(tickets.get(session_id, []), at, window)
    funnel, browsed = _entry_funnels(entered, views, tickets, current, window)
    return SliceCounts(
        articles=dict(articles), sessions=len(first_event), tickets=ticket_count,
        deflected_sessions=deflected,
        details={"answer": dict(answer), "priority": dict(priority),
                 "ticket_journeys": dict(ticket_journeys), "entry_funnel": funnel,
                 "browsed": browsed, "queries": dict(queries)},
    )


def _entry_funnels(entered, views, tickets, current, window
                   ) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Per journey, sessions that searched -> viewed one of its articles after that search ->
    voted on such an article -> opened a ticket within the window after such a view; and the
    sessions that viewed its articles without searching first (not in the funnel)."""
    funnel: dict[str, list[int]] = defaultdict(lambda: [0] * len(FUNNEL_STEPS))
    counted: set[tuple[str, str]] = set()
    for session_id, journeys in entered.items():
        seen = views.get(session_id, [])
        for journey, searched_at in journeys.items():
            after = [(at, slug) for at, slug, _, j in seen if j == journey and at >= searched_at]
            step = funnel[journey]
            step[0] += 1
            if after:
                counted.add((session_id, journey))
                step[1] += 1
                step[2] += any((session_id, slug) in current for _, slug in after)
                step[3] += any(_within(tickets.get(session_id, []), at, window)
                               for at, _ in after)
    browsed: Counter = Counter()
    for session_id, seen in views.items():
        for journey in {j for _, _, _, j in seen}:
            if (session_id, journey) not in counted:
                browsed[journey] += 1
    return dict(funnel), dict(browsed)


def _credited(seen, session_tickets, current, session_id, window) -> str | None:
    """The article that deflected this session in the slice, if any (docs/metrics.md)."""
    last_at, last_slug, _, _ = seen[-1]
    if current.get((session_id, last_slug)) is True and not _within(session_tickets, last_at,
                                                                     window):
        return last_slug
    for at, slug, source, _ in seen:
        if source == "contact" and not _within(session_tickets, at, window):
            return slug
    return None
