"""Absolute URLs for what leaves the page: the sitemap, canonical links, links in mails."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

from app.content import Article


def external_url(endpoint: str, **values) -> str:
    """An absolute URL: ``KB_PUBLIC_URL`` when set (behind a proxy), else the request's own.
    Outside a request it needs ``KB_PUBLIC_URL`` (or Flask's ``SERVER_NAME``)."""
    public = current_app.config.get("KB_PUBLIC_URL")
    if not public:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    return public + path[len(root):]


def can_make_external_urls() -> bool:
    return has_request_context() or bool(current_app.config.get("KB_PUBLIC_URL")
                                         or current_app.config.get("SERVER_NAME"))


def article_url(article: Article) -> str:
    """The canonical address of one language version: ``?lang=`` keeps a reader of another
    language from being redirected, so every version has one stable URL."""
    return external_url("site.article", slug=article.slug, lang=article.language)
