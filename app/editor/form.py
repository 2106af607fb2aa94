"""The edit form: its values, how it is shown, and what each of its buttons saves. Used by the
edit routes and by restoring a revision (which submits an old text through the same path)."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app import helpcenter
from app.content import Article
from app.content.drafts import find_pending
from app.content.editing import (
    Submission,
    discard_pending,
    file_hash,
    normalized,
    save_pending,
    unified_diff,
)
from app.content.frontmatter import parse_front_matter
from app.content.render import render_markdown
from app.editor.approvals import ask_for_review, last_sent_back, waiting_for
from app.editor.articles import find_article, journey_slugs, known_slugs
from app.editor.models import Revision
from app.editor.revisions import FROM_TICKET, SUMMARIES
from app.editor.schedule import ACTIONS, ScheduleError, parse_when, pending_for, set_schedule
from app.editor.workflow import save_and_record
from app.events.models import Vote
from app.events.votes import NO_REASONS
from app.extensions import db
from app.text import Text

DRAFT_ACTIONS = ("draft", "review")  # buttons that save without publishing


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def submission_from_form(slug: str, base_hash: str | None, form) -> Submission:
    review_by = form.get("review_by", "").strip()
    try:
        review_date = date.fromisoformat(review_by) if review_by else None
    except ValueError:
        review_date = review_by  # the validator names the field and the expected format
    draft = form.get("action") in (*DRAFT_ACTIONS, "unpublish")
    fields = {"title": form.get("title", ""), "summary": form.get("summary", ""),
              "tags": _split(form.get("tags", "")), "urgent": form.get("urgent") == "on",
              "review_by": review_date, "related": _split(form.get("related", "")),
              "lang": form.get("lang") or None,
              "translation_key": form.get("translation_key", "").strip() or None,
              "draft": draft or None}  # written only when set
    if not fields["urgent"]:
        fields["urgent"] = None  # written only when set
    return Submission(slug=slug.strip(), journey=form.get("journey", ""), fields=fields,
                      body=form.get("body", ""), base_hash=base_hash)


def form_values(article: Article | None = None, text: str | None = None,
                journey: str | None = None) -> dict:
    """The form's fields: empty for a new article, else from ``text`` (the pending draft's
    or the live file's) or the article as indexed."""
    if article is None:
        return {"slug": "", "journey": "", "title": "", "summary": "", "tags": "", "urgent": False,
                "review_by": "", "related": "", "body": "", "draft": True}
    data = parse_front_matter(text).data if text else {}
    review_by = data.get("review_by", article.review_by) if text else article.review_by
    return {"slug": article.slug, "journey": journey or article.journey,
            "title": data.get("title", article.title),
            "summary": data.get("summary", article.summary),
            "tags": ", ".join(data.get("tags", article.tags) or []),
            "urgent": bool(data.get("urgent", article.urgent)),
            "review_by": review_by.isoformat() if hasattr(review_by, "isoformat") else "",
            "related": ", ".join(data.get("related", article.related) or []),
            "lang": data.get("lang", article.lang),
            "translation_key": data.get("translation_key", article.translation_key) or "",
            "draft": article.draft,
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


def _no_votes(slug: str) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.article_slug == slug,
                                                      Vote.helpful.is_(False))
                                   .order_by(Vote.updated_at.desc()).limit(50)))


def pending_state(article: Article | None) -> dict | None:
    """A live article's pending draft: its text and hash, the live text, and their diff."""
    if article is None or article.draft:
        return None
    center = helpcenter()
    path = find_pending(center.content_dir, article.slug)
    if path is None:
        return None
    live_path = center.content_dir / article.path
    live = live_path.read_text(encoding="utf-8") if live_path.is_file() else ""
    text = path.read_text(encoding="utf-8")
    return {"text": text, "hash": file_hash(path), "journey": path.parent.name, "live": live,
            "live_hash": file_hash(live_path),
            "diff": unified_diff(normalized(live), text, "live version", "pending draft")}


