"""Readers' "No" answers (reason and comment) as CSV, without anything that points at a person.

A row has the day (not the time), the article and what the reader chose and wrote; the help
session is left out, and email addresses and phone numbers in comments are replaced as in a
ticket turned into an article.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.content import Article
from app.editor.from_ticket import without_contact_details
from app.events.models import Vote
from app.events.votes import NO_REASONS
from app.extensions import db

HEADER = ["day", "article_slug", "article_title", "article_language", "journey", "reason",
          "reason_text", "comment"]


def no_answer_rows(start: datetime, end: datetime, articles: list[Article],
                   lang: str | None = None) -> list[list[str]]:
    """The "No" votes cast or changed in [start, end), newest first; ``lang``: articles
    written in that language."""
    by_slug = {article.slug: article for article in articles}
    rows = []
    for vote in db.session.scalars(
            select(Vote).where(Vote.helpful.is_(False), Vote.updated_at >= start,
                               Vote.updated_at < end)
            .order_by(Vote.updated_at.desc(), Vote.id.desc())):
        article = by_slug.get(vote.article_slug)
        language = article.language if article else ""
        if lang and language != lang:
            continue
        reason = NO_REASONS.get(vote.reason or "")
        rows.append([vote.updated_at.date().isoformat(), vote.article_slug,
                     article.title if article else "", language,
                     article.journey if article else (vote.journey or ""), vote.reason or "",
                     str(reason) if reason else "",
                     without_contact_details(vote.comment or "")])
    return rows
