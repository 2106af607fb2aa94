"""JSON API, version 1.

Writes (votes, tickets) accept only ``application/json`` bodies. Browsers cannot send that
content type across sites without a CORS preflight, which this API never grants, so these
endpoints are exempt from the form CSRF token and remain safe from cross-site forgery.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app, jsonify, request, url_for

from app import helpcenter
from app.api import api
from app.api.suggestions import suggestions_json
from app.content.render import render_cached
from app.errors import error_response
from app.events import recorder
from app.events.votes import VoteError, cast_vote
from app.i18n import current_language
from app.search import QueryError
from app.search.results import MAX_PAGE_SIZE
from app.search.suggest import DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS
from app.sessions.web import COOKIE_NAME, current_session_id
from app.tickets.service import (
    IdempotencyConflict,
    RateLimited,
    TicketValidationError,
    check_idempotency_key,
    validate_ticket,
)


class BadBody(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def json_object() -> dict[str, Any]:
    if not request.is_json:
        raise BadBody(415, "Send a JSON body with Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadBody(400, "The body must be a JSON object.")
    return body


@api.errorhandler(BadBody)
def handle_bad_body(error: BadBody):
    return error_response(error.status, error.message)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"'{name}' must be a whole number, not {raw!r}.") from None
    if not low <= value <= high:
        raise QueryError(f"'{name}' must be between {low} and {high}.")
    return value


@api.get("/search")
def search():
    center = helpcenter()
    try:
        text = request.args.get("q", "")
        if not text.strip():
            raise QueryError("'q' is required: the words to search for.")
        journey = request.args.get("journey") or None
        if journey and center.journey(journey) is None:
            raise QueryError(f"Unknown journey {journey!r}.")
        limit = _int_arg("limit", center.search_service.page_size, 1, MAX_PAGE_SIZE)
        page = _int_arg("page", 1, 1, 1000)
        results = center.search(text, journey, page, limit, current_language())
    except QueryError as error:
        return error_response(400, str(error))
    # Searches from our own pages (which carry the session cookie) are counted; the contact
    # form's live suggestions are not, they would count every half-typed word.
    if request.cookies.get(COOKIE_NAME) and request.args.get("source") != "contact" and page == 1:
        session_id = current_session_id()
        if session_id:
            recorder.record_search(session_id, results.query, journey, results.total, "api",
                                   lang=current_language())
    return jsonify({
        "query": results.query,
        "journey": results.journey,
        "page": results.page,
        "total": results.total,
        "total_is_exact": results.total_is_exact,
        "results": [
            {
                "slug": hit.slug,
                "title": hit.title,
                "summary": hit.summary,
                "journey": hit.journey,
                "lang": hit.language,
                "url": url_for("site.article", slug=hit.slug),
                "score": hit.score,
                "snippet": hit.snippet,
                "position": hit.position,
            }
            for hit in results.hits
        ],
        "did_you_mean": results.did_you_mean,
        "showing_suggestion": results.showing_suggestion,
    })


@api.get("/suggest")
def suggest():
    """Search as you type: never recorded as a search (it would count half-typed words)."""
    field = "q"
    try:
        text = request.args.get("q", "")
        if not text.strip():
            raise QueryError("'q' is required: the words typed so far.")
        field = "lang"
        lang = request.args.get("lang") or current_language()
        languages = current_app.config["KB_LANGUAGES"]
        if lang not in languages:
            raise QueryError(f"'lang' must be one of {', '.join(languages)}, not {lang!r}.")
        field = "limit"
        limit = _int_arg("limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS)
        field = "q"
        found = helpcenter().suggest(text, lang, limit)
    except QueryError as error:
        return jsonify({"error": {"status": 400, "message": str(error),
                                  "fields": {field: str(error)}}}), 400
    return jsonify(suggestions_json(found))


@api.get("/articles/<slug>")
def article(slug: str):
    found = helpcenter().catalog.get(slug)
    if found is None:
        return error_response(404, f"No article with slug {slug!r}.")
    return jsonify({
        "slug": found.slug,
        "title": found.title,
        "summary": found.summary,
        "journey": found.journey,
        "lang": found.lang,
        "tags": list(found.tags),
        "urgent": found.urgent,
        "updated": found.updated.isoformat() if found.updated else None,
        "review_by": found.review_by.isoformat() if found.review_by else None,
        "related": list(found.related),
        "html": render_cached(found.content_hash, found.body),
        "url": url_for("site.article", slug=found.slug),
    })


@api.post("/articles/<slug>/votes")
def vote(slug: str):
    article = helpcenter().catalog.get(slug)
    if article is None:
        return error_response(404, f"No article with slug {slug!r}.")
    body = json_object()
    session_id = current_session_id()
    if session_id is None:
        return error_response(403, "Automated clients cannot vote.")
    try:
        stored = cast_vote(session_id, article.slug, article.journey, body.get("helpful"),
                           body.get("reason"), body.get("comment"))
    except VoteError as error:
        return error_response(400, error.message, fields={error.field: error.message})
    return jsonify({"slug": article.slug, **stored}), 200


@api.post("/tickets")
def create_ticket():
    center = helpcenter()
    body = json_object()
    try:
        key = check_idempotency_key(request.headers.get("Idempotency-Key"))
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
    response = jsonify({
        "reference": receipt.reference,
        "priority": receipt.priority,
        "status_url": url_for("site.ticket_status", reference=receipt.reference,
                              token=receipt.token, _external=True),
    })
    if receipt.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 200 if receipt.replayed else 201
