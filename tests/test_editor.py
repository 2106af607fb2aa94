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


def _chinese_editor(app):
    """An editor's client whose interface language is Chinese (chosen once, then remembered)."""
    client, _ = sign_in(app, "editor@pronto.test")
    assert "帮助文章" in client.get("/editor/?lang=zh", headers=BROWSER).get_data(as_text=True)
    return client


def _zh_date(moment) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def test_the_editor_speaks_chinese(editor_app):
    from app.events.models import utcnow

    app, _ = editor_app
    app.test_client().post("/api/v1/articles/cancel-a-booking/votes", headers=BROWSER,
                           json={"helpful": False, "reason": "out-of-date",
                                 "comment": "The Cancel button moved"})
    client = _chinese_editor(app)
    listing = client.get("/editor/", headers=BROWSER).get_data(as_text=True)
    for chinese in ("审核队列", "新建文章", "需关注", "待复审", "解决率（30 天）", "有帮助率",
                    "已发布", "次浏览", "新手入门"):  # the last one: a journey's own zh title
        assert chinese in listing, chinese
    for english in (">Review queue<", ">New article<", ">Flagged<", ">Stale<", ">Drafts<",
                    "Resolution (30 days)", ">Published<", " views)", ">Getting started<"):
        assert english not in listing, english

    page = client.get("/editor/cancel-a-booking", headers=BROWSER).get_data(as_text=True)
    for chinese in ("编辑：Cancel a booking", "反馈“没帮助”的读者", "内容已过时", "标题",
                    "摘要（一句话，显示在搜索结果中）", "取消发布", "保存并发布",
                    "添加图片", "从现在起重新计数", _zh_date(utcnow()),
                    'data-msg-uploading="正在上传…"', 'data-msg-too-large="图片太大了。"',
                    'data-msg-preview-live="（输入时自动更新）"'):
        assert chinese in page, chinese
    for english in ("Edit: ", "Readers who said it didn", ">Title<", "Save and publish",
                    "Add an image", "Reset the counters from now", ">Upload<", ">Preview<"):
        assert english not in page, english


