"""Publishing steps shared by the edit form, the schedule and the review: every change to a
live article file goes through ``save_and_record`` (a revision of the text before the first
browser edit, the revision of the change, the index) so the history misses nothing."""

from __future__ import annotations

import hashlib

from app import helpcenter
from app.content import Article
from app.content.drafts import find_pending
from app.content.editing import (
    SaveOutcome,
    Submission,
    discard_pending,
    file_hash,
    save_article,
    submission_from_text,
)
from app.editor.articles import find_article, journey_slugs, known_slugs
from app.editor.revisions import BASELINE_SUMMARY, has_revisions, record_revision
from app.text import Text, TextError


class WorkflowError(TextError):
    """A publishing step could not be taken; the message says why (a ``Text``)."""


def save_and_record(submission: Submission, existing: Article | None, summary: str,
                    author_id: int | None, author_email: str | None) -> SaveOutcome:
    """Save like the edit form, then keep the revisions and update the index.

    An article's first save through the browser first keeps the text it replaces, so that
    first change can be compared and undone like any later one."""
    center = helpcenter()
    before = None
    if existing is not None and not has_revisions(existing.slug):
        path = center.content_dir / existing.path
        before = path.read_text(encoding="utf-8") if path.is_file() else None
    outcome = save_article(submission, content_dir=center.content_dir,
                           journey_slugs=journey_slugs(), existing=existing,
                           known_slugs=known_slugs(), journal=center.journal)
    if not outcome.saved:
        return outcome
    saved = outcome.article
    if before is not None:
        record_revision(existing.slug, existing.path, before,
                        hashlib.sha256(before.encode("utf-8")).hexdigest(), BASELINE_SUMMARY,
                        None, None)
    record_revision(saved.slug, saved.path, outcome.text, saved.content_hash, summary,
                    author_id, author_email)
    center.index_article(saved)  # a draft is taken out of the index instead
    return outcome


def _failed(outcome: SaveOutcome) -> WorkflowError:
    if outcome.conflict_diff:
        return WorkflowError(Text("The article was changed meanwhile; nothing was published."))
    problems = "; ".join(str(m) for messages in outcome.errors.values() for m in messages)
    return WorkflowError(Text("The article is not valid: %(problems)s", problems=problems))


def publish(slug: str, summary: str, author_id: int | None, author_email: str | None,
            *, live_hash: str | None = None, pending_hash: str | None = None) -> Article:
    """Publish the pending draft of ``slug``, or the article itself when it is a draft.

    ``live_hash`` and ``pending_hash``: the versions the person saw; a change since is a
    conflict rather than publishing something nobody looked at."""
    center = helpcenter()
    article = find_article(slug)
    if article is None:
        raise WorkflowError(Text("There is no article '%(slug)s'.", slug=slug))
    live_path = center.content_dir / article.path
    current = file_hash(live_path)
    pending = find_pending(center.content_dir, slug)
    if (live_hash is not None and live_hash != current) or (
            pending_hash is not None and (pending is None or file_hash(pending) != pending_hash)):
        raise WorkflowError(Text("The article was changed meanwhile; nothing was published."))
    if pending is not None:
        text, journey = pending.read_text(encoding="utf-8"), pending.parent.name
    elif article.draft:
        text, journey = live_path.read_text(encoding="utf-8"), article.journey
    else:
        raise WorkflowError(Text("Nothing to publish: the article is live and has no "
                                 "pending draft."))
    outcome = save_and_record(submission_from_text(slug, journey, text, current, draft=None),
                              article, summary, author_id, author_email)
    if not outcome.saved:
        raise _failed(outcome)
    if pending is not None:
        discard_pending(center.content_dir, slug, None, center.journal)
    return outcome.article


def unpublish(slug: str, summary: str, author_id: int | None,
              author_email: str | None) -> Article:
    """Take a live article off the site (its file stays, marked as a draft)."""
    center = helpcenter()
    article = find_article(slug)
    if article is None:
        raise WorkflowError(Text("There is no article '%(slug)s'.", slug=slug))
    if article.draft:
        raise WorkflowError(Text("The article is not published."))
    live_path = center.content_dir / article.path
    submission = submission_from_text(slug, article.journey,
                                      live_path.read_text(encoding="utf-8"),
                                      file_hash(live_path), draft=True)
    outcome = save_and_record(submission, article, summary, author_id, author_email)
    if not outcome.saved:
        raise _failed(outcome)
    return outcome.article


def has_something_to_publish(article: Article) -> bool:
    """A draft article, or a live one with a pending draft."""
    return article.draft or find_pending(helpcenter().content_dir, article.slug) is not None
