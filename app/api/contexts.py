"""``GET /api/v1/contexts/<key>``: the articles the help widget suggests for a page's context."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from app import helpcenter
from app.api import api
from app.errors import error_response
from app.events.recorder import most_viewed
from app.i18n import current_language
from app.widget.contexts import CONTEXTS_FILE, KEY_PATTERN, current_contexts, suggest


@api.get("/contexts/<key>")
def context_articles(key: str):
    """Suggested articles; an unknown context gets the most viewed, then the newest."""
    if not KEY_PATTERN.match(key):
        message = "A context key is lower-case letters, digits, - or _ (at most 60)."
        return error_response(400, message, fields={"key": message})
    lang = request.args.get("lang") or current_language()
    if lang not in current_app.config["KB_LANGUAGES"]:
        message = f"'lang' must be one of {', '.join(current_app.config['KB_LANGUAGES'])}."
        return error_response(400, message, fields={"lang": message})
    center = helpcenter()
    context = current_contexts(center.content_dir / CONTEXTS_FILE).get(key)
    articles, matched = suggest(context, center.catalog.all(), lang, center.catalog.localized,
                                [slug for slug, _ in most_viewed(limit=10)])
    return jsonify({
        "context": key,
        "lang": lang,
        "matched": matched,
        "articles": [{"slug": a.slug, "title": a.title, "summary": a.summary,
                      "journey": a.journey, "lang": a.lang,
                      "url": url_for("site.article", slug=a.slug, _external=True)}
                     for a in articles],
    })