def test_chinese_validation_errors_come_from_python(editor_app):
    app, content = editor_app
    client = _chinese_editor(app)
    response = post(client, "/editor/new", {**NEW, "title": "", "review_by": "31/12/2099"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "未保存：请修改下面标出的字段。" in html
    assert "缺少必填字段“title”" in html  # the loader's message, recognised
    assert "“review_by”必须是 YYYY-MM-DD 格式的日期" in html  # fields.py
    assert "Nothing was saved" not in html and "missing required field" not in html
    taken = post(client, "/editor/new", {**NEW, "slug": "cancel-a-booking"})
    assert "已有文章使用“cancel-a-booking”。" in taken.get_data(as_text=True)
    unknown = post(client, "/editor/new", {**NEW, "related": "no-such-article"})
    assert "“相关文章”中的“no-such-article”不存在" in unknown.get_data(as_text=True)
    assert not (content / "before-you-buy" / "pause-pronto-plus.md").exists()


def test_chinese_history_diff_and_notices(editor_app):
    from app.events.models import utcnow

    app, _ = editor_app
    client = _chinese_editor(app)
    assert post(client, "/editor/new", {**NEW, "change_summary": ""}).status_code == 302
    saved = client.get("/editor/pause-pronto-plus?saved=published",
                       headers=BROWSER).get_data(as_text=True)
    assert "已保存，搜索结果已同步更新。" in saved and "修改历史" in saved
    page = client.get("/editor/pause-pronto-plus", headers=BROWSER).get_data(as_text=True)
    base_hash = re.search(r'name="base_hash" value="([0-9a-f]+)"', page).group(1)
    assert post(client, "/editor/pause-pronto-plus", {
        **NEW, "title": "Pause your plan", "base_hash": base_hash}).status_code == 302
    history = client.get("/editor/pause-pronto-plus/history",
                         headers=BROWSER).get_data(as_text=True)
    for chinese in ("“Pause your plan”的修改历史", "版本", "修改人", "与上一版本对比",
                    "恢复此版本", "未填写修改说明", _zh_date(utcnow())):
        assert chinese in history, chinese
    assert "No summary" not in history and "Diff with previous" not in history
    ids = [int(i) for i in re.findall(r"<td>(\d+)</td>", history)]
    diff = client.get(f"/editor/pause-pronto-plus/diff?a={ids[1]}&b={ids[0]}",
                      headers=BROWSER).get_data(as_text=True)
    assert f"版本 {ids[1]} 到版本 {ids[0]} 的改动" in diff and "Changes from" not in diff
    client.post(f"/editor/pause-pronto-plus/restore/{ids[1]}",
                data={"csrf_token": csrf_token(client, "/editor/new")}, headers=BROWSER)
    history = client.get("/editor/pause-pronto-plus/history",
                         headers=BROWSER).get_data(as_text=True)
    assert f"恢复了版本 {ids[1]}" in history
    english = client.get("/editor/pause-pronto-plus/history?lang=en",
                         headers=BROWSER).get_data(as_text=True)
    assert f"Restored revision {ids[1]}" in english and "No summary" in english
    assert re.search(r"History of “Pause [^”]+”", english) and "Diff with previous" in english
    assert "History of pause-pronto-plus" not in english  # the title, not the slug


def test_chinese_review_queue(editor_app):
    from app.events.models import utcnow
    from tests.test_inbox import ticket_with_cause

    app, _ = editor_app
    ticket_with_cause(app, "missing-step")
    client = _chinese_editor(app)
    queue = client.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    for chinese in ("审核队列", "排在最前的是客服标记为工单起因的文章", "客服反馈：缺少步骤",
                    "已过复审日期 2026年9月30日", "— 工单 HC-", "处理说明（选填）", "标记为已处理",
                    "本文数据", _zh_date(utcnow())):
        assert chinese in queue, chinese
    for english in ("Agent:", "Review date", "Mark as done", "Figures of this article",
                    "A step is missing", "What was done"):
        assert english not in queue, english
    english = client.get("/editor/review?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "Agent: A step is missing" in english
    assert "Review date Sep 30, 2026 has passed" in english
    assert "<strong>A step is missing</strong>" in english and "Mark as done" in english


def test_chinese_upload_and_preview_messages(editor_app):
    from tests.test_media import png_bytes, upload

    app, _ = editor_app
    client = _chinese_editor(app)
    refused = upload(client, png_bytes(), "photo.jpg")
    assert refused.status_code == 400
    answer = refused.get_json()
    assert "named .jpg" in answer["error"]  # the JSON's error stays English
    assert answer["message"] == "该文件是 PNG 图片，扩展名却是 .jpg，请重命名后再试。"
    app.config["KB_MAX_IMAGE_BYTES"] = 100
    big = upload(client, png_bytes(40, 40), "big.png", json=False)
    html = big.get_data(as_text=True)
    assert big.status_code == 400 and "上限为 100 字节。" in html and "上传图片" in html
    assert "the limit is" not in html and "Back button" not in html
    token = csrf_token(client, "/editor/new")
    long = client.post("/editor/preview", data={"csrf_token": token, "body": "x" * 200_001},
                       headers={**BROWSER, "Accept": "application/json"}).get_json()
    assert long == {"error": "The article is longer than 200000 characters.",
                    "message": "文章超过 200000 个字符。"}


def test_english_editor_is_unchanged(editor_app):
    app, _ = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    listing = client.get("/editor/", headers=BROWSER).get_data(as_text=True)
    assert ">Review queue<" in listing and ">Getting started<" in listing and " views)" in listing
    page = client.get("/editor/cancel-a-booking", headers=BROWSER).get_data(as_text=True)
    for english in ("Edit: Cancel a booking", ">Save and publish<",
                    ">Unpublish<", "Add an image",
                    'data-msg-uploading="Uploading…"', "Reset the counters from now"):
        assert english in page, english
    assert "编辑" not in page and "帮助文章" not in page
