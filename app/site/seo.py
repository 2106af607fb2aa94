"""What search engines read: /sitemap.xml, /robots.txt and the head of an article page
(canonical link, hreflang alternates, JSON-LD). Only published articles exist in the index,
so drafts never appear."""

from __future__ import annotations

from flask import Response, current_app

from app import helpcenter
from app.content import Article
from app.public_urls import article_url, external_url
from app.seo.sitemap import SitemapEntry, robots_txt, sitemap_xml
from app.seo.structured_data import article_data, json_ld
from app.site import site

# Staff pages, private pages, forms and search results: nothing there for a search engine.
DISALLOWED = ["/editor", "/inbox", "/dashboard", "/login", "/logout", "/search", "/api/",
              "/tickets/", "/self-service/", "/contact", "/articles/*/feedback"]
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
    data = article_data(article, url=canonical, site_name=current_app.config["KB_SITE_NAME"],
                        site_url=external_url("site.home"))
    return {"canonical": canonical, "alternates": article_alternates(article),
            "json_ld": [json_ld(item) for item in data]}


@site.get("/sitemap.xml")
def sitemap() -> Response:
    center = helpcenter()
    articles = center.catalog.all()
    languages = current_app.config["KB_LANGUAGES"]
    entries = _page_entries("site.home", {}, languages,
                            max((a.updated for a in articles if a.updated), default=None))
    counts = center.catalog.counts()
    for journey in center.journeys():
        if counts.get(journey.slug):
            dates = [a.updated for a in articles if a.journey == journey.slug and a.updated]
            entries += _page_entries("site.journey", {"slug": journey.slug}, languages,
                                     max(dates, default=None))
    for article in sorted(articles, key=lambda a: (a.translation_group, a.language)):
        entries.append(SitemapEntry(article_url(article), article.updated,
                                    article_alternates(article)))
    return Response(sitemap_xml(entries), mimetype="application/xml")


def _page_entries(endpoint: str, values: dict, languages: list[str], lastmod
                  ) -> list[SitemapEntry]:
    """A page in each interface language, each naming the others (and the plain address,
    which picks the reader's language, as x-default)."""
    alternates = {code: external_url(endpoint, lang=code, **values) for code in languages}
    alternates[X_DEFAULT] = external_url(endpoint, **values)
    return [SitemapEntry(alternates[code], lastmod, alternates) for code in languages]


@site.get("/robots.txt")
def robots() -> Response:
    return Response(robots_txt(DISALLOWED, external_url("site.sitemap")), mimetype="text/plain")
