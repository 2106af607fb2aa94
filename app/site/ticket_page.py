"""The private status page of a ticket (reached with its token): the conversation so far and
a form to answer support. The answer is stored once however often the form is sent."""

from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from app.extensions import db
from app.public_urls import external_url
from app.site import site
from app.tickets import conversation, self_service
from app.tickets.models import Ticket
from app.tickets.service import token_matches


def _ticket(reference: str, token: str | None) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None or not token_matches(ticket, token):
        abort(404)  # the same answer for a wrong token as for no ticket: nothing to guess
    return ticket


def _page(ticket: Ticket, token: str, *, errors=None, form=None, status=200):
    desk = current_app.extensions["tickets"]
    form = form or {"message": "", "submission_key": secrets.token_urlsafe(16)}
    status_url = external_url("site.ticket_status", reference=ticket.reference, token=token)
    return render_template("site/ticket.html", ticket=ticket,
                           response_target=desk.response_target(ticket.priority),
                           new=request.args.get("new") == "1", status_url=status_url,
                           token=token, thread=conversation.thread(ticket),
                           offers=self_service.open_offers(ticket), errors=errors or {},
                           form=form, sent=request.args.get("sent") == "1"), status


@site.get("/tickets/<reference>")
def ticket_status(reference: str):
    token = request.args.get("token")
    return _page(_ticket(reference, token), token)


@site.post("/tickets/<reference>")
def answer_ticket(reference: str):
    token = request.form.get("token")
    ticket = _ticket(reference, token)
    form = request.form.to_dict()
    key = form.get("submission_key") or ""
    if not 8 <= len(key) <= 100:
        key = secrets.token_urlsafe(16)  # a form without a key (or a forged one) gets its own
        form["submission_key"] = key
    secret = current_app.config["SECRET_KEY"]
    try:
        current_app.extensions["tickets"].add_user_message(
            ticket, form.get("message", ""), source=conversation.WEB,
            key=conversation.dedupe_key(secret, f"web:{ticket.id}", key))
    except conversation.MessageError as error:
        return _page(ticket, token, errors={error.field: error.args[0]}, form=form, status=400)
    return redirect(url_for("site.ticket_status", reference=reference, token=token, sent=1,
                            _anchor="conversation"))
