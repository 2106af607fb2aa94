"""The JSON shape of search-as-you-type suggestions."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.search.suggest import SuggestPage


def suggestions_json(page: SuggestPage) -> dict[str, Any]:
    """Titles as plain text with the typed parts as [start, end) code point offsets, and the
    same as escaped HTML with <mark> (either is safe to show)."""
    return {
        "query": page.query,
        "lang": page.lang,
        "suggestions": [
            {
                "slug": found.slug,
                "title": found.title,
                "title_html": found.title_html,
                "marks": [list(mark) for mark in found.marks],
                "lang": found.language,
                "journey": found.journey,
                "url": url_for("site.article", slug=found.slug),
                "via": {"field": found.via.field, "text": found.via.text,
                        "marks": [list(mark) for mark in found.via.marks],
                        "html": found.via.html} if found.via else None,
            }
            for found in page.suggestions
        ],
    }
