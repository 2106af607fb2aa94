"""Agents' inbox: handed-off tickets by priority and age, each with what the user tried."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import permission_required
from app.extensions import db
from app.tickets.inbox import STATUSES, ReplyError, inbox
from app.tickets.models import Ticket

inbox_blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")


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
    return render_template("inbox/index.html", rows=rows, status=status, statuses=STATUSES)


@inbox_blueprint.get("/<reference>")
@permission_required("inbox")
def ticket(reference: str):
    return render_template("inbox/ticket.html", ticket=_ticket_or_404(reference),
                           statuses=STATUSES, error=None, note="",
                           mails_user=_desk().replies is not None)


@inbox_blueprint.post("/<reference>")
@permission_required("inbox")
def reply(reference: str):
    found = _ticket_or_404(reference)
    note = request.form.get("note", "")
    try:
        _desk().send_reply(found, request.form.get("status", found.status), note,
                           current_user.id)
    except ReplyError as error:
        return render_template("inbox/ticket.html", ticket=found, statuses=STATUSES,
                               error=str(error), note=note,
                               mails_user=_desk().replies is not None), 400
    return redirect(url_for("inbox.ticket", reference=reference))
