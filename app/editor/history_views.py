"""An article's history: revisions, a diff between two, restoring one; scheduled changes and
review requests beside them."""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.datastructures import MultiDict

from app import helpcenter
from app.accounts.access import permission_required
from app.content.editing import file_hash, unified_diff
from app.content.fields import SLUG_PATTERN
from app.content.frontmatter import parse_front_matter
from app.editor import editor
from app.editor.approvals import reviews_of
from app.editor.articles import find_article
from app.editor.form import save_form
from app.editor.models import Revision
from app.editor.revisions import RESTORED, SUMMARIES, history
from app.editor.schedule import changes_of
from app.extensions import db
from app.i18n import translate


def revision_summary(summary: str) -> str:
    """A revision's change summary in the reader's language when the application wrote it."""
    return translate(SUMMARIES.read(summary))


def _title(slug: str) -> str:
    """The article's title for headings; the slug of an article that is gone."""
    article = find_article(slug)
    return article.title if article else slug


def _revision(slug: str, revision_id: int) -> Revision:
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.article_slug != slug or not SLUG_PATTERN.match(slug):
        abort(404)
    return revision


@editor.get("/<slug>/history")
@permission_required("editor")
def article_history(slug: str):
    if not SLUG_PATTERN.match(slug):
        abort(404)  # e.g. the synonyms file's revisions: not an article
    revisions = history(slug)
    if not revisions and find_article(slug) is None:
        abort(404)
    return render_template("editor/history.html", slug=slug, revisions=revisions,
                           revision_summary=revision_summary, title=_title(slug),
                           scheduled=changes_of(slug), reviews=reviews_of(slug))


@editor.get("/<slug>/diff")
@permission_required("editor")
def diff(slug: str):
    older = _revision(slug, request.args.get("a", type=int) or 0)
    newer = _revision(slug, request.args.get("b", type=int) or 0)
    return render_template("editor/diff.html", slug=slug, older=older, newer=newer,
                           title=_title(slug),
                           diff=unified_diff(older.text, newer.text, f"revision {older.id}",
                                             f"revision {newer.id}"))


@editor.post("/<slug>/restore/<int:revision_id>")
@permission_required("editor")
def restore(slug: str, revision_id: int):
    """Write an old revision back as a new revision (nothing in the history is lost)."""
    center = helpcenter()
    revision = _revision(slug, revision_id)
    article = find_article(slug)
    front = parse_front_matter(revision.text)
    data = front.data
    form = MultiDict({
        "slug": slug, "journey": revision.path.split("/")[0],
        "title": data.get("title", ""), "summary": data.get("summary", ""),
        "tags": ", ".join(data.get("tags") or []), "related": ", ".join(data.get("related") or []),
        "review_by": str(data.get("review_by") or ""), "body": front.body,
        "lang": data.get("lang") or "",
        "translation_key": data.get("translation_key") or "",
        "base_hash": file_hash(center.content_dir / article.path) if article else "",
        "change_summary": RESTORED.fill(id=revision_id),
        # A restore changes the text, not whether readers see the article.
        "action": "draft" if (article.draft if article else data.get("draft")) else "publish",
        "details_checked": "on",
    })
    if data.get("urgent"):
        form["urgent"] = "on"
    return save_form(slug if article else None, form)
