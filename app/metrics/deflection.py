"""Per-article and site-wide deflection metrics over a period. Definitions: docs/metrics.md.

A period's figures are the sum of its days' figures (app/metrics/slices.py). Every function
takes an optional ``source`` of day figures: by default they are computed from the events;
the dashboard passes the stored daily figures (app/metrics/daily.py), which are the same.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.content import Article
from app.extensions import db
from app.metrics.models import CounterReset
from app.metrics.self_service import self_service_figures
from app.metrics.slices import (
    ARTICLE_FIELDS,
    FUNNEL_BASES,
    FUNNEL_STEPS,
    SliceCounts,
    compute_slice,
    cut_days,
)
from app.metrics.stats import median, wilson_interval

SLOW_ANSWER_SECONDS = 60
# An article is judged (listed as needing attention) from this many views in the period: below
# it the 95% interval of its resolution rate is too wide to say much.
ENOUGH_VIEWS = 10


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
    counted_from: datetime | None = None  # the last counter reset inside the period
    # tickets solved by their user with this article, offered after writing (apart from
    # ``deflections``, which count help sessions)
    tickets_self_solved: int = 0


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
    tickets_by_priority: dict[str, int] = field(default_factory=dict)
    tickets_by_journey: dict[str, int] = field(default_factory=dict)
    # Self-service after a ticket: tickets offered articles, and of those solved by the user.
    tickets_offered_articles: int = 0
    tickets_self_solved: int = 0


@dataclass(frozen=True)
class ContentGap:
    query: str
    searches: int
    no_results: int
    tickets_after: int  # searches followed by a ticket from the same session within the window


@dataclass(frozen=True)
class FunnelStep:
    name: str
    count: int
    base: str | None  # the step this one is a part of; None for the first
    share: float | None  # count ÷ the base step's count; None for the first or an empty base


@dataclass(frozen=True)
class JourneyFunnel:
    journey: str  # "" for searches followed by no view
    steps: list[FunnelStep]
    browsed: int  # sessions that viewed its articles without searching first (not in steps)


@dataclass(frozen=True)
class DayFigures:
    day: date
    views: int
    tickets_after_view: int
    tickets: int
    resolution_rate: float | None
    helpful_yes: int = 0
    helpful_no: int = 0


class LiveSource:
    """Day figures computed from the events, each slice once."""

    def __init__(self, window: timedelta) -> None:
        self.window = window
        self._cache: dict[tuple, SliceCounts] = {}

    def slice(self, start: datetime, end: datetime, lang: str | None = None) -> SliceCounts:
        key = (start, end, lang)
        if key not in self._cache:
            self._cache[key] = self.compute(start, end, lang)
        return self._cache[key]

    def compute(self, start: datetime, end: datetime, lang: str | None) -> SliceCounts:
        return compute_slice(start, end, self.window, lang)


    def article_day(self, start: datetime, end: datetime, slug: str | None) -> list[int]:
        """One slice's article figures: one article's, or summed over every article."""
        articles = self.slice(start, end).articles
        if slug:
            return list(articles.get(slug) or [0] * len(ARTICLE_FIELDS))
        return [sum(column) for column in zip(*articles.values(), strict=True)] \
            if articles else [0] * len(ARTICLE_FIELDS)

    def day_tickets(self, start: datetime, end: datetime) -> int:
        return self.slice(start, end).tickets

    def period(self, start: datetime, end: datetime, lang: str | None) -> SliceCounts:
        """The sum of the period's day slices (kept: a page asks for it several times)."""
        key = ("period", start, end, lang)
        if key not in self._cache:
            total = SliceCounts()
            for a, b in cut_days(start, end):
                total.add(self.slice(a, b, lang))
            self._cache[key] = total
        return self._cache[key]


def period_counts(start: datetime, end: datetime, source: LiveSource,
                  lang: str | None = None) -> SliceCounts:
    """The sum of the period's day slices; callers must not change it."""
    return source.period(start, end, lang)


def latest_resets(end: datetime) -> dict[str, datetime]:
    """slug -> its last counter reset before ``end``."""
    return dict(db.session.execute(
        select(CounterReset.article_slug, func.max(CounterReset.reset_at))
        .where(CounterReset.reset_at < end).group_by(CounterReset.article_slug)).all())


def resolution_rate(views: int, tickets_after_view: int) -> float | None:
    """The share of viewers who did not need a human; over several articles, of their sums."""
    return (views - tickets_after_view) / views if views else None


def _article_row(article: Article, values: list[int], threshold: float,
                 counted_from: datetime | None, self_solved: int = 0) -> ArticleMetrics:
    views, failed, yes, no, deflections = values
    resolved = views - failed
    interval = wilson_interval(resolved, views)
    return ArticleMetrics(
        slug=article.slug, title=article.title, journey=article.journey, views=views,
        helpful_yes=yes, helpful_no=no, tickets_after_view=failed, deflections=deflections,
        helpfulness=yes / (yes + no) if yes + no else None,
        resolution_rate=resolution_rate(views, failed),
        resolution_interval=interval,
        flagged=interval is not None and interval[1] < threshold,
        counted_from=counted_from, tickets_self_solved=self_solved,
    )


