"""Saves that come from another system (the API's ``content:write``) take the editor's path:
``workflow.save_and_record`` (``save_article``'s validation, conflict on the base hash and
the journal that informs every node; the revisions; the index), with the token's name as the
author of the revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import helpcenter
from app.content import Article
from app.content.editing import SaveOutcome, Submission, file_hash, submission_from_text
from app.editor.articles import find_article
from app.editor.revisions import history
from app.editor.workflow import save_and_record

FIELDS = ("title", "summary", "tags", "urgent", "review_by", "related", "lang",
          "translation_key", "draft")


@dataclass(frozen=True)
class Published:
    outcome: SaveOutcome
    created: bool
    content_hash: str | None = None  # the saved file's hash: the base of the next save
    revision_id: int | None = None


def current_text(slug: str) -> tuple[Article, str, str] | None:
    """An article (published or draft), its file's text and hash, or None."""
    article = find_article(slug)
    if article is None:
        return None
    path = helpcenter().content_dir / article.path
    if not path.is_file():
        return None
    return article, path.read_text(encoding="utf-8"), file_hash(path) or ""


def _save(submission: Submission, existing: Article | None, author: str,
          summary: str) -> Published:
    outcome = save_and_record(submission, existing, summary, None, author)
    if not outcome.saved:
        return Published(outcome, existing is None)
    saved = outcome.article
    return Published(outcome, existing is None,
                     file_hash(helpcenter().content_dir / saved.path),
                     history(saved.slug)[0].id)


def publish(slug: str, journey: str, fields: dict[str, Any], body: str, base_hash: str | None,
            author: str, summary: str = "") -> Published:
    """Create or update ``slug`` as an editor's save would, ``author`` named in its revision."""
    submission = Submission(slug=slug, journey=journey,
                            fields={key: fields.get(key) for key in FIELDS}, body=body,
                            base_hash=base_hash)
    return _save(submission, find_article(slug), author, summary)


def unpublish(slug: str, base_hash: str | None, author: str, summary: str = "") -> Published | None:
    """Make ``slug`` a draft again (out of the index, its file kept); None when unknown.
    The file as it was at ``base_hash`` is what is unpublished: a change since is a conflict."""
    found = current_text(slug)
    if found is None:
        return None
    article, text, _ = found
    submission = submission_from_text(slug, article.journey, text, base_hash, draft=True)
    return _save(submission, article, author, summary or "Unpublished")
