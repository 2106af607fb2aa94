"""JSON API, version 1: reading. Requests are parsed and answers shaped by app/api/schemas.py,
which the OpenAPI document is made from; views only call the services."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from app import helpcenter
from app.api import api
from app.api import schemas as s
from app.errors import error_response
from app.events import recorder
from app.i18n import current_language
from app.search import QueryError
from app.sessions.web import COOKIE_NAME, current_session_id, request_channel, widget_session

BAD_REQUEST = {"schema": s.ErrorBody, "description": "A parameter is wrong; `fields` names it."}
NOT_FOUND = {"schema": s.ErrorBody, "description": "No such article."}
TOO_MANY = {"schema": s.ErrorBody, "description": "Rate limited; see `Retry-After`.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}}


@api.errorhandler(QueryError)
def handle_query_error(error: QueryError):
    return error_response(400, str(error), fields={"q": str(error)})


@api.get("/search")
@api.arguments(s.SearchArgs, location="query")
@api.response(200, s.SearchPage)
@api.alt_response(400, **BAD_REQUEST)
@api.alt_response(429, **TOO_MANY)
def search(args: dict[str, Any]):
    """Search the articles

    Ranked articles with highlighted snippets, in the reader's language first. A misspelt
    question gets `did_you_mean`, and when nothing matched, the results of the suggestion.
    """
    center = helpcenter()
    journey = args.get("journey") or None
    limit = args.get("limit") or center.search_service.page_size
    results = center.search(args["q"], journey, args["page"], limit, current_language())
    # Searches from our own pages (which carry the session cookie) are counted; the contact
    # form's live suggestions are not, they would count every half-typed word.
    counted = request.cookies.get(COOKIE_NAME) or widget_session()
    if counted and args.get("source") != "contact" and args["page"] == 1:
        session_id = current_session_id()
        if session_id:
            recorder.record_search(session_id, results.query, journey, results.total, "api",
                                   lang=current_language(), channel=request_channel())
    return results


@api.get("/suggest")
@api.arguments(s.SuggestArgs, location="query")
@api.response(200, s.SuggestPage)
@api.alt_response(400, **BAD_REQUEST)
@api.alt_response(429, **TOO_MANY)
def suggest(args: dict[str, Any]):
    """Suggest titles as the reader types

    Prefix matches on titles, tags and synonyms; never recorded as a search (it would count
    half-typed words).
    """
    lang = args.get("lang") or current_language()
    return helpcenter().suggest(args["q"], lang, args["limit"])


@api.get("/journeys")
@api.response(200, s.JourneyList)
def journeys():
    """List the journeys

    The groups articles belong to (orders, account, …), in display order, with their number
    of published articles in the reader's language.
    """
    center, lang = helpcenter(), current_language()
    counts = center.catalog.counts(lang)
    return {"lang": lang, "journeys": [{
        "slug": journey.slug, "title": journey.title_for(lang),
        "description": journey.description_for(lang), "articles": counts.get(journey.slug, 0),
        "url": url_for("site.journey", slug=journey.slug),
    } for journey in center.journeys()]}


@api.get("/articles")
@api.arguments(s.ArticleListArgs, location="query")
@api.response(200, s.ArticleList)
@api.alt_response(400, **BAD_REQUEST)
def articles(args: dict[str, Any]):
    """List the published articles

    By title; filtered by journey, language (one version of each article) and the date of
    their last update, a page at a time.
    """
    found = helpcenter().catalog.all(args.get("lang"))
    if args.get("journey"):
        found = [a for a in found if a.journey == args["journey"]]
    if args.get("updated_since"):
        found = [a for a in found if a.updated and a.updated >= args["updated_since"]]
    page, per_page = args["page"], args["per_page"]
    chosen = found[(page - 1) * per_page:page * per_page]
    return {"page": page, "per_page": per_page, "total": len(found),
            "articles": chosen}


@api.get("/articles/<slug>")
@api.arguments(s.ArticleArgs, location="query")
@api.response(200, s.ArticleDetail)
@api.alt_response(400, **BAD_REQUEST)
@api.alt_response(404, **NOT_FOUND)
def article(args: dict[str, Any], slug: str):
    """Read one article

    Its body as sanitised HTML, and the other languages it is written in.
    """
    found = helpcenter().catalog.get(slug)
    if found is None:
        return error_response(404, f"No article with slug {slug!r}.")
    if widget_session():  # read in the widget: a view, as on the site
        recorder.record_article_view(current_session_id(), found.slug, found.journey,
                                     args.get("source") or "api", lang=current_language(),
                                     channel=request_channel())
    return found
