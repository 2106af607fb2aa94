"""Hot topics: what people search and read this week against last week, and sudden rises."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.events.models import Event
from app.events.recorder import ARTICLE_VIEWED, SEARCH_PERFORMED
from app.extensions import db

RISE_FACTOR = 3.0  # the last day against the usual day of the week before
MIN_RISING = 3  # fewer than this in a day is noise, not a trend


@dataclass(frozen=True)
class Trend:
    key: str  # normalised query or article slug
    this_week: int
    last_week: int
    last_day: int
    usual_daily: float  # average per day over the 7 days before the last day
    rising: bool


def _counts(name: str, start: datetime, end: datetime) -> Counter:
    """Searches per normalised query, or distinct viewing sessions per article (counted by
    the database: a few rows come back instead of every event)."""
    window = [Event.name == name, Event.occurred_at >= start, Event.occurred_at < end]
    if name == SEARCH_PERFORMED:
        rows = db.session.execute(
            select(Event.normalized_query, func.count()).where(
                *window, Event.normalized_query.is_not(None), Event.normalized_query != "")
            .group_by(Event.normalized_query))
    else:
        rows = db.session.execute(
            select(Event.article_slug, func.count(func.distinct(Event.session_id)))
            .where(*window, Event.article_slug.is_not(None)).group_by(Event.article_slug))
    return Counter(dict(rows.all()))


def _trends(name: str, now: datetime, limit: int) -> list[Trend]:
    week, day = timedelta(days=7), timedelta(days=1)
    this_week = _counts(name, now - week, now)
    last_week = _counts(name, now - 2 * week, now - week)
    last_day = _counts(name, now - day, now)
    before = _counts(name, now - day - week, now - day)
    trends = []
    for key, count in this_week.most_common():
        usual = before[key] / 7
        trends.append(Trend(key, count, last_week[key], last_day[key], round(usual, 2),
                            last_day[key] >= MIN_RISING
                            and last_day[key] >= RISE_FACTOR * max(usual, 1 / 7)))
    rising = [t for t in trends if t.rising]
    return rising + [t for t in trends if not t.rising][: max(0, limit - len(rising))]


def hot_searches(now: datetime, limit: int = 10) -> list[Trend]:
    """Top searches of the last 7 days (rising ones first) with last week's count beside."""
    return _trends(SEARCH_PERFORMED, now, limit)


def hot_articles(now: datetime, limit: int = 10) -> list[Trend]:
    """Most viewed articles of the last 7 days (by sessions), rising ones first."""
    return _trends(ARTICLE_VIEWED, now, limit)
