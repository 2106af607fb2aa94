"""Revisions of articles saved through the editor."""

from __future__ import annotations

from sqlalchemy import select

from app.editor.models import Revision
from app.extensions import db


def record_revision(slug: str, path: str, text: str, content_hash: str, summary: str,
                    author_id: int | None, author_email: str | None) -> Revision:
    revision = Revision(article_slug=slug, path=path, text=text, content_hash=content_hash,
                        summary=summary.strip()[:300] or "No summary", author_id=author_id,
                        author_email=author_email)
    db.session.add(revision)
    db.session.commit()
    return revision


def history(slug: str) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.article_slug == slug)
                                   .order_by(Revision.id.desc())))
