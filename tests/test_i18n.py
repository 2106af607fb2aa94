"""Two languages: the interface language chosen per request, translations of articles, fallback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import csrf_token, write_article

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}


@pytest.fixture()
def bilingual_app(make_app, tmp_path):
    content = tmp_path / "bilingual"
    content.mkdir()
    (content / "journeys.yml").write_text(
        "- slug: account-and-security\n"
        "  title: Account and security\n"
        "  description: Your login and privacy.\n"
        "  translations:\n"
        "    zh: {title: 账户与安全, description: 登录、隐私和账户保护。}\n",
        encoding="utf-8",
    )
    (content / "_media").mkdir()
    write_article(content, "account-and-security", "reset-your-password",
                  "title: Reset a forgotten password\nsummary: Get a reset link by email.\n"
                  "tags: [password]\nupdated: 2026-10-14",
                  "Tap **Forgot password?** on the sign-in screen.\n")
    write_article(content, "account-and-security", "reset-your-password-zh",
                  "title: 忘记密码怎么办\nsummary: 用注册邮箱收取重置链接，两分钟内设置新密码。\n"
                  "tags: [忘记密码, 找回密码]\nlang: zh\ntranslation_key: reset-your-password\n"
                  "updated: 2026-10-14",
                  "在登录页点击“忘记密码？”，输入注册邮箱，打开邮件里的重置链接，设置新密码。\n")
    write_article(content, "account-and-security", "delete-your-account",
                  "title: Delete your account\nsummary: Close your account and erase your data.",
                  "Open Settings, then Privacy, then Delete account.\n")
    write_article(content, "account-and-security", "real-name-verification-zh",
                  "title: 实名认证\nsummary: 按要求完成实名认证，解锁提现功能。\nlang: zh",
                  "在“我的”页面点击“实名认证”，上传身份证照片并完成人脸识别。\n")
    app = make_app(KB_CONTENT_DIR=str(content), KB_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        app.extensions["helpcenter"].rebuild_index()
    return app


def test_the_browser_language_chooses_the_interface(bilingual_app):
    client = bilingual_app.test_client()
    chinese = client.get("/", headers=ZH).get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese
    assert "有什么可以帮你？" in chinese
    assert "账户与安全" in chinese  # journey titles per language
    english = bilingual_app.test_client().get(
        "/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert "How can we help?" in english
    assert "Account and security" in english


def test_an_unknown_browser_language_gets_the_default(bilingual_app):
    page = bilingual_app.test_client().get("/", headers={"Accept-Language": "fr-FR"})
    assert "How can we help?" in page.get_data(as_text=True)


def test_a_chosen_language_is_remembered_over_the_browser_language(bilingual_app):
    client = bilingual_app.test_client()
    first = client.get("/?lang=zh", headers={"Accept-Language": "en"})
    assert "有什么可以帮你？" in first.get_data(as_text=True)
    assert "hc_lang=zh" in first.headers.get("Set-Cookie", "")
    again = client.get("/", headers={"Accept-Language": "en"})
    assert "有什么可以帮你？" in again.get_data(as_text=True)
    back = client.get("/?lang=en")
    assert "How can we help?" in back.get_data(as_text=True)


def test_an_unsupported_lang_parameter_is_ignored(bilingual_app):
    page = bilingual_app.test_client().get("/?lang=xx", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "How can we help?" in page.get_data(as_text=True)
    assert "hc_lang" not in page.headers.get("Set-Cookie", "")


def test_every_page_links_to_itself_in_the_other_language(bilingual_app):
    html = bilingual_app.test_client().get("/search?q=password",
                                           headers=ZH).get_data(as_text=True)
    assert 'href="/search?q=password&amp;lang=en"' in html


def test_a_chinese_reader_following_an_english_link_gets_the_chinese_version(bilingual_app):
    response = bilingual_app.test_client().get("/articles/reset-your-password", headers=ZH)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/articles/reset-your-password-zh")


def test_translations_link_to_each_other(bilingual_app):
    client = bilingual_app.test_client()
    chinese = client.get("/articles/reset-your-password-zh", headers=ZH).get_data(as_text=True)
    assert "其他语言版本" in chinese
    assert 'href="/articles/reset-your-password?lang=en"' in chinese
    english = client.get("/articles/reset-your-password?lang=en").get_data(as_text=True)
    assert 'href="/articles/reset-your-password-zh?lang=zh"' in english
    assert "中文" in english


def test_a_missing_translation_falls_back_with_a_notice(bilingual_app):
    html = bilingual_app.test_client().get("/articles/delete-your-account",
                                           headers=ZH).get_data(as_text=True)
    assert "Delete your account" in html
    assert "这篇文章还没有中文版本" in html
    assert 'lang="en"' in html  # the article body is marked as English for screen readers


def test_journey_lists_show_one_version_per_article(bilingual_app):
    client = bilingual_app.test_client()
    chinese = client.get("/journeys/account-and-security", headers=ZH).get_data(as_text=True)
    assert "忘记密码怎么办" in chinese and "Reset a forgotten password" not in chinese
    assert "Delete your account" in chinese  # no Chinese version: the English one, marked
    assert "实名认证" in chinese
    english = client.get("/journeys/account-and-security?lang=en").get_data(as_text=True)
    assert "Reset a forgotten password" in english and "忘记密码怎么办" not in english
    assert "实名认证" not in english  # exists only in Chinese


def test_lists_put_the_readers_language_first(bilingual_app):
    client = bilingual_app.test_client()
    chinese = client.get("/journeys/account-and-security", headers=ZH).get_data(as_text=True)
    listed = chinese[chinese.index('class="article-list"'):]
    # "Delete your account" sorts before both by title, but it is in English only.
    assert listed.index("忘记密码怎么办") < listed.index("Delete your account")
    assert listed.index("实名认证") < listed.index("Delete your account")
    english = client.get("/journeys/account-and-security?lang=en").get_data(as_text=True)
    listed = english[english.index('class="article-list"'):]
    assert listed.index("Delete your account") < listed.index("Reset a forgotten password")


def test_dates_follow_the_locale(bilingual_app):
    client = bilingual_app.test_client()
    chinese = client.get("/articles/reset-your-password-zh", headers=ZH).get_data(as_text=True)
    assert "2026年10月14日" in chinese
    english = client.get("/articles/reset-your-password?lang=en").get_data(as_text=True)
    assert "October 14, 2026" in english


def test_search_puts_the_readers_language_first(bilingual_app):
    center = bilingual_app.extensions["helpcenter"]
    with bilingual_app.app_context():
        chinese = center.search("password 密码", lang="zh")
        english = center.search("password 密码", lang="en")
    assert chinese.hits[0].slug == "reset-your-password-zh"
    assert english.hits[0].slug == "reset-your-password"
    assert {hit.slug for hit in chinese.hits} == {hit.slug for hit in english.hits}


def test_a_chinese_question_finds_the_chinese_article(bilingual_app):
    html = bilingual_app.test_client().get("/search?q=忘记密码了怎么找回",
                                           headers=ZH).get_data(as_text=True)
    assert "忘记密码怎么办" in html
    assert "<mark>" in html  # Chinese words highlighted in the snippet


def test_validation_messages_are_translated(bilingual_app):
    client = bilingual_app.test_client()
    token = csrf_token(client, "/contact?lang=zh")
    response = client.post("/contact", data={"csrf_token": token, "subject": "",
                                             "description": "x", "email": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写主题。" in html
    assert "这看起来不像邮箱地址" in html


def test_api_errors_stay_in_english(bilingual_app):
    response = bilingual_app.test_client().get("/api/v1/search?q=%20", headers=ZH)
    assert response.status_code == 400
    assert "required" in response.get_json()["error"]["message"]


def test_tickets_and_events_record_the_interface_language(bilingual_app):
    client = bilingual_app.test_client()
    client.get("/articles/reset-your-password-zh?lang=zh")
    client.get("/search?q=密码")
    token = csrf_token(client, "/contact")
    response = client.post("/contact", data={
        "csrf_token": token, "subject": "收不到重置邮件", "description": "等了十分钟也没收到。",
        "email": "user@example.com"})
    assert response.status_code == 302
    with bilingual_app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        languages = {event.name: event.lang for event in db.session.scalars(select(Event))}
    assert ticket.lang == "zh"
    assert languages["article.viewed"] == "zh"
    assert languages["search.performed"] == "zh"
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "我们已收到你的请求。" in status_page  # the note stored in English, shown in Chinese
    assert "We received your request." not in status_page


def test_the_editor_keeps_a_translations_language_and_key(bilingual_app, tmp_path):
    import re

    from tests.conftest import BROWSER, add_staff, sign_in

    add_staff(bilingual_app, "editor@pronto.test", "editor")
    client, _ = sign_in(bilingual_app, "editor@pronto.test")
    page = client.get("/editor/reset-your-password-zh", headers=BROWSER).get_data(as_text=True)
    assert re.search(r'<option value="zh" selected>', page)
    assert 'name="translation_key" value="reset-your-password"' in page
    base_hash = re.search(r'name="base_hash" value="([0-9a-f]+)"', page).group(1)
    response = client.post("/editor/reset-your-password-zh", headers=BROWSER, data={
        "csrf_token": csrf_token(client, "/editor/new"), "base_hash": base_hash,
        "title": "忘记密码怎么办", "summary": "用注册邮箱收取重置链接，设置新密码。",
        "journey": "account-and-security", "lang": "zh",
        "translation_key": "reset-your-password", "tags": "忘记密码, 找回密码",
        "body": "在登录页点击“忘记密码？”。\n", "change_summary": "更简洁", "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    center = bilingual_app.extensions["helpcenter"]
    saved = (center.content_dir / "account-and-security" / "reset-your-password-zh.md"
             ).read_text(encoding="utf-8")
    assert "lang: zh" in saved and "translation_key: reset-your-password" in saved
    english = client.get("/articles/reset-your-password?lang=en").get_data(as_text=True)
    assert 'href="/articles/reset-your-password-zh?lang=zh"' in english


def test_every_message_the_code_can_show_has_a_chinese_translation():
    """The zh catalog matches the code: nothing extracted is missing, empty or fuzzy (a fuzzy
    entry would be shown, and is usually another message's translation), placeholders agree."""
    root = Path(__file__).resolve().parent.parent
    with open(root / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "Text": None}
    in_code = {message if isinstance(message, str) else message[0]
               for _, _, message, _, _ in extract_from_dir(root, method_map, options_map,
                                                           keywords=keywords)}
    with open(root / "app/translations/zh/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {}
    for message in catalog:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            text = message.string[0] if isinstance(message.string, tuple) else message.string
            assert "fuzzy" not in message.flags, key
            translated[key] = text
    assert sorted(in_code - set(translated)) == []
    assert [key for key in in_code if not translated[key]] == []
    placeholder = re.compile(r"%\(\w+\)s|%%")
    assert [key for key in in_code
            if sorted(placeholder.findall(key)) != sorted(placeholder.findall(translated[key]))
            ] == []
