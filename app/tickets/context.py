"""What the user already tried in this help session, attached to their ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.events.models import Event, Vote
from app.events.recorder import ARTICLE_VIEWED, SEARCH_CLICKED, SEARCH_PERFORMED
from app.extensions import db


def session_context(session_id: str | None, titles: dict[str, str]) -> dict[str, Any]:
    """Articles viewed (first view order, with the session's vote) and searches made."""
    if not session_id:
        return {"articles": [], "searches": []}
    events = db.session.scalars(
        select(Event)
        .where(Event.session_id == session_id,
               Event.name.in_([ARTICLE_VIEWED, SEARCH_PERFORMED, SEARCH_CLICKED]))
        .order_by(Event.occurred_at, Event.id)
    ).all()
    votes = {
        vote.article_slug: vote
        for vote in db.session.scalars(select(Vote).where(Vote.session_id == session_id))
    }
    articles: dict[str, dict[str, Any]] = {}
    searches: list[dict[str, Any]] = []
    search_by_id: dict[int, dict[str, Any]] = {}
    for event in events:
        if event.name == ARTICLE_VIEWED and event.article_slug not in articles:
            vote = votes.get(event.article_slug)
            articles[event.article_slug] = {
                "slug": event.article_slug,
                "title": titles.get(event.article_slug, event.article_slug),
                "viewed_at": event.occurred_at.isoformat(),
                "vote": None if vote is None else ("yes" if vote.helpful else "no"),
                "reason": vote.reason if vote is not None else None,
                "comment": vote.comment if vote is not None else None,
            }
        elif event.name == SEARCH_PERFORMED:
            entry = {"query": event.query, "journey": event.journey,
                     "results": event.result_count, "source": event.source,
                     "searched_at": event.occurred_at.isoformat(), "clicked": []}
            searches.append(entry)
            search_by_id[event.id] = entry
        elif event.name == SEARCH_CLICKED and event.search_event_id in search_by_id:
            search_by_id[event.search_event_id]["clicked"].append(
                {"slug": event.article_slug, "position": event.position,
                 "title": titles.get(event.article_slug, event.article_slug)}
            )
    return {"articles": list(articles.values()), "searches": searches}
