"""The editors' review queue: articles that agents or the figures say need a look."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import any_permission, permission_required
from app.accounts.models import User
from app.editor import editor
from app.editor.articles import all_articles
from app.editor.models import ReviewRequest
from app.editor.review import CAUSES, PAST_DAYS, RECENT_DAYS, close_request, review_queue
from app.events.models import utcnow
from app.extensions import db
from app.metrics.daily import stored_source


@editor.get("/review")
@any_permission("editor", "dashboard")
def review():
    """Editors work the queue; managers may read it."""
    config = current_app.config
    window = timedelta(hours=config["KB_TICKET_WINDOW_HOURS"])
    now = utcnow()
    source = stored_source(window, config["KB_LANGUAGES"],
                           now - timedelta(days=RECENT_DAYS + PAST_DAYS), now)
    items = review_queue(all_articles(), window=window, source=source, now=now)
    requester_ids = {r.requested_by_id for item in items for r in item.requests}
    emails = dict(db.session.execute(select(User.id, User.email).where(
        User.id.in_(requester_ids))).all()) if requester_ids else {}
    return render_template("editor/review.html", items=items, causes=CAUSES, emails=emails,
                           recent_days=RECENT_DAYS, past_days=PAST_DAYS)


@editor.post("/review/<int:request_id>/done")
@permission_required("editor")
def review_done(request_id: int):
    found = db.session.get(ReviewRequest, request_id)
    if found is None:
        abort(404)
    if found.status == "open":
        close_request(found, current_user.id, request.form.get("note", ""))
    return redirect(url_for("editor.review", done=request_id))
