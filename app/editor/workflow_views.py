"""Publishing steps from the edit page and the review: publish or discard a pending draft,
approve or send back a draft waiting for review (managers and admins)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app import helpcenter
from app.accounts.access import any_permission, permission_required
from app.content.editing import discard_pending, file_hash, unified_diff
from app.editor import editor
from app.editor.approvals import approve, send_back, waiting
from app.editor.articles import all_articles, find_article
from app.editor.form import edit_page, pending_state
from app.editor.from_ticket import ticket_draft_slug
from app.editor.models import PublishReview
from app.editor.revisions import PUBLISHED_DRAFT
from app.editor.workflow import WorkflowError, publish
from app.extensions import db
from app.text import Text


@editor.post("/<slug>/draft/publish")
@permission_required("editor")
def publish_draft(slug: str):
    """Put the pending draft live (if neither it nor the live file changed since the page)."""
    article = find_article(slug)
    if article is None:
        abort(404)
    try:
        publish(slug, request.form.get("change_summary", "").strip() or PUBLISHED_DRAFT,
                current_user.id, current_user.email,
                live_hash=request.form.get("base_hash") or None,
                pending_hash=request.form.get("draft_hash") or None)
    except WorkflowError as error:
        return edit_page(article, errors={"draft": [str(error)]}, status=409)
    return redirect(url_for("editor.edit", slug=slug, saved="published"))


@editor.post("/<slug>/draft/discard")
@permission_required("editor")
def discard_draft(slug: str):
    """Drop the pending draft; readers never saw it."""
    center = helpcenter()
    article = find_article(slug)
    if article is None:
        abort(404)
    if not discard_pending(center.content_dir, slug, request.form.get("draft_hash") or None,
                           center.journal):
        return edit_page(article, status=409, errors={"draft": [Text(
            "The draft was changed or discarded meanwhile; nothing was discarded.")]})
    return redirect(url_for("editor.edit", slug=slug, saved="discarded"))


def _review_or_404(review_id: int) -> PublishReview:
    review = db.session.get(PublishReview, review_id)
    if review is None:
        abort(404)
    return review


@editor.get("/approvals/")
@any_permission("editor", "approve")
def approvals():
    """Drafts waiting for review, for managers who do not use the editor's list."""
    titles = {article.slug: article.title for article in all_articles()}
    return render_template("editor/approvals.html", reviews=waiting(), titles=titles)


@editor.get("/approvals/<int:review_id>")
@any_permission("editor", "approve")
def approval(review_id: int):
    return _approval_page(_review_or_404(review_id))


def _approval_page(review: PublishReview, error: str | None = None, status: int = 200):
    """What the request would publish: the draft, and its diff with the live version."""
    article = find_article(review.article_slug)
    pending = pending_state(article)
    if pending is None and article is not None:
        path = helpcenter().content_dir / article.path
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        pending = {"text": text, "diff": unified_diff("", text, "not published", "draft"),
                   "hash": file_hash(path)}
    return render_template("editor/approval.html", review=review, article=article,
                           pending=pending, error=error,
                           can_approve=current_user.can("approve")), status


@editor.post("/approvals/<int:review_id>")
@permission_required("approve")
def decide(review_id: int):
    review = _review_or_404(review_id)
    try:
        if request.form.get("decision") == "approve":
            approve(review.id, current_user.id, current_user.email)
        else:
            send_back(review.id, request.form.get("comment", ""), current_user.id,
                      current_user.email)
    except WorkflowError as error:
        return _approval_page(review, error=str(error), status=409)
    return redirect(url_for("editor.approval", review_id=review_id, decided=1))


@editor.app_template_global("ticket_draft")
def ticket_draft(reference: str) -> str | None:
    """The article a ticket was turned into, while it exists (the inbox links to it)."""
    slug = ticket_draft_slug(reference)
    return slug if slug and find_article(slug) is not None else None
