"""``GET /api/v1/contexts/<key>``: the articles the help widget suggests for a page's context."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app import helpcenter
from app.api import api
from app.api import widget_schemas as w
from app.api.schemas import ErrorBody
from app.errors import error_response
from app.events.recorder import most_viewed
from app.i18n import current_language
from app.widget.contexts import CONTEXTS_FILE, KEY_PATTERN, current_contexts, suggest


@api.get("/contexts/<key>")
@api.arguments(w.ContextArgs, location="query")
@api.response(200, w.ContextArticles)
@api.alt_response(400, schema=ErrorBody, description="The key or `lang` is wrong; `fields` "
                                                     "names it.")
def context_articles(args: dict[str, Any], key: str):
    """Articles for a page's context

    The articles editors chose for the context in `content/_contexts.yml`; an unknown context
    gets the most viewed articles, then the newest, rather than an error.
    """
    if not KEY_PATTERN.match(key):
        message = f"must be {w.KEY_RULE}"
        return error_response(400, f"'key' {message}.", fields={"key": message})
    lang = args.get("lang") or current_language()
    center = helpcenter()
    context = current_contexts(center.content_dir / CONTEXTS_FILE).get(key)
    articles, matched = suggest(context, center.catalog.all(), lang, center.catalog.localized,
                                [slug for slug, _ in most_viewed(limit=10)])
    return {
        "context": key,
        "lang": lang,
        "matched": matched,
        "articles": [{"slug": a.slug, "title": a.title, "summary": a.summary,
                      "journey": a.journey, "lang": a.lang,
                      "url": url_for("site.article", slug=a.slug, _external=True)}
                     for a in articles],
    }
