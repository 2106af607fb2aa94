"""'Did this solve your problem?' without JavaScript: a form POST, then back to the article."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from app import helpcenter
from app.events.votes import NO_REASONS, VoteError, cast_vote
from app.sessions.web import current_session_id
from app.site import site


@site.post("/articles/<slug>/feedback")
def feedback(slug: str):
    article = helpcenter().catalog.get(slug)
    if article is None:
        abort(404)
    session_id = current_session_id()
    helpful = {"yes": True, "no": False}.get(request.form.get("helpful", ""), "invalid")
    if session_id is None:  # crawlers are not counted; nothing to store
        return redirect(url_for("site.article", slug=slug))
    try:
        cast_vote(session_id, article.slug, article.journey, helpful,
                  request.form.get("reason"), request.form.get("comment"))
    except VoteError as error:
        return render_template("site/feedback_error.html", article=article,
                               message=error.message, reasons=NO_REASONS), 400
    if helpful is True:
        step = "thanks"
    else:
        step = "noted" if "reason" in request.form or "comment" in request.form else "why"
    return redirect(url_for("site.article", slug=slug, feedback=step, _anchor="feedback"))


@site.get("/articles/<slug>/feedback")
def feedback_panel(slug: str):
    """The feedback section alone, for the script that votes without reloading the page."""
    article = helpcenter().catalog.get(slug)
    if article is None:
        abort(404)
    step = request.args.get("step")
    return render_template("site/_feedback.html", article=article, reasons=NO_REASONS,
                           vote=None, feedback=step if step in {"thanks", "why", "noted"} else None)
