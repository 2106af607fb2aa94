"""Agents' inbox: handed-off tickets by priority and age, each with what the user tried."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import helpcenter
from app.accounts.access import permission_required
from app.editor.articles import find_article, known_slugs
from app.editor.from_ticket import save_ticket_draft, ticket_draft_slug
from app.editor.models import ReviewRequest
from app.editor.review import CAUSES, ReviewError, request_review
from app.editor.revisions import FROM_TICKET, record_revision
from app.events.votes import NO_REASONS
from app.extensions import db
from app.i18n import current_language, translate
from app.inbox import inbox_blueprint
from app.text import Text
from app.tickets import self_service
from app.tickets.conversation import awaiting_support, thread
from app.tickets.inbox import ReplyError, inbox
from app.tickets.labels import STATUS_LABELS, STATUSES, system_note
from app.tickets.models import Ticket
from app.tickets.priority import describe_reason


def _desk():
    return current_app.extensions["tickets"]


def _ticket_or_404(reference: str) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None:
        abort(404)
    return ticket


@inbox_blueprint.get("/")
@permission_required("inbox")
def index():
    status = request.args.get("status")
    rows = inbox(status, _desk().response_targets)
    ids = [row.ticket.id for row in rows]
    return render_template("inbox/index.html", rows=rows, status=status, statuses=STATUSES,
                           status_labels=STATUS_LABELS, answered=awaiting_support(ids),
                           self_solved=self_service.answered_tickets(ids))


def _articles_read(found: Ticket) -> list[tuple[str, str]]:
    """(slug, title) of the articles the user read or wrote from: candidates for a cause."""
    articles = {item["slug"]: item.get("title", item["slug"])
                for item in (found.context or {}).get("articles", []) if item.get("slug")}
    if found.article_slug and found.article_slug not in articles:
        article = helpcenter().catalog.get(found.article_slug)
        articles[found.article_slug] = article.title if article else found.article_slug
    return list(articles.items())


def _ticket_page(found: Ticket, *, error=None, note="", cause_error=None, status=200):
    requests = db.session.scalars(select(ReviewRequest).where(
        ReviewRequest.ticket_reference == found.reference).order_by(ReviewRequest.id)).all()
    return render_template("inbox/ticket.html", ticket=found, statuses=STATUSES, error=error,
                           note=note, mails_user=_desk().replies is not None,
                           articles_read=_articles_read(found), causes=CAUSES,
                           review_requests=requests, cause_error=cause_error,
                           status_labels=STATUS_LABELS, system_note=system_note,
                           priority_reason=describe_reason(found.priority_reason),
                           offers=self_service.offers(found.id), thread=thread(found),
                           reasons=NO_REASONS, journey_titles=_journey_titles(),
                           titles=_clicked_titles(found)), status


def _clicked_titles(found: Ticket) -> dict[str, str]:
    """slug -> title of the articles the user opened from their searches."""
    catalog = helpcenter().catalog
    slugs = {click.get("slug") for search in (found.context or {}).get("searches", [])
             for click in search.get("clicked", [])}
    return {slug: article.title for slug in slugs if slug and (article := catalog.get(slug))}


def _journey_titles() -> dict[str, str]:
    language = current_language()
    return {journey.slug: journey.title_for(language) for journey in helpcenter().journeys()}


@inbox_blueprint.get("/<reference>")
@permission_required("inbox")
def ticket(reference: str):
    return _ticket_page(_ticket_or_404(reference))


@inbox_blueprint.post("/<reference>")
@permission_required("inbox")
def reply(reference: str):
    found = _ticket_or_404(reference)
    note = request.form.get("note", "")
    try:
        _desk().send_reply(found, request.form.get("status", found.status), note,
                           current_user.id)
    except ReplyError as error:
        return _ticket_page(found, error=str(error), note=note, status=400)
    return redirect(url_for("inbox.ticket", reference=reference))


@inbox_blueprint.post("/<reference>/cause")
@permission_required("inbox")
def mark_cause(reference: str):
    """The agent says an article the user read caused the ticket: it joins the review queue."""
    found = _ticket_or_404(reference)
    slug = request.form.get("article", "")
    if slug not in dict(_articles_read(found)):
        return _ticket_page(found, cause_error=Text("Choose one of the articles the user read."),
                            status=400)
    try:
        request_review(slug, request.form.get("reason", ""), request.form.get("note", ""),
                       ticket_reference=found.reference, requested_by_id=current_user.id)
    except ReviewError as error:
        return _ticket_page(found, cause_error=str(error), status=400)
    return redirect(url_for("inbox.ticket", reference=reference, marked=slug))


@inbox_blueprint.post("/<reference>/article")
@permission_required("inbox")
def turn_into_article(reference: str):
    """Save the question and the answers as a draft article; editors open it in the editor."""
    found = _ticket_or_404(reference)
    if found.status != "solved":
        return _ticket_page(found, error=Text("Only a solved ticket can become an article: "
                                              "its answer is what the article needs."),
                            status=409)
    made = ticket_draft_slug(found.reference)
    if made and find_article(made) is not None:  # one draft per ticket: go to it
        if current_user.can("editor"):
            return redirect(url_for("editor.edit", slug=made))
        return redirect(url_for("inbox.ticket", reference=reference, drafted=made))
    center = helpcenter()
    outcome = save_ticket_draft(found, content_dir=center.content_dir,
                                journey_slugs=[j.slug for j in center.journeys()],
                                taken=known_slugs(), journal=center.journal)
    if not outcome.saved:
        problems = "; ".join(translate(m) for messages in outcome.errors.values()
                             for m in messages)
        return _ticket_page(found, error=Text("The draft could not be made: %(problems)s",
                                              problems=problems), status=400)
    saved = outcome.article
    record_revision(saved.slug, saved.path, outcome.text, saved.content_hash,
                    FROM_TICKET.fill(reference=found.reference), current_user.id,
                    current_user.email)
    if current_user.can("editor"):
        return redirect(url_for("editor.edit", slug=saved.slug, ticket=found.reference))
    return redirect(url_for("inbox.ticket", reference=reference, drafted=saved.slug))
