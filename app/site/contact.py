"""Handoff to a human: the contact form (the private status page is in ticket_page.py)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from functools import partial

from flask import current_app, redirect, render_template, request, url_for

from app import helpcenter
from app.i18n import current_language
from app.sessions.web import current_session_id
from app.site import site
from app.tickets.service import (
    IdempotencyConflict,
    RateLimited,
    TicketValidationError,
    check_idempotency_key,
    validate_ticket,
)


def ticket_desk():
    return current_app.extensions["tickets"]


@site.get("/contact")
def contact():
    center = helpcenter()
    about = center.catalog.get(request.args.get("article", ""))
    query = request.args.get("q", "")[: current_app.config["KB_MAX_QUERY_LENGTH"]]
    subject = about.title if about else query
    # One key per filled-in form: sending it twice (a double click, a retry after a lost
    # answer) shows the one ticket it made.
    return render_template("site/contact.html", about=about, errors={},
                           form={"subject": subject, "article": about.slug if about else "",
                                 "submission_key": secrets.token_urlsafe(16)})


@site.post("/contact")
def submit_contact():
    center = helpcenter()
    form = request.form.to_dict()
    form.setdefault("submission_key", secrets.token_urlsafe(16))
    about = center.catalog.get(form.get("article", ""))
    try:
        ticket_request = replace(validate_ticket(form), lang=current_language())
        key = check_idempotency_key(form.get("submission_key"))
        submit = partial(ticket_desk().submit, ticket_request, session_id=current_session_id(),
                         remote_address=request.remote_addr, article=about,
                         titles={a.slug: a.title for a in center.catalog.all()})
        try:
            receipt = submit(idempotency_key=key)
        except IdempotencyConflict:  # the form sent again after its text was changed
            receipt = submit(idempotency_key=None)
    except TicketValidationError as error:
        return render_template("site/contact.html", about=about, errors=error.errors,
                               form=form), 400
    except RateLimited as error:
        return render_template("site/contact.html", about=about, errors={"form": error.args[0]},
                               form=form), 429
    return redirect(url_for("site.ticket_status", reference=receipt.reference,
                            token=receipt.token, new=1))

