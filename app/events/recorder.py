"""Record what end users do (views, searches, clicks) and read the simple aggregates pages need.

Views call these functions; nothing here knows about requests. Each write is one short
transaction: the session row is touched and the event inserted together.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from app.events.models import Event, utcnow
from app.extensions import db
from app.sessions.service import mark_active, recent_visit, remember_visit

ARTICLE_VIEWED = "article.viewed"
SEARCH_PERFORMED = "search.performed"
SEARCH_CLICKED = "search.clicked"
TICKET_CREATED = "ticket.created"

SOURCES = {"search", "browse", "contact", "related", "api", "suggest"}
_PUNCTUATION = re.compile(r"[^\w\s]+")


def normalize_query(text: str) -> str:
    """Lower case, no punctuation, single spaces: "Can't log in!" and "cant log in" group."""
    return " ".join(_PUNCTUATION.sub("", text.lower()).split())[:300]


SITE = ("site", None)


def record(name: str, session_id: str | None, at: datetime | None = None,
           channel: tuple[str, str | None] = SITE, **fields) -> Event:
    """Insert one event; with a session, mark the session active too. Commits.

    Core statements in one transaction, not the ORM's unit of work: every page a reader opens
    comes through here, and the unit of work cost more than the page's template. A session
    this process marked active in the last minute is not marked again (``recent_visit``).
    ``channel`` is where help was given: (site, widget or api; the widget's page context), as
    the view's ``request_channel()`` says."""
    at = at or utcnow()
    values = {"name": name, "session_id": session_id, "occurred_at": at,
              "channel": channel[0], "page_context": channel[1], **fields}
    marked = False
    if session_id:
        values["visit"] = recent_visit(session_id, at)
        if values["visit"] is None:  # not marked active in the last minute by this process
            values["visit"], marked = mark_active(session_id, at, *channel), True
    inserted = db.session.execute(insert(Event.__table__), values)
    db.session.commit()
    if marked:
        remember_visit(session_id, at, values["visit"])
    return Event(id=inserted.inserted_primary_key[0], **values)


def record_article_view(
    session_id: str | None,
    slug: str,
    journey: str,
    source: str = "browse",
    at: datetime | None = None,
    lang: str | None = None,
    channel: tuple[str, str | None] = SITE,
) -> Event:
    """``lang`` is the interface language the reader uses (the article's own is in content)."""
    return record(ARTICLE_VIEWED, session_id, at, channel, article_slug=slug, journey=journey,
                  source=source if source in SOURCES else "browse", lang=lang)


def record_search(
    session_id: str | None,
    query: str,
    journey: str | None,
    result_count: int,
    source: str = "search",
    at: datetime | None = None,
    lang: str | None = None,
    channel: tuple[str, str | None] = SITE,
) -> Event:
    return record(SEARCH_PERFORMED, session_id, at, channel, query=query[:300],
                  normalized_query=normalize_query(query), journey=journey,
                  result_count=result_count, source=source, lang=lang)


def record_click(
    session_id: str, search_event_id: int, slug: str, position: int, at: datetime | None = None,
    channel: tuple[str, str | None] = SITE,
) -> Event | None:
    """A result clicked on a search page: only for a search this session made."""
    search = db.session.get(Event, search_event_id)
    if search is None or search.session_id != session_id or search.name != SEARCH_PERFORMED:
        return None
    return record(SEARCH_CLICKED, session_id, at, channel, search_event_id=search_event_id,
                  article_slug=slug, position=position, query=search.query,
                  normalized_query=search.normalized_query, lang=search.lang)


def most_viewed(limit: int = 5, days: int = 30) -> list[tuple[str, int]]:
    """(slug, sessions that viewed it) for the most viewed articles of the last ``days`` days."""
    since = utcnow() - timedelta(days=days)
    views = func.count(func.distinct(Event.session_id))
    rows = db.session.execute(
        select(Event.article_slug, views.label("views"))
        .where(Event.name == ARTICLE_VIEWED, Event.occurred_at >= since)
        .group_by(Event.article_slug)
        .order_by(views.desc(), Event.article_slug)
        .limit(limit)
    )
    return [(slug, count) for slug, count in rows]
