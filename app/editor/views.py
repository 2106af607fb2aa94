"""Editors write and update guides in the browser; content/ stays the source of truth.
The list, and the edit form (its logic in ``form.py``)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, render_template, request

from app import helpcenter
from app.accounts.access import permission_required
from app.content.drafts import pending_slugs
from app.editor import editor
from app.editor.approvals import waiting
from app.editor.articles import all_articles, find_article
from app.editor.form import edit_page, form_values, render_form, save_form
from app.editor.schedule import apply_due, upcoming
from app.events.models import utcnow
from app.metrics.deflection import article_metrics


@editor.get("/")
@permission_required("editor")
def index():
    apply_due()  # scheduled changes whose time has come, if cron has not applied them yet
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
    pending = pending_slugs(center.content_dir)
    rows = [a for a in articles if (not journey or a.journey == journey)
            and (only != "stale" or a.is_stale(today))
            and (only != "flagged" or metrics[a.slug].flagged)
            and (only != "drafts" or a.draft or a.slug in pending)]
    rows.sort(key=lambda a: (not a.draft, a.title.lower()))
    titles = {a.slug: a.title for a in articles}
    return render_template("editor/index.html", rows=rows, metrics=metrics, today=today,
                           journeys=center.journeys(), journey=journey, only=only,
                           pending=pending, scheduled=upcoming(), reviews=waiting(),
                           titles=titles)


@editor.get("/new")
@permission_required("editor")
def new():
    return render_form(None, form_values())


@editor.get("/<slug>")
@permission_required("editor")
def edit(slug: str):
    article = find_article(slug)
    if article is None:
        abort(404)
    return edit_page(article)


@editor.post("/new")
@editor.post("/<slug>")
@permission_required("editor")
def save(slug: str | None = None):
    return save_form(slug, request.form)
