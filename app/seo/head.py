"""The head of an article page for search engines: canonical link, hreflang alternates, JSON-LD."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from markupsafe import Markup

from app import helpcenter
from app.content import Article
from app.public_urls import article_url, external_url
from app.seo.structured_data import article_data, json_ld

X_DEFAULT = "x-default"


def article_alternates(article: Article) -> dict[str, str]:
    """hreflang -> URL for every version, plus x-default: the default language's version at
    its plain address, which picks the reader's language."""
    center = helpcenter()
    versions = center.catalog.translations(article)
    alternates = {version.lang: article_url(version)
                  for _, version in sorted(versions.items())}
    default = versions.get(current_app.config["KB_DEFAULT_LANGUAGE"], article)
    alternates[X_DEFAULT] = external_url("site.article", slug=default.slug)
    return alternates


def article_head(article: Article) -> dict:
    """Template values for the <head> of an article page."""
    canonical = article_url(article)
    structured = _structured(article, canonical, current_app.config["KB_SITE_NAME"],
                             external_url("site.home"))
    return {"canonical": canonical, "alternates": article_alternates(article),
            "json_ld": list(structured)}


@lru_cache(maxsize=1024)
def _structured(article: Article, url: str, site_name: str, site_url: str
                ) -> tuple[Markup, ...]:
    """The JSON-LD of an article page, memoised: a question's answer is its whole body as
    plain text, rendered from Markdown, which need not be redone on every view."""
    data = article_data(article, url=url, site_name=site_name, site_url=site_url)
    return tuple(json_ld(item) for item in data)
