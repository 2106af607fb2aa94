"""JSON API, version 1: what readers send (votes, tickets) and a ticket's status.

Writes are exempt from the form CSRF token: a write to ``/api/`` from a page on another site
that ``KB_ALLOWED_ORIGINS`` does not list is refused before anything is read (app/cross_origin.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import select

from app import helpcenter
from app.api import api
from app.api import schemas as s
from app.errors import error_response
from app.events.votes import VoteError, cast_vote
from app.extensions import db
from app.i18n import current_language
from app.sessions.web import current_session_id
from app.tickets.labels import system_note
from app.tickets.models import Ticket
from app.tickets.service import (
    IdempotencyConflict,
    RateLimited,
    TicketValidationError,
    check_idempotency_key,
    token_matches,
    validate_ticket,
)

ERROR = {"schema": s.ErrorBody}


@api.post("/articles/<slug>/votes")
@api.arguments(s.VoteBody)
@api.response(200, s.VoteOut)
@api.alt_response(400, description="A field is wrong; `fields` names it.", **ERROR)
@api.alt_response(403, description="Automated clients, or a page on a site that is not "
                                   "allowed, cannot vote.", **ERROR)
@api.alt_response(404, description="No such article.", **ERROR)
@api.alt_response(415, description="The body is not JSON.", **ERROR)
@api.alt_response(429, description="Too many votes; see `Retry-After`.", **ERROR)
def vote(body: dict[str, Any], slug: str):
    """Say whether an article helped

    One vote per reader and article: a later vote replaces the earlier one. After "No", a
    reason and a comment may follow.
    """
    article = helpcenter().catalog.get(slug)
    if article is None:
        return error_response(404, f"No article with slug {slug!r}.")
    session_id = current_session_id()
    if session_id is None:
        return error_response(403, "Automated clients cannot vote.")
    try:
        stored = cast_vote(session_id, article.slug, article.journey, body.get("helpful"),
                           body.get("reason"), body.get("comment"))
    except VoteError as error:
        return error_response(400, error.message, fields={error.field: error.message})
    return {"slug": article.slug, **stored}


@api.post("/tickets")
@api.arguments(s.TicketBody)
@api.arguments(s.IdempotencyHeader, location="headers")
@api.response(201, s.TicketReceiptOut, description="Stored.")
@api.alt_response(200, schema=s.TicketReceiptOut, success=True,
                  description="A retry with the same Idempotency-Key: the first answer again "
                              "(header `Idempotent-Replayed: true`).")
@api.alt_response(400, description="A field is wrong; `fields` names each.", **ERROR)
@api.alt_response(403, description="A page on a site that is not allowed.", **ERROR)
@api.alt_response(409, description="The Idempotency-Key was used for another ticket.",
                  **ERROR)
@api.alt_response(415, description="The body is not JSON.", **ERROR)
@api.alt_response(429, description="Too many tickets; see `Retry-After`.", **ERROR)
def create_ticket(body: dict[str, Any], headers: dict[str, Any]):
    """Write to support

    The ticket gets a reference, a priority and a private status link. Send an
    `Idempotency-Key` to retry safely: the ticket is stored once.
    """
    center = helpcenter()
    try:
        key = check_idempotency_key(headers.get("key"))
        ticket_request = replace(validate_ticket(body), lang=current_language())
        receipt = current_app.extensions["tickets"].submit(
            ticket_request, session_id=current_session_id(), remote_address=request.remote_addr,
            article=center.catalog.get(ticket_request.article_slug or ""),
            titles={a.slug: a.title for a in center.catalog.all()}, idempotency_key=key,
        )
    except TicketValidationError as error:
        return error_response(400, "Some fields need attention.", fields=error.errors)
    except IdempotencyConflict as error:
        return error_response(409, str(error), fields={"Idempotency-Key": str(error)})
    except RateLimited as error:
        return error_response(429, str(error))
    answer = {"reference": receipt.reference, "priority": receipt.priority,
              "status_url": url_for("site.ticket_status", reference=receipt.reference,
                                    token=receipt.token, _external=True)}
    if receipt.replayed:
        return answer, 200, {"Idempotent-Replayed": "true"}
    return answer, 201


@api.get("/tickets/<reference>")
@api.arguments(s.TokenArgs, location="query")
@api.response(200, s.TicketStatusOut)
@api.alt_response(400, description="No token.", **ERROR)
@api.alt_response(404, description="No such ticket, or not its token (the same answer).",
                  **ERROR)
def ticket_status(args: dict[str, Any], reference: str):
    """Follow a ticket

    Its status and the history its writer may see, with the token of its `status_url`.
    """
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None or not token_matches(ticket, args["token"]):
        return error_response(404, "No ticket with that reference and token.")
    minutes = current_app.extensions["tickets"].response_targets.get(ticket.priority)
    return {"reference": ticket.reference, "subject": ticket.subject, "status": ticket.status,
            "priority": ticket.priority, "created_at": ticket.created_at,
            "response_target_minutes": minutes,
            "updates": [{"at": u.created_at, "status": u.status, "note": str(system_note(u.note))}
                        for u in ticket.updates]}
