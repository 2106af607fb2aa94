"""Daily figures, computed once per completed UTC day and stored; today is always live.

A completed day is recomputed when something arrives late: an event dated in the past, a
ticket (it can turn views of the window before it into "tickets after view"), or a vote cast
or changed (it can change the deflections of the days its session viewed the article). The
watermark row remembers the last event and ticket ids and the time of the last refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.events.models import Event, Vote, utcnow
from app.extensions import db
from app.metrics.deflection import LiveSource
from app.metrics.models import DailyArticleStats, DailySiteStats, StatsWatermark
from app.metrics.slices import ARTICLE_FIELDS, SliceCounts, compute_slice, cut_days, day_start
from app.tickets.models import Ticket

ONE_DAY = timedelta(days=1)


class StoredSource(LiveSource):
    """Day figures read from the daily tables; partial days and today computed live.

    Period sums of the per-article figures are done by the database (one row per article
    instead of one per article and day).
    """

    def __init__(self, window: timedelta, first_day: date, last_day: date,
                 today: date) -> None:
        super().__init__(window)
        self.today = today
        self._range = (first_day, last_day)
        self._site: dict[tuple[date, str], DailySiteStats] = {}
        self._languages_read: set[str] = set()
        self._by_day: dict[str | None, dict[date, list[int]]] = {}

    def _stored(self, start: datetime, end: datetime) -> bool:
        day = start.date()
        return start == day_start(day) and end == start + ONE_DAY and day < self.today

    def _site_counts(self, day: date, lang: str | None) -> SliceCounts:
        lang = lang or ""
        if lang not in self._languages_read:  # one query per language, when first needed
            self._languages_read.add(lang)
            self._site.update(((row.day, row.lang), row) for row in db.session.scalars(
                select(DailySiteStats).where(DailySiteStats.lang == lang,
                                             DailySiteStats.day >= self._range[0],
                                             DailySiteStats.day <= self._range[1])))
        row = self._site.get((day, lang))
        if row is None:  # refresh() stores every day from the first event: nothing happened
            return SliceCounts()
        return SliceCounts(sessions=row.sessions, tickets=row.tickets,
                           deflected_sessions=row.deflected_sessions, details=row.details)

    def _sums(self, group, *where) -> list:
        columns = [func.sum(getattr(DailyArticleStats, name)) for name in ARTICLE_FIELDS]
        return db.session.execute(select(group, *columns).where(*where).group_by(group)).all()

    def compute(self, start: datetime, end: datetime, lang: str | None) -> SliceCounts:
        if not self._stored(start, end):
            return super().compute(start, end, lang)
        counts = self._site_counts(start.date(), lang)
        if not lang:
            counts.articles = {slug: [int(v) for v in values] for slug, *values in self._sums(
                DailyArticleStats.article_slug, DailyArticleStats.day == start.date())}
        return counts

    def period(self, start: datetime, end: datetime, lang: str | None) -> SliceCounts:
        key = ("period", start, end, lang)
        if key in self._cache:
            return self._cache[key]
        total, stored = SliceCounts(), []
        for a, b in cut_days(start, end):
            if self._stored(a, b):
                stored.append(a.date())
                total.add(self._site_counts(a.date(), lang))
            else:
                total.add(self.slice(a, b, lang))
        if stored and not lang:  # completed days are contiguous: one range
            total.add(SliceCounts(articles={
                slug: [int(v) for v in values] for slug, *values in self._sums(
                    DailyArticleStats.article_slug, DailyArticleStats.day >= stored[0],
                    DailyArticleStats.day <= stored[-1])}))
        self._cache[key] = total
        return total

    def day_tickets(self, start: datetime, end: datetime) -> int:
        if not self._stored(start, end):
            return super().day_tickets(start, end)
        return self._site_counts(start.date(), None).tickets

    def article_day(self, start: datetime, end: datetime, slug: str | None) -> list[int]:
        if not self._stored(start, end):
            return super().article_day(start, end, slug)
        if slug not in self._by_day:
            where = [DailyArticleStats.day >= self._range[0],
                     DailyArticleStats.day <= self._range[1]]
            if slug:
                where.append(DailyArticleStats.article_slug == slug)
            self._by_day[slug] = {day: [int(v) for v in values]
                                  for day, *values in self._sums(DailyArticleStats.day, *where)}
        return self._by_day[slug].get(start.date()) or [0] * len(ARTICLE_FIELDS)


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _dirty_days(mark: StatsWatermark, today: date, window: timedelta) -> set[date]:
    """Completed days that late events, tickets or votes have changed since the last refresh."""
    dirty: set[date] = set()
    today_start = day_start(today)
    # By id only: the rows added since the last refresh are few (usually all dated today).
    for (at,) in db.session.execute(select(Event.occurred_at).where(
            Event.id > mark.last_event_id)):
        if at < today_start:
            dirty.add(at.date())
    for (at,) in db.session.execute(select(Ticket.created_at).where(
            Ticket.id > mark.last_ticket_id)):
        dirty.update(_days((at - window).date(), at.date()))
    if mark.votes_seen_at is not None:
        for (created,) in db.session.execute(select(Vote.created_at).where(
                Vote.updated_at >= mark.votes_seen_at)):
            # A view late in the evening and its vote after midnight: one day earlier too.
            dirty.update(_days(created.date() - ONE_DAY, today - ONE_DAY))
    return {day for day in dirty if day < today}


def store_day(day: date, window: timedelta, languages: Iterable[str]) -> None:
    """Compute one completed day and replace its stored rows (not committed)."""
    start, end = day_start(day), day_start(day) + ONE_DAY
    db.session.execute(delete(DailyArticleStats).where(DailyArticleStats.day == day))
    db.session.execute(delete(DailySiteStats).where(DailySiteStats.day == day))
    for lang in ["", *languages]:
        counts = compute_slice(start, end, window, lang or None)
        if not lang:
            db.session.add_all(
                DailyArticleStats(day=day, article_slug=slug,
                                  **dict(zip(ARTICLE_FIELDS, values, strict=True)))
                for slug, values in counts.articles.items())
        db.session.add(DailySiteStats(day=day, lang=lang, sessions=counts.sessions,
                                      tickets=counts.tickets,
                                      deflected_sessions=counts.deflected_sessions,
                                      details=counts.details))


def refresh(window: timedelta, languages: Iterable[str], now: datetime | None = None) -> int:
    """Store every completed day that is missing or changed; returns how many were computed."""
    now = now or utcnow()
    today = now.date()
    languages = sorted(languages)
    mark = db.session.get(StatsWatermark, 1)
    first = db.session.scalar(select(func.min(Event.occurred_at)))
    first_ticket = db.session.scalar(select(func.min(Ticket.created_at)))
    if first_ticket is not None and (first is None or first_ticket < first):
        first = first_ticket
    if first is not None and mark is not None and mark.refreshed_at is not None:
        # Days before the last refresh are stored already or marked dirty below.
        first = max(first, mark.refreshed_at - ONE_DAY)
    last_event_id = db.session.scalar(select(func.max(Event.id))) or 0
    last_ticket_id = db.session.scalar(select(func.max(Ticket.id))) or 0
    if first is None:
        return 0
    stored = set(db.session.scalars(select(DailySiteStats.day).where(
        DailySiteStats.lang == "", DailySiteStats.day >= first.date())))
    todo = {day for day in _days(first.date(), today - ONE_DAY) if day not in stored}
    if mark is not None:
        todo |= _dirty_days(mark, today, window)
    else:
        mark = StatsWatermark(id=1, last_event_id=0, last_ticket_id=0)
        db.session.add(mark)
    for day in sorted(todo):
        store_day(day, window, languages)
    mark.last_event_id, mark.last_ticket_id = last_event_id, last_ticket_id
    mark.votes_seen_at, mark.refreshed_at = now, now
    try:
        db.session.commit()
    except IntegrityError:  # another request stored the same days first
        db.session.rollback()
    return len(todo)


def stored_source(window: timedelta, languages: Iterable[str], start: datetime,
                  end: datetime) -> StoredSource:
    """Refresh the stored days, then a source that reads them for [start, end)."""
    now = utcnow()
    refresh(window, languages, now)
    return StoredSource(window, start.date(), end.date(), now.date())