def article_metrics(
    articles: list[Article],
    start: datetime,
    end: datetime,
    *,
    journey: str | None = None,
    language: str | None = None,
    window: timedelta = timedelta(hours=24),
    threshold: float = 0.6,
    source: LiveSource | None = None,
) -> list[ArticleMetrics]:
    """One row per article, worst resolution rate first (articles without views last).

    ``language`` keeps the articles written in that language. An article whose counters were
    reset inside the period is counted from the reset.
    """
    source = source or LiveSource(window)
    totals = period_counts(start, end, source).articles
    resets = latest_resets(end)
    self_solved = self_service_figures(start, end).by_article
    rows = []
    for article in articles:
        if journey and article.journey != journey:
            continue
        if language and article.language != language:
            continue
        reset = resets.get(article.slug)
        solved = self_solved.get(article.slug, (0, 0))[1]
        if reset is not None and reset > start:
            values = period_counts(reset, end, source).articles.get(article.slug)
            solved = self_service_figures(reset, end).by_article.get(article.slug, (0, 0))[1]
        else:
            values, reset = totals.get(article.slug), None
        rows.append(_article_row(article, values or [0, 0, 0, 0, 0], threshold, reset, solved))
    return sorted(rows, key=lambda r: (r.resolution_rate is None,
                                       r.resolution_rate if r.resolution_rate is not None else 0,
                                       -r.views, r.slug))


def site_metrics(
    articles: list[Article],
    start: datetime,
    end: datetime,
    *,
    lang: str | None = None,
    window: timedelta = timedelta(hours=24),
    top: int = 10,
    source: LiveSource | None = None,
) -> SiteMetrics:
    """Site totals; ``lang`` keeps events and tickets in that interface language."""
    counts = period_counts(start, end, source or LiveSource(window), lang)
    self_service = self_service_figures(start, end, lang)
    answer = counts.details.get("answer", {})
    by_journey = {j: median(times) for j, times in answer.items() if j and times}
    every_time = [seconds for times in answer.values() for seconds in times]
    queries = counts.details.get("queries", {})
    no_results = Counter({q: entry[1] for q, entry in queries.items() if entry[1]})
    searches = Counter({q: entry[0] for q, entry in queries.items()})
    return SiteMetrics(
        sessions=counts.sessions,
        tickets=counts.tickets,
        deflected_sessions=counts.deflected_sessions,
        self_service_ratio=counts.sessions / counts.tickets if counts.tickets else None,
        deflection_rate=counts.deflected_sessions / counts.sessions if counts.sessions else None,
        median_time_to_answer=median(every_time),
        time_to_answer_by_journey=by_journey,
        slow_journeys=sorted(j for j, t in by_journey.items() if t > SLOW_ANSWER_SECONDS),
        no_result_searches=sorted(no_results.items(), key=lambda i: (-i[1], i[0]))[:top],
        top_searches=sorted(searches.items(), key=lambda i: (-i[1], i[0]))[:top],
        tickets_by_priority=dict(sorted(counts.details.get("priority", {}).items())),
        tickets_by_journey=dict(sorted(counts.details.get("ticket_journeys", {}).items())),
        tickets_offered_articles=self_service.offered,
        tickets_self_solved=self_service.solved,
    )


def content_gaps(start: datetime, end: datetime, *, window: timedelta = timedelta(hours=24),
                 top: int = 50, lang: str | None = None,
                 source: LiveSource | None = None) -> list[ContentGap]:
    """Normalised queries that found nothing or were followed by a ticket: articles to write."""
    counts = period_counts(start, end, source or LiveSource(window), lang)
    gaps = [ContentGap(query, *entry)
            for query, entry in counts.details.get("queries", {}).items()
            if entry[1] or entry[2]]
    return sorted(gaps, key=lambda g: (-(g.no_results + g.tickets_after), g.query))[:top]


def journey_funnels(start: datetime, end: datetime, *, window: timedelta = timedelta(hours=24),
                    lang: str | None = None,
                    source: LiveSource | None = None) -> list[JourneyFunnel]:
    """Per journey: sessions that searched -> viewed -> voted / ticketed (docs/metrics.md)."""
    counts = period_counts(start, end, source or LiveSource(window), lang)
    entry = counts.details.get("entry_funnel", {})
    browsed = counts.details.get("browsed", {})
    funnels = []
    for journey in sorted(set(entry) | set(browsed)):
        values = dict(zip(FUNNEL_STEPS, entry.get(journey) or [0] * len(FUNNEL_STEPS),
                          strict=True))
        steps = [FunnelStep(name, values[name], base,
                            values[name] / values[base] if base and values[base] else None)
                 for name, base in zip(FUNNEL_STEPS, FUNNEL_BASES, strict=True)]
        funnels.append(JourneyFunnel(journey, steps, browsed.get(journey, 0)))
    return funnels


def daily_figures(start: datetime, end: datetime, *, slug: str | None = None,
                  window: timedelta = timedelta(hours=24),
                  source: LiveSource | None = None) -> list[DayFigures]:
    """One row per day: views, tickets after view, tickets and resolution rate (site or one
    article; counter resets are ignored here so that earlier figures stay visible)."""
    source = source or LiveSource(window)
    days = []
    for a, b in cut_days(start, end):
        values = source.article_day(a, b, slug)
        views, failed = values[0], values[1]
        days.append(DayFigures(a.date(), views, failed, source.day_tickets(a, b),
                               resolution_rate(views, failed),
                               values[2], values[3]))
    return days
