"""The public pages through the Flask test client, as an end user meets them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.events.models import Event
from app.extensions import db
from tests.conftest import BROWSER


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def test_home_shows_search_and_journeys_with_article_counts(client, helpcenter):
    html = page(client, "/")
    assert 'role="search"' in html and 'name="q"' in html
    counts = helpcenter.catalog.counts("en")  # an English reader: one version per article
    for journey in helpcenter.journeys():
        assert journey.title in html
        assert f"{counts[journey.slug]} articles" in html
    assert "Recently updated" in html


def test_search_page_lists_highlighted_results(client):
    html = page(client, "/search?q=charged+twice")
    assert "I was charged twice" in html or "charged twice" in html.lower()
    assert "<mark>" in html
    assert 'href="/articles/charged-twice?s=' in html


def test_search_with_no_results_offers_the_contact_route(client):
    html = page(client, "/search?q=xylophone+zeppelin")
    assert "No articles match" in html
    assert 'class="contact-box prominent"' in html
    assert "/contact?q=xylophone+zeppelin" in html


def test_search_journey_filter_and_unknown_journey(client):
    html = page(client, "/search?q=cancel&journey=before-you-buy")
    assert "in Before you buy" in html or "before-you-buy" in html
    html = page(client, "/search?q=cancel&journey=nope")
    assert "There is no topic called" in html


def test_search_shows_did_you_mean(client):
    html = page(client, "/search?q=pasword+resset")
    assert "password reset" in html


@pytest.mark.parametrize("query", ["title:", "*", "AND OR", '"oops', "😀", "../../etc/passwd"])
def test_awkward_queries_get_a_page_not_a_500(client, query):
    response = client.get("/search", query_string={"q": query}, headers=BROWSER)
    assert response.status_code == 200


def test_overlong_query_gets_a_clear_error(client):
    response = client.get("/search", query_string={"q": "x" * 10_000}, headers=BROWSER)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "10000 characters" in html
    assert "x" * 1000 not in html


def test_empty_query_shows_the_form(client):
    html = page(client, "/search?q=")
    assert "Describe your problem" in html


def test_journey_page_lists_its_articles(client, helpcenter):
    html = page(client, "/journeys/refunds-and-after-sales")
    articles = helpcenter.catalog.in_journey("refunds-and-after-sales", "en")
    assert articles and all(article.language == "en" for article in articles)
    for article in articles:
        assert f'href="/articles/{article.slug}"' in html
    page(client, "/journeys/does-not-exist", status=404)


def test_article_page_renders_markdown_safely_with_breadcrumbs(client, helpcenter):
    article = next(a for a in helpcenter.catalog.all() if "/media/" in a.body and a.related)
    html = page(client, f"/articles/{article.slug}")
    assert f"<h1>{article.title}</h1>" in html.replace("&#39;", "'")
    assert 'aria-label="Breadcrumb"' in html
    assert "<ol>" in html and 'src="/media/' in html
    assert "Related articles" in html
    assert "Updated on" in html
    assert "Still need help?" in html


def test_urgent_article_offers_a_human_first(client, helpcenter):
    urgent = next(a for a in helpcenter.catalog.all() if a.urgent)
    html = page(client, f"/articles/{urgent.slug}")
    assert html.index("Need a person right now?") < html.index('class="article-body"')


def test_stale_article_shows_a_banner(client, helpcenter):
    from datetime import date

    stale = next(a for a in helpcenter.catalog.all() if a.is_stale(date.today()))
    fresh = next(a for a in helpcenter.catalog.all() if not a.is_stale(date.today()))
    assert "due for a review" in page(client, f"/articles/{stale.slug}")
    assert "due for a review" not in page(client, f"/articles/{fresh.slug}")


def test_article_html_is_sanitized(client, content_dir, helpcenter):
    from tests.conftest import write_article

    path = write_article(content_dir, "troubleshooting", "xss-attempt",
                         "title: XSS\nsummary: Test.",
                         body='<script>alert(1)</script>\n\n[x](javascript:alert(2))\n'
                              '<img src=x onerror="alert(3)">\n')
    try:
        helpcenter.update_index()
        html = page(client, "/articles/xss-attempt")
        assert "<script>alert" not in html
        assert "javascript:" not in html and "onerror" not in html
    finally:
        path.unlink()
        helpcenter.update_index()


def test_unknown_and_hostile_slugs_are_404(client):
    for path in ["/articles/nope", "/articles/..%2F..%2Fetc%2Fpasswd", "/articles/../../etc",
                 "/media/../../etc/passwd", "/media/..%2F..%2Fjourneys.yml"]:
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404, path
        assert "Traceback" not in response.get_data(as_text=True)


def test_media_files_are_served(client):
    with client.get("/media/forgot-password-screen.svg") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data


def _views(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Event.id)).where(Event.article_slug == slug)
        )


def test_article_views_are_recorded_but_bots_are_not(app, client):
    before = _views(app, "cancel-a-booking")
    page(client, "/articles/cancel-a-booking")
    client.get("/articles/cancel-a-booking", headers={"User-Agent": "Googlebot/2.1"})
    client.get("/articles/cancel-a-booking", headers={"User-Agent": ""})
    assert _views(app, "cancel-a-booking") == before + 1


def test_most_viewed_articles_appear_on_the_home_page(make_app):
    app = make_app()
    for _ in range(3):  # three people, each with their own help session
        page(app.test_client(), "/articles/track-your-delivery")
    page(app.test_client(), "/articles/cancel-an-order")
    html = page(app.test_client(), "/")
    assert "Most viewed" in html
    popular = html[html.index("Most viewed"):html.index("Recently updated")]
    first, second = "/articles/track-your-delivery", "/articles/cancel-an-order"
    assert popular.index(first) < popular.index(second)


def test_security_headers(client):
    response = client.get("/", headers=BROWSER)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_need_no_external_resources(client):
    html = page(client, "/")
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_contact_page_is_prefilled_with_what_the_user_read(client):
    html = page(client, "/contact?article=charged-twice")
    assert "I was charged twice" in html or "charged-twice" in html


def test_site_rebuilds_a_deleted_index_before_serving(client, helpcenter):
    import shutil

    shutil.rmtree(helpcenter.store.root)
    html = page(client, "/")
    assert "Browse by topic" in html
    assert f"{helpcenter.catalog.counts('en')['troubleshooting']} articles" in html


def test_site_rebuilds_a_corrupt_index_on_start(app, tmp_path, content_dir, database_url):
    from app import create_app

    index_dir = tmp_path / "index"
    first = create_app({"KB_CONTENT_DIR": str(content_dir), "KB_INDEX_DIR": str(index_dir),
                        "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    first.extensions["helpcenter"].rebuild_index()
    store = first.extensions["helpcenter"].store
    for path in store.path_of(store.current_generation()).glob("*.toc"):
        path.write_bytes(b"\x00garbage")
    second = create_app({"KB_CONTENT_DIR": str(content_dir), "KB_INDEX_DIR": str(index_dir),
                         "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    response = second.test_client().get("/search?q=refund", headers=BROWSER)
    assert response.status_code == 200
    assert "refund" in response.get_data(as_text=True).lower()
    for each in (first, second):
        with each.app_context():
            db.engine.dispose()
