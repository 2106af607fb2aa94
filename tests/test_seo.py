"""What search engines read: the sitemap, robots.txt, canonical and hreflang links, JSON-LD."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from app.content import load_content
from app.seo.structured_data import is_question
from tests.conftest import BROWSER, DEMO_CONTENT, write_article

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


class HeadParser(HTMLParser):
    """The <link> elements and the JSON-LD script texts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link":
            self.links.append(values)
        self._in_json_ld = tag == "script" and values.get("type") == "application/ld+json"
        if self._in_json_ld:
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def head(client, path: str) -> HeadParser:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    parser = HeadParser()
    parser.feed(response.get_data(as_text=True))
    return parser


def sitemap_urls(client) -> dict[str, ElementTree.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    return {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}


@pytest.fixture()
def site_with_draft(editor_app):
    """Demo content plus a draft and a published article whose title tries to end a script
    (written before the first request builds the app's own index)."""
    app, content = editor_app
    write_article(content, "troubleshooting", "secret-launch-plan",
                  "title: Secret launch plan\nsummary: Not ready.\ndraft: true\n"
                  "updated: 2026-11-01")
    write_article(content, "troubleshooting", "odd-title",
                  'title: "Why does </script><script>alert(1)</script> show?"\n'
                  "summary: A <b>tricky</b> & odd summary.\nupdated: 2026-10-05")
    return app


def test_sitemap_lists_every_published_version_with_its_date_and_no_draft(site_with_draft):
    client = site_with_draft.test_client()
    urls = sitemap_urls(client)
    published = [a for a in load_content(DEMO_CONTENT).articles if not a.draft]
    for article in published:
        entry = urls[f"http://localhost/articles/{article.slug}?lang={article.language}"]
        assert entry.findtext("s:lastmod", namespaces=NS) == article.updated.isoformat()
    assert "http://localhost/articles/odd-title?lang=en" in urls
    assert not [url for url in urls if "secret-launch-plan" in url]
    assert "secret-launch-plan" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert "http://localhost/?lang=en" in urls and "http://localhost/?lang=zh" in urls
    assert "http://localhost/journeys/account-and-security?lang=zh" in urls
    # Each version names the others: the English and Chinese "reset your password".
    links = {link.get("hreflang"): link.get("href") for link in
             urls["http://localhost/articles/reset-your-password?lang=en"].findall("x:link", NS)}
    assert links == {"en": "http://localhost/articles/reset-your-password?lang=en",
                     "zh": "http://localhost/articles/reset-your-password-zh?lang=zh",
                     "x-default": "http://localhost/articles/reset-your-password"}


def test_robots_keeps_staff_and_search_pages_out_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/editor", "/inbox", "/dashboard", "/login", "/search", "/api/"} <= disallowed
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert not {"/", "/articles/", "/journeys/"} & disallowed


def test_article_names_its_canonical_address_and_its_translations(client):
    english = head(client, "/articles/reset-your-password")
    canonical = [link["href"] for link in english.links if link.get("rel") == "canonical"]
    assert canonical == ["http://localhost/articles/reset-your-password?lang=en"]
    alternates = {link["hreflang"]: link["href"] for link in english.links
                  if link.get("rel") == "alternate"}
    assert alternates == {"en": "http://localhost/articles/reset-your-password?lang=en",
                          "zh": "http://localhost/articles/reset-your-password-zh?lang=zh",
                          "x-default": "http://localhost/articles/reset-your-password"}
    # The Chinese address serves the Chinese version even to an English reader (no redirect).
    chinese = client.get("/articles/reset-your-password-zh?lang=zh", headers=BROWSER)
    assert chinese.status_code == 200
    parser = head(client, "/articles/reset-your-password-zh?lang=zh")
    assert [link["href"] for link in parser.links if link.get("rel") == "canonical"] == [
        "http://localhost/articles/reset-your-password-zh?lang=zh"]


def test_json_ld_describes_the_article(client):
    parser = head(client, "/articles/reset-your-password")
    data = [json.loads(text) for text in parser.json_ld]
    assert [item["@type"] for item in data] == ["Article"]
    article = data[0]
    assert article["headline"] == "Reset a forgotten password"
    assert article["inLanguage"] == "en" and article["dateModified"]
    assert article["url"] == "http://localhost/articles/reset-your-password?lang=en"


def test_a_question_is_also_a_faq_page(client):
    parser = head(client, "/articles/refund-timelines")
    data = {item["@type"]: item for item in map(json.loads, parser.json_ld)}
    assert set(data) == {"Article", "FAQPage"}
    question = data["FAQPage"]["mainEntity"][0]
    assert question["name"] == "How long do refunds take?"
    assert question["acceptedAnswer"]["text"]


@pytest.mark.parametrize(("title", "lang", "question"), [
    ("How long do refunds take?", "en", True), ("Reset a forgotten password", "en", False),
    ("退款多久到账", "zh", True), ("忘记密码怎么办", "zh", True), ("开启两步验证", "zh", False),
    ("Pronto Plus 会员是什么", "zh", True),
])
def test_question_rule(title, lang, question):
    article = next(iter(load_content(DEMO_CONTENT).articles))
    from dataclasses import replace

    assert is_question(replace(article, title=title, lang=lang)) is question


def test_json_ld_cannot_end_its_script_element(site_with_draft):
    client = site_with_draft.test_client()
    html = client.get("/articles/odd-title", headers=BROWSER).get_data(as_text=True)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 2  # an Article and, the title being a question, a FAQPage
    for text in scripts:
        assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(scripts[0])
    assert data["headline"] == "Why does </script><script>alert(1)</script> show?"
    assert data["description"] == "A <b>tricky</b> & odd summary."
    assert "<script>alert(1)" not in html


def test_public_url_setting_makes_the_absolute_links(make_app):
    app = make_app(KB_PUBLIC_URL="https://help.example.com/")
    client = app.test_client()
    assert "Sitemap: https://help.example.com/sitemap.xml" in client.get(
        "/robots.txt").get_data(as_text=True)
    urls = sitemap_urls(client)
    assert all(urlsplit(url).netloc == "help.example.com" for url in urls)
    parser = head(client, "/articles/reset-your-password")
    assert {link["href"] for link in parser.links if link.get("rel") == "canonical"} == {
        "https://help.example.com/articles/reset-your-password?lang=en"}


def test_bad_public_url_stops_the_start(tmp_path):
    from app.config import load_config

    with pytest.raises(RuntimeError, match="KB_PUBLIC_URL"):
        load_config({"KB_PUBLIC_URL": "help.example.com"}, tmp_path)
