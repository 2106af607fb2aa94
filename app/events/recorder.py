"""Write and read events; views call these, never the models directly."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.events.models import Event, utcnow
from app.extensions import db

ARTICLE_VIEWED = "article.viewed"


def record_article_view(slug: str, journey: str, at: datetime | None = None) -> None:
    db.session.add(Event(name=ARTICLE_VIEWED, article_slug=slug, journey=journey,
                         occurred_at=at or utcnow()))
    db.session.commit()


def most_viewed(limit: int = 5, days: int = 30) -> list[tuple[str, int]]:
    """(slug, views) for the articles viewed most in the last ``days`` days."""
    since = utcnow() - timedelta(days=days)
    views = func.count(Event.id).label("views")
    rows = db.session.execute(
        select(Event.article_slug, views)
        .where(Event.name == ARTICLE_VIEWED, Event.occurred_at >= since)
        .group_by(Event.article_slug)
        .order_by(views.desc(), Event.article_slug)
        .limit(limit)
    )
    return [(slug, count) for slug, count in rows]
