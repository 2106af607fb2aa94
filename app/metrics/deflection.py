"""Per-article and site-wide deflection metrics over a period. Definitions: docs/metrics.md."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.content import Article
from app.events.models import Event, Vote
from app.events.recorder import ARTICLE_VIEWED, SEARCH_PERFORMED
from app.extensions import db
from app.metrics.stats import median, wilson_interval
from app.tickets.models import Ticket

SLOW_ANSWER_SECONDS = 60


@dataclass(frozen=True)
class ArticleMetrics:
    slug: str
    title: str
    journey: str
    views: int
    helpful_yes: int
    helpful_no: int
    tickets_after_view: int
    deflections: int
    helpfulness: float | None
    resolution_rate: float | None
    resolution_interval: tuple[float, float] | None
    flagged: bool


@dataclass(frozen=True)
class SiteMetrics:
    sessions: int
    tickets: int
    deflected_sessions: int
    self_service_ratio: float | None
    deflection_rate: float | None
    median_time_to_answer: float | None
    time_to_answer_by_journey: dict[str, float]
    slow_journeys: list[str]
    no_result_searches: list[tuple[str, int]]
    top_searches: list[tuple[str, int]]


@dataclass
class _Data:
    """The period's raw facts, loaded once and shared by every metric."""

    views: dict[str, list[tuple[datetime, str, str | None]]] = field(
        default_factory=lambda: defaultdict(list))  # session -> [(time, slug, source)]
    first_event: dict[str, datetime] = field(default_factory=dict)
    tickets: dict[str, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    ticket_count: int = 0
    votes: dict[tuple[str, str], bool] = field(default_factory=dict)  # (session, slug) -> yes?
    # (session, time, normalized query, result count)
    searches: list[tuple[str, datetime, str, int]] = field(default_factory=list)


def _load(start: datetime, end: datetime, window: timedelta) -> _Data:
    data = _Data()
    events = db.session.execute(
        select(Event.session_id, Event.name, Event.occurred_at, Event.article_slug, Event.source,
               Event.normalized_query, Event.result_count)
        .where(Event.occurred_at >= start, Event.occurred_at < end,
               Event.session_id.is_not(None))
        .order_by(Event.occurred_at, Event.id)
    )
    for session_id, name, at, slug, source, query, results in events:
        data.first_event.setdefault(session_id, at)
        if name == ARTICLE_VIEWED:
            data.views[session_id].append((at, slug, source))
        elif name == SEARCH_PERFORMED and query:
            data.searches.append((session_id, at, query, results or 0))
    tickets = db.session.execute(
        select(Ticket.session_id, Ticket.created_at)
        .where(Ticket.created_at >= start, Ticket.created_at < end + window)
    )
    for session_id, at in tickets:
        if at < end:
            data.ticket_count += 1
        if session_id:
            data.tickets[session_id].append(at)
    votes = db.session.execute(
        select(Vote.session_id, Vote.article_slug, Vote.helpful)
        .where(Vote.updated_at >= start, Vote.updated_at < end)
    )
    data.votes = {(session_id, slug): helpful for session_id, slug, helpful in votes}
    return data


def _ticket_within(tickets: list[datetime], after: datetime, window: timedelta) -> bool:
    return any(after <= at <= after + window for at in tickets)


def _deflection(data: _Data, session_id: str, window: timedelta) -> str | None:
    """The article that deflected this session, if it was deflected (docs/metrics.md)."""
    views = data.views.get(session_id)
    if not views:
        return None
    tickets = data.tickets.get(session_id, [])
    last_at, last_slug, _ = views[-1]
    if data.votes.get((session_id, last_slug)) is True and not _ticket_within(tickets, last_at,
                                                                               window):
        return last_slug
    for at, slug, source in views:
        if source == "contact" and not _ticket_within(tickets, at, window):
            return slug
    return None


def article_metrics(
    articles: list[Article],
    start: datetime,
    end: datetime,
    *,
    journey: str | None = None,
    window: timedelta = timedelta(hours=24),
    threshold: float = 0.6,
) -> list[ArticleMetrics]:
    """One row per article, worst resolution rate first (articles without views last)."""
    data = _load(start, end, window)
    viewers: dict[str, set[str]] = defaultdict(set)
    failed: dict[str, set[str]] = defaultdict(set)
    for session_id, views in data.views.items():
        tickets = data.tickets.get(session_id, [])
        for at, slug, _ in views:
            viewers[slug].add(session_id)
            if _ticket_within(tickets, at, window):
                failed[slug].add(session_id)
    yes, no = Counter(), Counter()
    for (_, slug), helpful in data.votes.items():
        (yes if helpful else no)[slug] += 1
    deflections = Counter(
        slug for slug in (_deflection(data, s, window) for s in data.views) if slug
    )

    rows = []
    for article in articles:
        if journey and article.journey != journey:
            continue
        views = len(viewers[article.slug])
        resolved = views - len(failed[article.slug])
        interval = wilson_interval(resolved, views)
        votes = yes[article.slug] + no[article.slug]
        rows.append(ArticleMetrics(
            slug=article.slug, title=article.title, journey=article.journey, views=views,
            helpful_yes=yes[article.slug], helpful_no=no[article.slug],
            tickets_after_view=len(failed[article.slug]), deflections=deflections[article.slug],
            helpfulness=yes[article.slug] / votes if votes else None,
            resolution_rate=resolved / views if views else None,
            resolution_interval=interval,
            flagged=interval is not None and interval[1] < threshold,
        ))
    return sorted(rows, key=lambda r: (r.resolution_rate is None,
                                       r.resolution_rate if r.resolution_rate is not None else 0,
                                       -r.views, r.slug))


def site_metrics(
    articles: list[Article],
    start: datetime,
    end: datetime,
    *,
    window: timedelta = timedelta(hours=24),
    top: int = 10,
) -> SiteMetrics:
    data = _load(start, end, window)
    journey_of = {article.slug: article.journey for article in articles}
    sessions = len(data.first_event)
    deflected = sum(1 for s in data.views if _deflection(data, s, window))

    answer_times: dict[str, list[float]] = defaultdict(list)
    every_time: list[float] = []
    for session_id, views in data.views.items():
        for at, slug, _ in views:  # the first view of an article the session voted Yes on
            if data.votes.get((session_id, slug)) is True:
                seconds = (at - data.first_event[session_id]).total_seconds()
                answer_times[journey_of.get(slug, "")].append(seconds)
                every_time.append(seconds)
                break
    by_journey = {j: median(times) for j, times in answer_times.items() if j}
    no_results = Counter(query for _, _, query, results in data.searches if results == 0)
    return SiteMetrics(
        sessions=sessions,
        tickets=data.ticket_count,
        deflected_sessions=deflected,
        self_service_ratio=sessions / data.ticket_count if data.ticket_count else None,
        deflection_rate=deflected / sessions if sessions else None,
        median_time_to_answer=median(every_time),
        time_to_answer_by_journey=by_journey,
        slow_journeys=sorted(j for j, t in by_journey.items() if t > SLOW_ANSWER_SECONDS),
        no_result_searches=no_results.most_common(top),
        top_searches=Counter(query for _, _, query, _ in data.searches).most_common(top),
    )


@dataclass(frozen=True)
class ContentGap:
    query: str
    searches: int
    no_results: int
    tickets_after: int  # searches followed by a ticket from the same session within the window


def content_gaps(start: datetime, end: datetime, *, window: timedelta = timedelta(hours=24),
                 top: int = 50) -> list[ContentGap]:
    """Normalised queries that found nothing or were followed by a ticket: articles to write."""
    data = _load(start, end, window)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for session_id, at, query, results in data.searches:
        entry = counts[query]
        entry[0] += 1
        entry[1] += results == 0
        entry[2] += _ticket_within(data.tickets.get(session_id, []), at, window)
    gaps = [ContentGap(query, *entry) for query, entry in counts.items() if entry[1] or entry[2]]
    return sorted(gaps, key=lambda g: (-(g.no_results + g.tickets_after), g.query))[:top]