def render_form(article, values, *, errors=None, preview=None, conflict=None, base_hash=None,
                status=200):
    slug = article.slug if article else None
    pending = pending_state(article)
    return render_template(
        "editor/edit.html", article=article, values=values, errors=errors or {},
        preview=preview, conflict=conflict, base_hash=base_hash, pending=pending,
        draft_hash=values.get("draft_hash") or (pending["hash"] if pending else ""),
        journeys=helpcenter().journeys(), reasons=NO_REASONS, from_ticket=ticket_origin(article),
        no_votes=_no_votes(slug) if slug else [],
        schedule=pending_for(slug) if slug else {},
        review=waiting_for(slug) if slug else None,
        sent_back=last_sent_back(slug) if slug else None,
    ), status


def edit_page(article: Article, *, errors: dict | None = None, status: int = 200):
    """The edit page as opened: the form continues the pending draft when there is one."""
    center = helpcenter()
    path = center.content_dir / article.path
    pending = None if article.draft else find_pending(center.content_dir, article.slug)
    source = pending or path
    text = source.read_text(encoding="utf-8") if source.is_file() else None
    values = form_values(article, text, journey=pending.parent.name if pending else None)
    return render_form(article, values, base_hash=file_hash(path), errors=errors,
                       status=status)


def _schedule(form) -> dict[str, object]:
    """The publish-at and unpublish-at fields the form carries (a restore carries none)."""
    return {action: parse_when(form.get(f"{action}_at", "")) for action in ACTIONS
            if f"{action}_at" in form}


def save_form(slug: str | None, form):
    """Save what the form's button asks: a draft (beside the live version when the article is
    published), a publish, an unpublish, or a draft with a request for review."""
    center = helpcenter()
    article = find_article(slug) if slug else None
    if slug and article is None:
        abort(404)
    action = form.get("action")
    values = {**form.to_dict(), "urgent": form.get("urgent") == "on",
              "draft": article.draft if article else True}
    base_hash = form.get("base_hash") or None
    if action == "preview":
        return render_form(article, values, preview=render_markdown(values.get("body", "")),
                           base_hash=base_hash)
    if (action not in DRAFT_ACTIONS and ticket_origin(article)
            and form.get("details_checked") != "on"):
        return render_form(article, values, base_hash=base_hash, status=400, errors={
            "details_checked": [Text("Confirm that names, order numbers and other personal "
                                     "details from the ticket are gone before publishing.")]})
    try:
        schedule = _schedule(form)
    except ScheduleError as error:
        return render_form(article, values, base_hash=base_hash, status=400,
                           errors={"schedule": [str(error)]})
    live = article is not None and not article.draft
    if live and action in DRAFT_ACTIONS:
        outcome = save_pending(submission_from_form(slug, form.get("draft_hash") or None, form),
                               content_dir=center.content_dir, journey_slugs=journey_slugs(),
                               known_slugs=known_slugs(), journal=center.journal)
    else:
        submission = submission_from_form(slug or form.get("slug", ""), base_hash, form)
        outcome = save_and_record(submission, article, form.get("change_summary", ""),
                                  current_user.id, current_user.email)
    if not outcome.saved:
        return render_form(article, values, errors=outcome.errors,
                           conflict=outcome.conflict_diff, base_hash=base_hash,
                           status=409 if outcome.conflict_diff else 400)
    saved = outcome.article
    if live and action not in DRAFT_ACTIONS and not saved.draft and form.get("draft_hash"):
        # The form showed the pending draft, and it is live now (a restore carries no draft).
        discard_pending(center.content_dir, saved.slug, form["draft_hash"], center.journal)
    for what, when in schedule.items():
        set_schedule(saved.slug, what, when, current_user.id, current_user.email)
    if action == "review":
        ask_for_review(saved.slug, form.get("review_note", ""), current_user.id,
                       current_user.email)
    state = ("review" if action == "review" else "pending" if live and action == "draft"
             else "draft" if saved.draft else "published")
    return redirect(url_for("editor.edit", slug=saved.slug, saved=state))
