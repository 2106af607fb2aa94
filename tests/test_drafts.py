"""Drafts: in content/ and in the editor, but neither shown nor searchable until published."""

from __future__ import annotations

import re

from app.content import load_content
from app.content.drafts import find_drafts, read_article
from tests.conftest import BROWSER, post, search_slugs, sign_in, write_article

DRAFT = {"slug": "pause-pronto-plus", "title": "Pause Pronto Plus for a month",
         "summary": "Take a break from Pronto Plus without losing your plan.",
         "journey": "before-you-buy", "tags": "pause, plus", "related": "", "review_by": "",
         "body": "1. Open **Account > Pronto Plus**.\n2. Tap **Pause for a month**.\n",
         "change_summary": "First version", "action": "draft"}


def _base_hash(client, slug: str) -> str:
    page = client.get(f"/editor/{slug}", headers=BROWSER).get_data(as_text=True)
    return re.search(r'name="base_hash" value="([0-9a-f]+)"', page).group(1)


def test_draft_is_hidden_until_published_then_unpublished(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    reader = app.test_client()
    response = post(editor, "/editor/new", DRAFT)
    assert response.status_code == 302 and "saved=draft" in response.location
    path = content / "before-you-buy" / "pause-pronto-plus.md"
    assert "draft: true" in path.read_text(encoding="utf-8")

    assert "pause-pronto-plus" not in search_slugs(reader, "pause+pronto+plus")
    assert reader.get("/articles/pause-pronto-plus", headers=BROWSER).status_code == 404
    assert reader.get("/api/v1/articles/pause-pronto-plus").status_code == 404
    assert "Pause Pronto Plus" not in reader.get("/journeys/before-you-buy",
                                                 headers=BROWSER).get_data(as_text=True)
    listing = editor.get("/editor/?only=drafts", headers=BROWSER).get_data(as_text=True)
    assert "Pause Pronto Plus for a month" in listing and "Draft" in listing
    page = editor.get("/editor/pause-pronto-plus?saved=draft",
                      headers=BROWSER).get_data(as_text=True)
    assert "readers can neither see nor find it" in page and ">Publish<" in page

    publish = {**DRAFT, "action": "publish", "base_hash": _base_hash(editor, "pause-pronto-plus"),
               "change_summary": "Ready"}
    assert post(editor, "/editor/pause-pronto-plus", publish).status_code == 302
    assert "draft:" not in path.read_text(encoding="utf-8")
    assert search_slugs(reader, "pause+pronto+plus")[0] == "pause-pronto-plus"
    assert reader.get("/articles/pause-pronto-plus", headers=BROWSER).status_code == 200

    unpublish = {**DRAFT, "base_hash": _base_hash(editor, "pause-pronto-plus"),
                 "change_summary": "Plan paused for now", "action": "unpublish"}
    assert post(editor, "/editor/pause-pronto-plus", unpublish).status_code == 302
    assert "pause-pronto-plus" not in search_slugs(reader, "pause+pronto+plus")
    assert reader.get("/articles/pause-pronto-plus", headers=BROWSER).status_code == 404
    history = editor.get("/editor/pause-pronto-plus/history",
                         headers=BROWSER).get_data(as_text=True)
    assert "First version" in history and "Ready" in history and "Plan paused" in history


def test_a_new_article_cannot_take_a_drafts_slug_or_an_editor_page(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    assert post(editor, "/editor/new", DRAFT).status_code == 302
    again = post(editor, "/editor/new", {**DRAFT, "title": "Another", "action": "publish"})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    reserved = post(editor, "/editor/new", {**DRAFT, "slug": "review"})
    assert reserved.status_code == 400
    assert "editor page" in reserved.get_data(as_text=True)
    assert not (content / "before-you-buy" / "review.md").exists()


def test_rebuilt_index_leaves_drafts_out_and_check_counts_them(editor_app):
    app, content = editor_app
    write_article(content, "before-you-buy", "secret-launch",
                  "title: Our secret launch\nsummary: Not announced yet.\ndraft: true\n",
                  "The launch is on Friday.\n")
    with app.app_context():
        report = app.extensions["helpcenter"].rebuild_index()
    loaded = load_content(content)
    assert report.indexed == len(loaded.articles) - 1 == len(loaded.published)
    assert "secret-launch" not in search_slugs(app.test_client(), "secret+launch")
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert "(1 drafts)" in result.output


def test_drafts_are_found_on_disk(make_content):
    write_article(make_content, "getting-started", "draft-one",
                  "title: Draft one\nsummary: Not yet.\ndraft: true\n")
    write_article(make_content, "getting-started", "published-one",
                  "title: Published one\nsummary: Live.\ndraft: false\n")
    journeys = {"getting-started", "troubleshooting"}
    assert [a.slug for a in find_drafts(make_content, journeys)] == ["draft-one"]
    assert read_article(make_content, journeys, "published-one").draft is False
    assert read_article(make_content, journeys, "missing") is None


def test_draft_must_be_true_or_false(make_content):
    write_article(make_content, "getting-started", "odd",
                  "title: Odd\nsummary: Odd.\ndraft: maybe\n")
    loaded = load_content(make_content)
    assert loaded.articles == []
    [problem] = loaded.errors
    assert "'draft' must be true or false" in problem.message and problem.line == 4


def test_links_from_published_articles_to_drafts_are_warned_about(make_content):
    write_article(make_content, "getting-started", "coming-soon",
                  "title: Coming soon\nsummary: Not yet.\ndraft: true\n")
    write_article(make_content, "getting-started", "live",
                  "title: Live\nsummary: Live.\nrelated: [coming-soon]\n",
                  "See [the new guide](/articles/coming-soon).\n")
    loaded = load_content(make_content)
    warnings = sorted((p.line, p.message) for p in loaded.warnings if "live.md" in p.path)
    assert [line for line, _ in warnings] == [4, 6]
    assert "'related' names the draft 'coming-soon'" in warnings[0][1]
    assert "link to the draft 'coming-soon'" in warnings[1][1]
    assert loaded.errors == [] and len(loaded.published) == 1


def test_restore_changes_the_text_not_whether_readers_see_it(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    assert post(editor, "/editor/new", DRAFT).status_code == 302  # revision 1: a draft
    publish = {**DRAFT, "action": "publish", "title": "Pause Pronto Plus",
               "base_hash": _base_hash(editor, "pause-pronto-plus")}
    assert post(editor, "/editor/pause-pronto-plus", publish).status_code == 302
    history = editor.get("/editor/pause-pronto-plus/history",
                         headers=BROWSER).get_data(as_text=True)
    first = min(int(i) for i in re.findall(r"<td>(\d+)</td>", history))
    restored = post(editor, f"/editor/pause-pronto-plus/restore/{first}", {})
    assert restored.status_code == 302
    text = (content / "before-you-buy" / "pause-pronto-plus.md").read_text(encoding="utf-8")
    assert "title: Pause Pronto Plus for a month" in text and "draft:" not in text
    assert app.test_client().get("/articles/pause-pronto-plus",
                                 headers=BROWSER).status_code == 200


def test_a_draft_moves_to_another_journey_and_stays_a_draft(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    assert post(editor, "/editor/new", DRAFT).status_code == 302
    moved = {**DRAFT, "journey": "orders-and-payments",
             "base_hash": _base_hash(editor, "pause-pronto-plus")}
    assert post(editor, "/editor/pause-pronto-plus", moved).status_code == 302
    assert not (content / "before-you-buy" / "pause-pronto-plus.md").exists()
    text = (content / "orders-and-payments" / "pause-pronto-plus.md").read_text(encoding="utf-8")
    assert "draft: true" in text
    assert editor.get("/editor/pause-pronto-plus", headers=BROWSER).status_code == 200


def test_a_file_the_editor_does_not_know_is_never_overwritten(editor_app):
    app, content = editor_app
    broken = write_article(content, "before-you-buy", "pause-pronto-plus",
                           "title: [unclosed\nsummary: Broken by hand.\n")
    before = broken.read_text(encoding="utf-8")
    editor, _ = sign_in(app, "editor@pronto.test")
    response = post(editor, "/editor/new", {**DRAFT, "journey": "orders-and-payments"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    assert broken.read_text(encoding="utf-8") == before
    assert not (content / "orders-and-payments" / "pause-pronto-plus.md").exists()
