"""What the dashboard shows, assembled from app/metrics over the stored daily figures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app

from app import helpcenter
from app.dashboard import kpis
from app.events.models import utcnow
from app.metrics.daily import stored_source
from app.metrics.deflection import (
    ENOUGH_VIEWS,
    ArticleMetrics,
    article_metrics,
    content_gaps,
    daily_figures,
    journey_funnels,
    site_metrics,
)
from app.metrics.slices import day_start
from app.text import Text, TextError

PERIODS = (7, 30, 90)
MAX_DAYS = 400
PAGE_SIZE = 20
SORTS = {
    "surely": lambda r: _surely_failing(r.metrics),
    "title": lambda r: r.metrics.title.lower(),
    "views": lambda r: r.metrics.views,
    "helpfulness": lambda r: _none_last(r.metrics.helpfulness),
    "tickets": lambda r: r.metrics.tickets_after_view,
    "resolution": lambda r: _none_last(r.metrics.resolution_rate),
    "trend": lambda r: _none_last(r.trend),
}


def _none_last(value: float | None) -> tuple[bool, float]:
    return value is None, value or 0.0


def _surely_failing(row: ArticleMetrics) -> tuple[bool, float, float]:
    """Most surely failing first: the lowest upper end of the 95% interval of the resolution
    rate (the flag's test), then the lowest rate."""
    if row.resolution_interval is None:
        return True, 1.0, 1.0
    return False, row.resolution_interval[1], row.resolution_rate or 0.0


class PeriodError(TextError):
    """A custom period that cannot be shown; the message says why."""


class PageError(TextError):
    """A page number that is not one; the message says why."""


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    days: int | None  # 7, 30 or 90; None for a custom period
    label: str  # English; pages show first_day/last_day or days in the reader's language
    last_day: date | None = None  # the last day asked for, for a custom period

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def length_days(self) -> int:
        """Days in the period (today counts as one)."""
        return self.days or ((self.last_day or self.first_day) - self.first_day).days + 1

    @property
    def previous(self) -> tuple[datetime, datetime]:
        """The period of equal length just before this one."""
        return self.start - (self.end - self.start), self.start

    def query(self) -> dict[str, str]:
        if self.days:
            return {"days": str(self.days)}
        last = (self.end - timedelta(microseconds=1)).date()
        return {"from": self.start.date().isoformat(), "to": last.isoformat()}


def parse_period(args, now: datetime | None = None) -> Period:
    """``days=7|30|90`` (today and the days before), or ``from``/``to`` dates (inclusive)."""
    now = now or utcnow()
    today = now.date()
    first, last = args.get("from", "").strip(), args.get("to", "").strip()
    if first or last:
        try:
            start_day = date.fromisoformat(first)
            end_day = date.fromisoformat(last) if last else today
        except ValueError:
            raise PeriodError(Text("Dates must look like 2026-10-01 (year-month-day).")) from None
        if start_day > today:
            raise PeriodError(Text("The start date is in the future."))
        if end_day < start_day:
            raise PeriodError(Text("The end date is before the start date."))
        if (end_day - start_day).days >= MAX_DAYS:
            raise PeriodError(Text("Choose at most %(days)s days.", days=MAX_DAYS))
        end = min(day_start(end_day + timedelta(days=1)), now)
        label = f"{start_day:%-d %b %Y} – {end_day:%-d %b %Y}"
        return Period(day_start(start_day), end, None, label, end_day)
    try:
        days = int(args.get("days", "30"))
    except ValueError:
        days = 0
    if days not in PERIODS:
        raise PeriodError(Text("Choose a period of 7, 30 or 90 days, or dates."))
    return Period(day_start(today - timedelta(days=days - 1)), now, days, f"Last {days} days")


@dataclass(frozen=True)
class ArticleRow:
    metrics: ArticleMetrics
    language: str
    trend: float | None  # resolution rate now minus in the previous period
    previous_views: int
    previous_tickets_after_view: int = 0


def _settings():
    config = current_app.config
    return (timedelta(hours=config["KB_TICKET_WINDOW_HOURS"]), config["KB_FLAG_THRESHOLD"],
            list(config["KB_LANGUAGES"]))


def source_for(start: datetime, end: datetime):
    window, _, languages = _settings()
    return stored_source(window, languages, start, end)


def article_rows(period: Period, lang: str | None, sort: str | None = None,
                 descending: bool = False, source=None) -> list[ArticleRow]:
    """Articles with the trend against the previous period; flagged first unless sorted."""
    window, threshold, _ = _settings()
    before_start, before_end = period.previous
    source = source or source_for(before_start, period.end)
    articles = helpcenter().catalog.all()
    language = {article.slug: article.language for article in articles}
    now = article_metrics(articles, period.start, period.end, language=lang, window=window,
                          threshold=threshold, source=source)
    before = {row.slug: row for row in article_metrics(
        articles, before_start, before_end, language=lang, window=window, threshold=threshold,
        source=source)}
    rows = []
    for row in now:
        old = before.get(row.slug)
        trend = None
        if old and row.resolution_rate is not None and old.resolution_rate is not None:
            trend = row.resolution_rate - old.resolution_rate
        rows.append(ArticleRow(row, language[row.slug], trend, old.views if old else 0,
                               old.tickets_after_view if old else 0))
    if sort in SORTS:
        rows.sort(key=SORTS[sort], reverse=descending)
    else:
        rows.sort(key=lambda r: not r.metrics.flagged)  # stable: worst first within each
    return rows


@dataclass(frozen=True)
class AttentionPage:
    """One page of the articles with enough data to judge (ENOUGH_VIEWS in the period)."""

    rows: list[ArticleRow]
    page: int
    pages: int
    listed: int  # articles with enough data
    left_out: int  # articles with fewer views (the CSV has them)


def needing_attention(rows: list[ArticleRow], sort: str | None, descending: bool,
                      page: int) -> AttentionPage:
    """Articles with at least ENOUGH_VIEWS views, most surely failing first unless sorted."""
    judged = [r for r in rows if r.metrics.views >= ENOUGH_VIEWS]
    judged.sort(key=SORTS[sort] if sort in SORTS else SORTS["surely"], reverse=descending)
    pages = max(1, -(-len(judged) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return AttentionPage(judged[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page, pages,
                         len(judged), len(rows) - len(judged))


def parse_page(args) -> int:
    """``page=N`` (from 1); anything else is refused with the field named."""
    raw = args.get("page", "1").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise PageError(Text("The page must be a whole number, 1 or more."))
    return int(raw)


def overview(period: Period, lang: str | None, sort: str | None, descending: bool,
             page: int = 1) -> dict:
    """Everything on the dashboard page."""
    window, threshold, _ = _settings()
    source = source_for(period.previous[0], period.end)
    articles = helpcenter().catalog.all()
    rows = article_rows(period, lang, None, False, source)
    site = site_metrics(articles, period.start, period.end, lang=lang, window=window,
                        source=source)
    before = site_metrics(articles, *period.previous, lang=lang, window=window, source=source)
    return {
        "attention": needing_attention(rows, sort, descending, page),
        "tiles": kpis.tiles(
            site, before, (sum(r.metrics.views for r in rows), sum(r.previous_views for r in rows)),
            (sum(r.metrics.tickets_after_view for r in rows),
             sum(r.previous_tickets_after_view for r in rows))),
        "site": site,
        "gaps": content_gaps(period.start, period.end, window=window, lang=lang, source=source),
        "funnels": journey_funnels(period.start, period.end, window=window, lang=lang,
                                   source=source),
        "daily": daily_figures(period.start, period.end, window=window, source=source),
        "threshold": threshold,
    }


def as_csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def articles_csv(rows: list[ArticleRow]) -> str:
    return as_csv(
        ["slug", "title", "language", "journey", "views", "helpful_yes", "helpful_no",
         "helpfulness", "tickets_after_view", "resolution_rate", "resolution_low",
         "resolution_high", "flagged", "trend", "previous_views", "counted_from",
         "tickets_self_solved"],
        [[r.metrics.slug, r.metrics.title, r.language, r.metrics.journey, r.metrics.views,
          r.metrics.helpful_yes, r.metrics.helpful_no, _num(r.metrics.helpfulness),
          r.metrics.tickets_after_view, _num(r.metrics.resolution_rate),
          *[_num(v) for v in (r.metrics.resolution_interval or (None, None))],
          r.metrics.flagged, _num(r.trend), r.previous_views,
          r.metrics.counted_from.isoformat() if r.metrics.counted_from else "",
          r.metrics.tickets_self_solved]
         for r in rows])


def gaps_csv(gaps) -> str:
    return as_csv(["query", "searches", "no_results", "tickets_after"],
                  [[g.query, g.searches, g.no_results, g.tickets_after] for g in gaps])


def funnels_csv(funnels) -> str:
    return as_csv(["journey", "step", "count", "share_of", "share", "browsed_not_counted"],
                  [[funnel.journey or "(none)", step.name, step.count, step.base or "",
                    _num(step.share), funnel.browsed]
                   for funnel in funnels for step in funnel.steps])


def daily_csv(days) -> str:
    return as_csv(["day", "views", "tickets_after_view", "tickets", "resolution_rate",
                   "helpful_yes", "helpful_no"],
                  [[d.day.isoformat(), d.views, d.tickets_after_view, d.tickets,
                    _num(d.resolution_rate), d.helpful_yes, d.helpful_no] for d in days])
