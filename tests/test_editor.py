"""The guide editor: roles, the round trip to content/ and the index, history, conflicts."""

from __future__ import annotations

import re

import pytest

from tests.conftest import BROWSER, csrf_token, post, search_slugs, sign_in

NEW = {"slug": "pause-pronto-plus", "title": "Pause Pronto Plus for a month",
       "summary": "Take a break from Pronto Plus without losing your plan.",
       "journey": "before-you-buy", "tags": "pause, plus, subscription",
       "related": "cancel-pronto-plus", "review_by": "2099-01-01",
       "body": "1. Open **Account > Pronto Plus**.\n2. Tap **Pause for a month**.\n",
       "change_summary": "First version", "action": "save"}


@pytest.mark.parametrize(("email", "status"), [
    (None, 302), ("agent@pronto.test", 403), ("manager@pronto.test", 403),
    ("editor@pronto.test", 200), ("admin@pronto.test", 200),
])
def test_editor_role_checks(editor_app, email, status):
    app, _ = editor_app
    client = sign_in(app, email)[0] if email else app.test_client()
    for path in ("/editor/", "/editor/new", "/editor/cancel-a-booking",
                 "/editor/cancel-a-booking/history"):
        assert client.get(path, headers=BROWSER).status_code == status, path
    if status != 200:
        token = csrf_token(client, "/login")
        for path in ("/editor/preview", "/editor/media", "/editor/review/1/done"):
            response = client.post(path, data={"csrf_token": token, "body": "x"},
                                   headers=BROWSER)
            assert response.status_code == status, path
        response = client.post("/editor/new", data=NEW, headers=BROWSER)
        assert response.status_code in {302, 400, 403}
        assert "pause-pronto-plus" not in search_slugs(app.test_client(), "pause")


def test_round_trip_create_search_edit_history_restore(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    assert search_slugs(client, "pause+plus") == [] or "pause-pronto-plus" not in \
        search_slugs(client, "pause+plus")
    response = post(client, "/editor/new", NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    path = content / "before-you-buy" / "pause-pronto-plus.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Pause Pronto Plus for a month\n")
    assert "review_by: 2099-01-01" in text and "related:\n- cancel-pronto-plus" in text
    assert search_slugs(client, "pause+plus")[0] == "pause-pronto-plus"  # on the next query

    page = client.get("/editor/pause-pronto-plus", headers=BROWSER).get_data(as_text=True)
    base_hash = re.search(r'name="base_hash" value="([0-9a-f]+)"', page).group(1)
    lang = re.search(r'name="lang">.*?<option value="(\w+)" selected>', page).group(1)
    edited = {**NEW, "title": "Pause your Pronto Plus plan", "base_hash": base_hash,
              "change_summary": "Clearer title", "lang": lang}
    assert post(client, "/editor/pause-pronto-plus", edited).status_code == 302
    assert "title: Pause your Pronto Plus plan" in path.read_text(encoding="utf-8")
    assert lang == "en" and "lang: en" in path.read_text(encoding="utf-8")  # carried over
    assert client.get("/api/v1/articles/pause-pronto-plus").get_json()["title"] == \
        "Pause your Pronto Plus plan"

    history = client.get("/editor/pause-pronto-plus/history",
                         headers=BROWSER).get_data(as_text=True)
    assert "Clearer title" in history and "First version" in history
    assert history.count("editor@pronto.test") == 2
    ids = [int(i) for i in re.findall(r"<td>(\d+)</td>", history)]
    diff = client.get(f"/editor/pause-pronto-plus/diff?a={ids[1]}&b={ids[0]}",
                      headers=BROWSER).get_data(as_text=True)
    assert "-title: Pause Pronto Plus for a month" in diff
    assert "+title: Pause your Pronto Plus plan" in diff

    response = client.post(f"/editor/pause-pronto-plus/restore/{ids[1]}",
                           data={"csrf_token": csrf_token(client, "/editor/new")},
                           headers=BROWSER)
    assert response.status_code == 302
    assert "title: Pause Pronto Plus for a month" in path.read_text(encoding="utf-8")
    history = client.get("/editor/pause-pronto-plus/history",
                         headers=BROWSER).get_data(as_text=True)
    assert f"Restored revision {ids[1]}" in history


def test_invalid_article_is_refused_and_nothing_written(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    response = post(client, "/editor/new", {**NEW, "title": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html
    title_field = html[html.index('for="title"'):html.index('id="title"')]
    assert "missing required field &#39;title&#39;" in title_field
    unknown = post(client, "/editor/new", {**NEW, "related": "no-such-article"})
    assert unknown.status_code == 400
    assert "unknown article &#39;no-such-article&#39;" in unknown.get_data(as_text=True)
    assert not (content / "before-you-buy" / "pause-pronto-plus.md").exists()
    bad_slug = post(client, "/editor/new", {**NEW, "slug": "Bad Slug!"})
    assert bad_slug.status_code == 400 and "lowercase letters" in bad_slug.get_data(as_text=True)
    taken = post(client, "/editor/new", {**NEW, "slug": "cancel-a-booking"})
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)


def test_concurrent_edit_is_detected_not_overwritten(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    page = client.get("/editor/cancel-a-booking", headers=BROWSER).get_data(as_text=True)
    base_hash = re.search(r'name="base_hash" value="([0-9a-f]+)"', page).group(1)
    path = content / "orders-and-payments" / "cancel-a-booking.md"
    theirs = path.read_text(encoding="utf-8").replace("\n---\n", "\n---\nThey edited this.\n", 1)
    path.write_text(theirs, encoding="utf-8")
    response = post(client, "/editor/cancel-a-booking", {
        **NEW, "slug": "cancel-a-booking", "journey": "orders-and-payments",
        "title": "My title", "base_hash": base_hash, "related": ""})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone saved this article after you opened it" in html
    assert "-They edited this." in html and "+title: My title" in html
    assert path.read_text(encoding="utf-8") == theirs


def test_preview_renders_safely_without_saving(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    response = post(client, "/editor/new", {**NEW, "action": "preview",
                                            "body": "**Bold** <script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert "<strong>Bold</strong>" in html and "<script>alert(1)" not in html
    assert not (content / "before-you-buy" / "pause-pronto-plus.md").exists()


def test_editor_sees_why_readers_said_no(editor_app):
    app, _ = editor_app
    app.test_client().post("/api/v1/articles/cancel-a-booking/votes", headers=BROWSER,
                           json={"helpful": False, "reason": "out-of-date",
                                 "comment": "The Cancel button moved"})
    client, _ = sign_in(app, "editor@pronto.test")
    html = client.get("/editor/cancel-a-booking", headers=BROWSER).get_data(as_text=True)
    assert "Readers who said it didn" in html
    assert "out of date" in html and "The Cancel button moved" in html


def test_editor_list_filters(editor_app):
    app, _ = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    stale = client.get("/editor/?only=stale", headers=BROWSER).get_data(as_text=True)
    assert "Stale" in stale and "Is Pronto available in my area?" in stale
    assert "Pronto for Business accounts" in stale
    assert "Cancel a booking" not in stale
    journey = client.get("/editor/?journey=troubleshooting", headers=BROWSER).get_data(
        as_text=True)
    assert "The app won" in journey and "Cancel a booking" not in journey
