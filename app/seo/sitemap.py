"""The sitemap protocol (sitemaps.org 0.9) with hreflang alternates, as XML text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from xml.etree import ElementTree

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: date | None = None
    # hreflang ("en", "zh-CN", "x-default") -> absolute URL of that language's version
    alternates: dict[str, str] = field(default_factory=dict)


def sitemap_xml(entries: list[SitemapEntry]) -> str:
    """``<urlset>`` with one ``<url>`` per entry; URLs are escaped by the XML writer."""
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    urlset = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = ElementTree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.url
        if entry.lastmod:
            ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = \
                entry.lastmod.isoformat()
        for hreflang, href in entry.alternates.items():
            ElementTree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate",
                                   hreflang=hreflang, href=href)
    body = ElementTree.tostring(urlset, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def robots_txt(disallowed: list[str], sitemap_url: str) -> str:
    """Every crawler may read the site except the listed path prefixes."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), "",
             f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)
