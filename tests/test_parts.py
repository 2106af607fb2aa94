"""Rendered page parts: rendered once per set of inputs, and never stale for a reader."""

from __future__ import annotations

from tests.conftest import BROWSER, write_article


def test_an_edited_article_and_its_related_links_show_the_new_text_at_once(
        client, content_dir, helpcenter):
    linked = write_article(content_dir, "troubleshooting", "parts-linked",
                           "title: Old linked title\nsummary: Linked.")
    path = write_article(content_dir, "troubleshooting", "parts-edited",
                         "title: Old title\nsummary: First.\nrelated: [parts-linked]",
                         body="The first wording.\n")
    try:
        helpcenter.update_index()
        before = client.get("/articles/parts-edited", headers=BROWSER).get_data(as_text=True)
        assert "The first wording." in before and "Old linked title" in before
        write_article(content_dir, "troubleshooting", "parts-edited",
                      "title: New title\nsummary: Second.\nrelated: [parts-linked]",
                      body="The second wording.\n")
        write_article(content_dir, "troubleshooting", "parts-linked",
                      "title: New linked title\nsummary: Linked.")
        helpcenter.update_index()
        after = client.get("/articles/parts-edited", headers=BROWSER).get_data(as_text=True)
        assert "The second wording." in after and "New title" in after
        assert "New linked title" in after
        assert "The first wording." not in after and "Old linked title" not in after
    finally:
        path.unlink()
        linked.unlink()
        helpcenter.update_index()


def test_each_language_gets_its_own_page_around_the_same_article(client):
    english = client.get("/articles/payment-declined?lang=en", headers=BROWSER)
    chinese = client.get("/articles/payment-declined?lang=zh", headers=BROWSER)
    assert "Related articles" in english.get_data(as_text=True)
    html = chinese.get_data(as_text=True)
    assert "相关文章" in html and "帮助中心" in html and "Related articles" not in html


def test_two_files_with_the_same_text_each_link_to_their_own_article(
        client, content_dir, helpcenter):
    front = "title: Same words\nsummary: Same.\nurgent: true"
    paths = [write_article(content_dir, "troubleshooting", slug, front,
                           body="Identical bytes.\n") for slug in ("parts-copy-a", "parts-copy-b")]
    try:
        helpcenter.update_index()
        for slug in ("parts-copy-a", "parts-copy-b"):
            html = client.get(f"/articles/{slug}", headers=BROWSER).get_data(as_text=True)
            assert f"article={slug}" in html
    finally:
        for path in paths:
            path.unlink()
        helpcenter.update_index()
