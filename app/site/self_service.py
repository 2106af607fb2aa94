"""The signed "This answered my question" link from the acknowledgement mail.

Opening the link (GET) changes nothing, so mail scanners and link prefetchers cannot close a
ticket: it shows the article and a button. The button POSTs (with a CSRF token) and the
answer is recorded once however often it is pressed (app/tickets/self_service.py).
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for

from app.site import site
from app.text import Text
from app.tickets import self_service
from app.tickets.models import TicketSuggestion


def _offer(token: str) -> tuple[TicketSuggestion | None, tuple | None]:
    """The offer a token names, or the error page to show instead."""
    try:
        reference, slug = self_service.read_answer(current_app.config["SECRET_KEY"], token)
    except self_service.AnswerLinkError as error:
        return None, _error_page(str(error), 410 if error.expired else 400,
                                 Text("Link expired") if error.expired else Text("Link not valid"))
    offer = self_service.find_offer(reference, slug)
    if offer is None:
        return None, _error_page(Text("We could not find this request any more."), 404,
                                 Text("Request not found"))
    return offer, None


def _error_page(message: str, status: int, title: str):
    return render_template("site/error.html", status=status, title=title,
                           message=message), status


@site.get("/self-service/<token>")
def self_service_answer(token: str):
    offer, error = _offer(token)
    if error:
        return error
    return render_template("site/self_service.html", offer=offer, token=token,
                           state=self_service.state(offer.ticket))


@site.post("/self-service/<token>")
def confirm_self_service(token: str):
    offer, error = _offer(token)
    if error:
        return error
    self_service.confirm(offer)
    return redirect(url_for("site.self_service_answer", token=token))
