"""What search engines read: /sitemap.xml and /robots.txt. Only published articles exist in
the index, so drafts never appear."""

from __future__ import annotations

from flask import Response, current_app

from app import helpcenter
from app.public_urls import article_url, external_url
from app.seo.head import X_DEFAULT, article_alternates
from app.seo.sitemap import SitemapEntry, robots_txt, sitemap_xml
from app.site import site

# Staff pages, private pages, forms and search results: nothing there for a search engine.
DISALLOWED = ["/editor", "/inbox", "/dashboard", "/login", "/logout", "/search", "/api/",
              "/tickets/", "/self-service/", "/contact", "/articles/*/feedback"]
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
