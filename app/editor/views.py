"""Editors write and update guides in the browser; content/ stays the source of truth."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import helpcenter
from app.accounts.access import permission_required
from app.content import Article
from app.content.editing import Submission, file_hash, save_article, unified_diff
from app.content.fields import SLUG_PATTERN
from app.content.frontmatter import parse_front_matter
from app.content.render import render_markdown
from app.editor import editor
from app.editor.articles import all_articles, find_article, journey_slugs, known_slugs
from app.editor.models import Revision
from app.editor.revisions import FROM_TICKET, RESTORED, SUMMARIES, history, record_revision
from app.events.models import Vote, utcnow
from app.events.votes import NO_REASONS
from app.extensions import db
from app.i18n import translate
from app.metrics.deflection import article_metrics
from app.text import Text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _submission_from_form(slug: str, base_hash: str | None, form) -> Submission:
    review_by = form.get("review_by", "").strip()
    try:
        review_date = date.fromisoformat(review_by) if review_by else None
    except ValueError:
        review_date = review_by  # the validator names the field and the expected format
    fields = {"title": form.get("title", ""), "summary": form.get("summary", ""),
              "tags": _split(form.get("tags", "")), "urgent": form.get("urgent") == "on",
              "review_by": review_date, "related": _split(form.get("related", "")),
              "lang": form.get("lang") or None,
              "translation_key": form.get("translation_key", "").strip() or None,
              "draft": form.get("action") == "draft" or None}  # written only when set
    if not fields["urgent"]:
        fields["urgent"] = None  # written only when set
    return Submission(slug=slug.strip(), journey=form.get("journey", ""), fields=fields,
                      body=form.get("body", ""), base_hash=base_hash)


def _form_values(article=None, text: str | None = None) -> dict:
    if article is None:
        return {"slug": "", "journey": "", "title": "", "summary": "", "tags": "", "urgent": False,
                "review_by": "", "related": "", "body": "", "draft": True}
    return {"slug": article.slug, "journey": article.journey, "title": article.title,
            "summary": article.summary, "tags": ", ".join(article.tags),
            "urgent": article.urgent,
            "review_by": article.review_by.isoformat() if article.review_by else "",
            "related": ", ".join(article.related), "lang": article.lang,
            "translation_key": article.translation_key or "", "draft": article.draft,
            "body": parse_front_matter(text).body if text else article.body}


def ticket_origin(article: Article | None) -> str | None:
    """For a draft made from a ticket (its first revision says so): the ticket reference."""
    if article is None or not article.draft:
        return None
    first = db.session.scalar(select(Revision.summary).where(Revision.article_slug == article.slug)
                              .order_by(Revision.id).limit(1))
    summary = SUMMARIES.read(first)
    if isinstance(summary, Text) and summary.template == FROM_TICKET.template:
        return summary.values["reference"]
    return None


def revision_summary(summary: str) -> str:
    """A revision's change summary in the reader's language when the application wrote it."""
    return translate(SUMMARIES.read(summary))


def _no_votes(slug: str) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.article_slug == slug,
                                                      Vote.helpful.is_(False))
                                   .order_by(Vote.updated_at.desc()).limit(50)))


@editor.get("/")
@permission_required("editor")
def index():
    center = helpcenter()
    articles = all_articles()
    now = utcnow()
    metrics = {row.slug: row for row in article_metrics(
        articles, now - timedelta(days=30), now,
        window=timedelta(hours=current_app.config["KB_TICKET_WINDOW_HOURS"]),
        threshold=current_app.config["KB_FLAG_THRESHOLD"])}
    journey = request.args.get("journey")
    only = request.args.get("only")
    today = date.today()
    rows = [a for a in articles if (not journey or a.journey == journey)
            and (only != "stale" or a.is_stale(today))
            and (only != "flagged" or metrics[a.slug].flagged)
            and (only != "drafts" or a.draft)]
    rows.sort(key=lambda a: (not a.draft, a.title.lower()))
    return render_template("editor/index.html", rows=rows, metrics=metrics, today=today,
                           journeys=center.journeys(), journey=journey, only=only)


def _render_form(article, values, *, errors=None, preview=None, conflict=None, base_hash=None,
                 status=200):
    slug = article.slug if article else None
    return render_template(
        "editor/edit.html", article=article, values=values, errors=errors or {},
        preview=preview, conflict=conflict, base_hash=base_hash,
        journeys=helpcenter().journeys(), reasons=NO_REASONS, from_ticket=ticket_origin(article),
        no_votes=_no_votes(slug) if slug else [],
    ), status


@editor.get("/new")
@permission_required("editor")
def new():
    return _render_form(None, _form_values())


@editor.get("/<slug>")
@permission_required("editor")
def edit(slug: str):
    center = helpcenter()
    article = find_article(slug)
    if article is None:
        abort(404)
    path = center.content_dir / article.path
    text = path.read_text(encoding="utf-8") if path.is_file() else None
    return _render_form(article, _form_values(article, text), base_hash=file_hash(path))


@editor.post("/new")
@editor.post("/<slug>")
@permission_required("editor")
def save(slug: str | None = None):
    return _save(slug, request.form)


def _save(slug: str | None, form):
    center = helpcenter()
    article = find_article(slug) if slug else None
    if slug and article is None:
        abort(404)
    values = {**form.to_dict(), "urgent": form.get("urgent") == "on",
              "draft": article.draft if article else True}
    base_hash = form.get("base_hash") or None
    if form.get("action") == "preview":
        return _render_form(article, values, preview=render_markdown(values.get("body", "")),
                            base_hash=base_hash)
    if (form.get("action") != "draft" and ticket_origin(article)
            and form.get("details_checked") != "on"):
        return _render_form(article, values, base_hash=base_hash, status=400, errors={
            "details_checked": [Text("Confirm that names, order numbers and other personal "
                                     "details from the ticket are gone before publishing.")]})
    submission = _submission_from_form(slug or form.get("slug", ""), base_hash, form)
    outcome = save_article(
        submission, content_dir=center.content_dir, journey_slugs=journey_slugs(),
        existing=article, known_slugs=known_slugs(), journal=center.journal,
    )
    if not outcome.saved:
        return _render_form(article, values, errors=outcome.errors,
                            conflict=outcome.conflict_diff, base_hash=base_hash,
                            status=409 if outcome.conflict_diff else 400)
    saved = outcome.article
    record_revision(saved.slug, saved.path, outcome.text, saved.content_hash,
                    form.get("change_summary", ""), current_user.id, current_user.email)
    center.index_article(saved)  # a draft is taken out of the index instead
    return redirect(url_for("editor.edit", slug=saved.slug,
                            saved="draft" if saved.draft else "published"))


@editor.get("/<slug>/history")
@permission_required("editor")
def article_history(slug: str):
    if not SLUG_PATTERN.match(slug):
        abort(404)  # e.g. the synonyms file's revisions: not an article
    revisions = history(slug)
    if not revisions and find_article(slug) is None:
        abort(404)
    return render_template("editor/history.html", slug=slug, revisions=revisions,
                           revision_summary=revision_summary, title=_title(slug))


def _title(slug: str) -> str:
    """The article's title for headings; the slug of an article that is gone."""
    article = find_article(slug)
    return article.title if article else slug


def _revision(slug: str, revision_id: int) -> Revision:
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.article_slug != slug or not SLUG_PATTERN.match(slug):
        abort(404)
    return revision


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
    return _save(slug if article else None, form)

