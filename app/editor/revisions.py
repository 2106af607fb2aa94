"""Revisions of articles saved through the editor, and of the synonyms file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.editor.models import Revision
from app.extensions import db
from app.search.synonyms import SYNONYMS_FILE, SynonymsError, SynonymsSave, parse_synonyms
from app.text import StoredText, Text

# Change summaries the application writes itself: stored in English, shown translated.
NO_SUMMARY = Text("No summary")
RESTORED = Text("Restored revision %(id)s")
FROM_TICKET = Text("Draft from ticket %(reference)s")  # the first revision of such a draft
BASELINE_SUMMARY = Text("Before the first change in the browser")
PUBLISHED_DRAFT = Text("Published the pending draft")
SCHEDULED_PUBLISH = Text("Published as scheduled by %(email)s")
SCHEDULED_UNPUBLISH = Text("Unpublished as scheduled by %(email)s")
APPROVED = Text("Approved by %(email)s and published")
SUMMARIES = StoredText(NO_SUMMARY, RESTORED, FROM_TICKET, BASELINE_SUMMARY, PUBLISHED_DRAFT,
                       SCHEDULED_PUBLISH, SCHEDULED_UNPUBLISH, APPROVED)

# The synonyms file's revisions share the table under a key no article slug can take.
SYNONYMS_KEY = "_synonyms"
OUTSIDE_SUMMARY = "Changed outside the browser"


def record_revision(slug: str, path: str, text: str, content_hash: str, summary: str,
                    author_id: int | None, author_email: str | None) -> Revision:
    revision = Revision(article_slug=slug, path=path, text=text, content_hash=content_hash,
                        summary=summary.strip()[:300] or NO_SUMMARY, author_id=author_id,
                        author_email=author_email)
    db.session.add(revision)
    db.session.commit()
    return revision


def has_revisions(slug: str) -> bool:
    return db.session.scalar(select(Revision.id).where(Revision.article_slug == slug)
                             .limit(1)) is not None


def history(slug: str) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.article_slug == slug)
                                   .order_by(Revision.id.desc())))


@dataclass(frozen=True)
class SynonymsChange:
    when: datetime
    author_email: str | None  # None: the file was changed outside the browser
    added: list[str]  # groups, as the editor's page writes them
    removed: list[str]
    readable: bool = True  # False: the file as saved then could not be read (text kept)


def record_synonyms_change(outcome: SynonymsSave, author_id: int | None,
                           author_email: str | None) -> None:
    """Keep the saved file, and first the text it replaced when no revision holds that text
    (the first save through the browser, or the file was edited by hand since): a hand edit,
    even a broken one, is never lost by saving over it."""
    latest = db.session.scalars(select(Revision).where(Revision.article_slug == SYNONYMS_KEY)
                                .order_by(Revision.id.desc()).limit(1)).first()
    if latest is None or latest.text != outcome.previous:
        record_revision(SYNONYMS_KEY, SYNONYMS_FILE, outcome.previous, "",
                        BASELINE_SUMMARY if latest is None else OUTSIDE_SUMMARY, None, None)
    record_revision(SYNONYMS_KEY, SYNONYMS_FILE, outcome.text, "", "Synonyms changed",
                    author_id, author_email)


def _groups(text: str) -> list[str] | None:
    try:
        return [", ".join(group) for group in parse_synonyms(text)]
    except SynonymsError:
        return None


def synonyms_changes(limit: int = 10) -> list[SynonymsChange]:
    """The latest changes, newest first: who, when, groups added and removed."""
    revisions = list(db.session.scalars(select(Revision).where(
        Revision.article_slug == SYNONYMS_KEY).order_by(Revision.id.desc()).limit(limit + 1)))
    changes = []
    for newer, older in zip(revisions, revisions[1:], strict=False):
        after, before = _groups(newer.text), _groups(older.text) or []
        changes.append(SynonymsChange(newer.created_at, newer.author_email,
                                      [g for g in after or [] if g not in before],
                                      [g for g in before if after is not None and g not in after],
                                      readable=after is not None))
    return changes
