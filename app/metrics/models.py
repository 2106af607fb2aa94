"""Pre-aggregated daily figures and counter resets (see docs/metrics.md, "Daily figures")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.events.models import BigId, Event, UTCDateTime, Vote, utcnow
from app.extensions import db

# Read by the daily figures: a day's events, and the votes changed since the last refresh.
# (Declared here, with the migration that creates them, to keep the events module unchanged.)
Index("ix_events_occurred_at", Event.occurred_at)
Index("ix_votes_updated_at", Vote.updated_at)


class DailyArticleStats(db.Model):
    """One article's figures for one completed UTC day (app/metrics/daily.py computes them)."""

    __tablename__ = "daily_article_stats"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
    tickets_after_view: Mapped[int] = mapped_column(Integer, default=0)
    helpful_yes: Mapped[int] = mapped_column(Integer, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, default=0)
    deflections: Mapped[int] = mapped_column(Integer, default=0)


class DailySiteStats(db.Model):
    """Site and journey figures for one completed UTC day; ``lang`` "" means every language."""

    __tablename__ = "daily_site_stats"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    lang: Mapped[str] = mapped_column(String(10), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    tickets: Mapped[int] = mapped_column(Integer, default=0)
    deflected_sessions: Mapped[int] = mapped_column(Integer, default=0)
    # Not additive as plain numbers: answer times, tickets by priority and journey, funnels,
    # searches per query (see SiteCounts in app/metrics/daily.py).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StatsWatermark(db.Model):
    """What the daily figures have seen, so late events mark their days for recomputation."""

    __tablename__ = "stats_watermarks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_ticket_id: Mapped[int] = mapped_column(BigInteger, default=0)
    votes_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CounterReset(db.Model):
    """An editor's "reset the counters from now": the article's metrics count from reset_at."""

    __tablename__ = "counter_resets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(200), index=True)
    reset_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(String(300))
