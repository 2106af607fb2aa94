"""Saves that come from another system (the API's ``content:write``) take the editor's path:
``save_article`` (validation, conflict on the base hash, the journal that informs every node),
a revision with the author named, the index updated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import helpcenter
from app.content import Article
from app.content.editing import SaveOutcome, Submission, file_hash, save_article
from app.editor.articles import find_article, journey_slugs, known_slugs
from app.editor.revisions import record_revision

FIELDS = ("title", "summary", "tags", "urgent", "review_by", "related", "lang",
          "translation_key", "draft")


@dataclass(frozen=True)
class Published:
    outcome: SaveOutcome
    created: bool
    content_hash: str | None = None  # the saved file's hash: the base of the next save
    revision_id: int | None = None


def article_fields(article: Article) -> dict[str, Any]:
    """An article's front matter as a submission carries it (unset flags left out)."""
    return {"title": article.title, "summary": article.summary, "tags": list(article.tags),
            "urgent": article.urgent or None, "review_by": article.review_by,
            "related": list(article.related), "lang": article.lang,
            "translation_key": article.translation_key, "draft": article.draft or None}


def current_text(slug: str) -> tuple[Article, str, str] | None:
    """An article (published or draft), its file's text and hash, or None."""
    article = find_article(slug)
    if article is None:
        return None
    path = helpcenter().content_dir / article.path
    if not path.is_file():
        return None
    return article, path.read_text(encoding="utf-8"), file_hash(path) or ""


def publish(slug: str, journey: str, fields: dict[str, Any], body: str, base_hash: str | None,
            author: str, summary: str = "") -> Published:
    """Create or update ``slug`` as an editor's save would, ``author`` named in its revision."""
    center = helpcenter()
    existing = find_article(slug)
    submission = Submission(slug=slug, journey=journey,
                            fields={key: fields.get(key) for key in FIELDS}, body=body,
                            base_hash=base_hash)
    outcome = save_article(submission, content_dir=center.content_dir,
                           journey_slugs=journey_slugs(), existing=existing,
                           known_slugs=known_slugs(), journal=center.journal)
    if not outcome.saved:
        return Published(outcome, existing is None)
    saved = outcome.article
    revision = record_revision(saved.slug, saved.path, outcome.text, saved.content_hash,
                               summary, None, author)
    center.index_article(saved)  # a draft is taken out of the index instead
    return Published(outcome, existing is None, file_hash(center.content_dir / saved.path),
                     revision.id)


def unpublish(slug: str, base_hash: str | None, author: str, summary: str = "") -> Published | None:
    """Make ``slug`` a draft again (out of the index, its file kept); None when unknown."""
    article = find_article(slug)
    if article is None:
        return None
    fields = {**article_fields(article), "draft": True}
    return publish(slug, article.journey, fields, article.body, base_hash, author,
                   summary or "Unpublished")
