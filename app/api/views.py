"""JSON API, version 1."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from app import helpcenter
from app.content.render import render_cached
from app.errors import error_response
from app.search import QueryError
from app.search.searcher import MAX_PAGE_SIZE

api = Blueprint("api", __name__, url_prefix="/api/v1")


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
        results = center.search(text, journey, page, limit)
    except QueryError as error:
        return error_response(400, str(error))
    return jsonify({
        "query": results.query,
        "journey": results.journey,
        "page": results.page,
        "total": results.total,
        "results": [
            {
                "slug": hit.slug,
                "title": hit.title,
                "summary": hit.summary,
                "journey": hit.journey,
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
