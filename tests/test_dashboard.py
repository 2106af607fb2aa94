"""The managers' dashboard: stored daily figures equal the metric definitions; pages, CSV,
periods, languages, article detail, counter resets and who may open what."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from app.dashboard.charts import line_chart
from app.events.models import Event, Vote, utcnow
from app.events.recorder import ARTICLE_VIEWED
from app.extensions import db
from app.metrics.daily import refresh, stored_source
from app.metrics.deflection import (
    article_metrics,
    content_gaps,
    daily_figures,
    journey_funnels,
    site_metrics,
)
from app.metrics.models import CounterReset, DailySiteStats
from app.metrics.slices import day_start
from benchmarks.dashboard import seed_history
from tests.conftest import BROWSER, add_staff, csrf_token, sign_in

A = "cancel-a-booking"
WINDOW = timedelta(hours=24)


def _everything(app, start, end, source=None):
    articles = app.extensions["helpcenter"].catalog.all()
    figures = {
        "articles": article_metrics(articles, start, end, window=WINDOW, source=source),
        "articles zh": article_metrics(articles, start, end, language="zh", window=WINDOW,
                                       source=source),
        "gaps": content_gaps(start, end, window=WINDOW, source=source),
        "funnels": journey_funnels(start, end, window=WINDOW, source=source),
        "daily": daily_figures(start, end, window=WINDOW, source=source),
        "daily A": daily_figures(start, end, slug=A, window=WINDOW, source=source),
    }
    for lang in (None, "en", "zh"):
        figures[f"site {lang}"] = site_metrics(articles, start, end, lang=lang, window=WINDOW,
                                               source=source)
        figures[f"funnels {lang}"] = journey_funnels(start, end, lang=lang, window=WINDOW,
                                                     source=source)
    return figures


@pytest.fixture()
def history(make_app):
    app = make_app()
    with app.app_context():
        now = utcnow()
        seed_history(app.extensions["helpcenter"].catalog.all(), 21, 25, now, seed=3)
    return app, now


def test_stored_daily_figures_equal_the_definitions(history):
    app, now = history
    with app.app_context():
        start = day_start(now.date() - timedelta(days=20))
        assert refresh(WINDOW, ["en", "zh"], now) >= 20
        stored = stored_source(WINDOW, ["en", "zh"], start, now)
        assert _everything(app, start, now, stored) == _everything(app, start, now)
        site = site_metrics(app.extensions["helpcenter"].catalog.all(), start, now)
        assert site.sessions > 100 and site.tickets > 0 and site.tickets_by_priority
        assert sum(site.tickets_by_journey.values()) == site.tickets


def test_late_events_and_resets_are_picked_up(history):
    app, now = history
    with app.app_context():
        start = day_start(now.date() - timedelta(days=20))
        refresh(WINDOW, ["en", "zh"], now)
        past = now - timedelta(days=10)
        db.session.add(Event(name=ARTICLE_VIEWED, occurred_at=past, session_id="late-arrival",
                             article_slug=A, journey="orders-and-payments", lang="zh"))
        db.session.add(CounterReset(article_slug=A, reset_at=now - timedelta(days=5, hours=3)))
        db.session.commit()
        before = db.session.get(DailySiteStats, (past.date(), "")).sessions
        stored = stored_source(WINDOW, ["en", "zh"], start, now)
        assert db.session.get(DailySiteStats, (past.date(), "")).sessions == before + 1
        assert _everything(app, start, now, stored) == _everything(app, start, now)
        articles = app.extensions["helpcenter"].catalog.all()
        [row] = [r for r in article_metrics(articles, start, now) if r.slug == A]
        assert row.counted_from == now - timedelta(days=5, hours=3)
        days = daily_figures(start, now, slug=A)
        assert row.views <= sum(d.views for d in days[-6:])  # the history keeps older days


def manager(app):
    add_staff(app, "boss@pronto.test", "manager")
    client, _ = sign_in(app, "boss@pronto.test")
    return client


def test_dashboard_page_sorts_filters_and_charts(history):
    app, _ = history
    client = manager(app)
    page = client.get("/dashboard/", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("At a glance", "Journey funnels", "Tickets by priority", "<svg", "<title",
                 "<desc", "Articles needing attention", "Trend"):
        assert text in html
    assert "style=" not in html and "<script>" not in html
    by_views = client.get("/dashboard/?days=7&sort=views&dir=desc", headers=BROWSER)
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/dashboard/articles.csv?days=7&sort=views&dir=desc").get_data(as_text=True))))
    views = [int(r["views"]) for r in rows]
    assert by_views.status_code == 200 and views == sorted(views, reverse=True)
    links = by_views.get_data(as_text=True)
    assert "sort=title&amp;dir=asc&amp;days=7" in links  # headers keep the period
    assert "sort=views&amp;dir=asc&amp;days=7" in links  # and flip the direction
    for query in ("language=zh", "lang=zh"):  # lang=: links made before ?language= existed
        zh = list(csv.DictReader(io.StringIO(client.get(
            f"/dashboard/articles.csv?{query}").get_data(as_text=True))))
        assert zh and {r["language"] for r in zh} == {"zh"}
    assert client.get("/dashboard/?language=zh", headers=BROWSER).status_code == 200


def test_the_language_filter_and_the_interface_language_are_separate(history):
    app, _ = history
    client = manager(app)
    filtered = client.get("/dashboard/?days=7&language=zh", headers=BROWSER)
    html = filtered.get_data(as_text=True)
    assert "Articles written in 中文" in html and 'lang="en"' in html  # interface stays English
    assert "hc_lang" not in filtered.headers.get("Set-Cookie", "")
    assert "language=zh" in html.split("Download every article as CSV")[0].rsplit("<a ", 1)[1]
    chinese = client.get("/dashboard/?days=7&lang=zh", headers=BROWSER).get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "Articles written in" not in chinese
    assert "仅统计 zh 撰写的文章" not in chinese  # the interface switch filters nothing


def test_default_order_is_flagged_first(history):
    app, _ = history
    client = manager(app)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/dashboard/articles.csv?days=30").get_data(as_text=True))))
    flags = [r["flagged"] == "True" for r in rows]
    assert flags == sorted(flags, reverse=True)


@pytest.mark.parametrize("name, header", [
    ("articles", "slug"), ("gaps", "query"), ("funnels", "journey"), ("daily", "day")])
def test_every_table_exports_as_csv(history, name, header):
    app, now = history
    client = manager(app)
    response = client.get(f"/dashboard/{name}.csv?days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and header in rows[0]
    if name == "daily":
        assert len(rows) == 7 and rows[-1]["day"] == now.date().isoformat()
    if name == "funnels":
        assert {r["step"] for r in rows} == {"searched", "viewed", "voted", "ticketed"}
        assert all(r["share"] == "" or 0 <= float(r["share"]) <= 1 for r in rows)


@pytest.mark.parametrize("query, message", [
    ("from=yesterday", "Dates must look like"),
    ("from=2026-02-30", "Dates must look like"),
    ("from=2026-10-10&to=2026-10-01", "before the start"),
    ("from=2999-01-01", "in the future"),
    ("from=2020-01-01&to=2026-01-01", "at most"),
    ("days=12", "7, 30 or 90"),
])
def test_bad_periods_give_a_message(history, query, message):
    app, _ = history
    client = manager(app)
    page = client.get(f"/dashboard/?{query}", headers=BROWSER)
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    export = client.get(f"/dashboard/articles.csv?{query}")
    assert export.status_code == 400 and message in export.get_data(as_text=True)


def test_custom_period(history):
    app, now = history
    client = manager(app)
    first = (now.date() - timedelta(days=3)).isoformat()
    last = (now.date() - timedelta(days=1)).isoformat()
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/dashboard/daily.csv?from={first}&to={last}").get_data(as_text=True))))
    assert [r["day"] for r in rows][0] == first and len(rows) == 3


def test_article_detail_and_reset(history):
    app, _ = history
    add_staff(app, "ed@pronto.test", "editor")
    client, _ = sign_in(app, "ed@pronto.test")
    page = client.get(f"/dashboard/articles/{A}?days=30", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("Daily figures", "Searches that led here", "didn't help", "Counter resets",
                 "Reset the counters from now", "<svg"):
        assert text in html
    assert client.get("/dashboard/articles/no-such-article").status_code == 404
    token = csrf_token(client, f"/dashboard/articles/{A}")
    assert client.post(f"/dashboard/articles/{A}/reset", data={"note": "x"}).status_code == 400
    done = client.post(f"/dashboard/articles/{A}/reset",
                       data={"csrf_token": token, "note": "Rewrote the steps"})
    assert done.status_code == 302
    html = client.get(done.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "Rewrote the steps" in html and "ed@pronto.test" in html
    assert "Counted from the reset" in html
    with app.app_context():
        articles = app.extensions["helpcenter"].catalog.all()
        now = utcnow()
        [row] = [r for r in article_metrics(articles, now - timedelta(days=30), now)
                 if r.slug == A]
    assert row.views == 0 and row.counted_from is not None


def test_editor_page_offers_the_reset(staff_app):
    client, _ = sign_in(staff_app, "editor@pronto.test")
    html = client.get(f"/editor/{A}", headers=BROWSER).get_data(as_text=True)
    assert "Reset the counters from now" in html


MANAGER_PAGES = ["/dashboard/", "/dashboard/articles.csv", "/dashboard/gaps.csv",
                 "/dashboard/funnels.csv"]
EDITOR_PAGES = ["/dashboard/daily.csv", f"/dashboard/articles/{A}"]


@pytest.mark.parametrize("path", MANAGER_PAGES + EDITOR_PAGES)
def test_roles(staff_app, path):
    anonymous = staff_app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    allowed = {"manager", "admin"} | ({"editor"} if path in EDITOR_PAGES else set())
    for role in ("agent", "editor", "manager", "admin"):
        client, _ = sign_in(staff_app, f"{role}@pronto.test")
        assert client.get(path).status_code == (200 if role in allowed else 403), role


def test_reset_roles(staff_app):
    path = f"/dashboard/articles/{A}/reset"
    anonymous = staff_app.test_client().post(path)
    assert anonymous.status_code in (302, 400)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    token = csrf_token(client, "/login")
    assert client.post(path, data={"csrf_token": token}).status_code == 403
    for role in ("editor", "manager", "admin"):
        client, _ = sign_in(staff_app, f"{role}@pronto.test")
        token = csrf_token(client, f"/dashboard/articles/{A}")
        assert client.post(path, data={"csrf_token": token}).status_code == 302, role


def test_chart_is_accessible_svg():
    svg = str(line_chart("Views", "Daily views", [], [("views", [1, None, 3])]))
    assert svg.startswith("<svg") and "<title" in svg and "<desc" in svg
    assert "style=" not in svg


def test_report_cli_splits_by_language(history):
    app, _ = history
    runner = app.test_cli_runner()
    everyone = runner.invoke(args=["report", "deflection", "--format", "json"])
    chinese = runner.invoke(args=["report", "deflection", "--lang", "zh", "--format", "json"])
    assert everyone.exit_code == 0 and chinese.exit_code == 0, chinese.output
    import json

    all_site, zh = json.loads(everyone.output), json.loads(chinese.output)
    assert 0 < zh["site"]["sessions"] < all_site["site"]["sessions"]
    assert zh["articles"] and all(r["slug"].endswith("-zh") for r in zh["articles"])


ZH_COOKIE = ("hc_lang", "zh")


def _chinese(client):
    """The interface language remembered in the cookie."""
    client.set_cookie(*ZH_COOKIE)
    return client


def test_dashboard_in_chinese(history):
    app, now = history
    client = _chinese(manager(app))
    page = client.get("/dashboard/?days=7", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="zh-CN"' in html
    for text in ("<title>数据看板 ·", "<h1>数据看板</h1>", "概览", "求助会话", "自助解决率",
                 "各优先级工单", "需关注的文章", "主题转化漏斗", "内容缺口", "本周热点",
                 "最近 7 天", "按 UTC 日期统计", "下载全部文章数据（CSV）",
                 "每日浏览量与工单数：全部文章",
                 "以表格查看每日数据", "解决率（95% 置信区间）", "退出登录（boss@pronto.test）",
                 f"{now.month}月{now.day}日"):  # the chart's last day, in the Chinese way
        assert text in html, text
    for english in ("At a glance", "Journey funnels", "Articles needing attention",
                    "Daily figures as a table", "Download every article as CSV", "Last 7 days",
                    "Help sessions", " pts<", "Hot topics this week", "all articles"):
        assert english not in html, english
    # The CSV files stay in English whatever the interface language.
    export = client.get("/dashboard/articles.csv?days=7").get_data(as_text=True)
    assert export.startswith("slug,title,language,journey,views")


def test_period_errors_are_translated(history):
    app, _ = history
    client = _chinese(manager(app))
    html = client.get("/dashboard/?from=2026-10-10&to=2026-10-01",
                      headers=BROWSER).get_data(as_text=True)
    assert "结束日期早于开始日期。 已改为显示最近 30 天的数据。" in html
    html = client.get("/dashboard/?from=2020-01-01&to=2026-01-01",
                      headers=BROWSER).get_data(as_text=True)
    assert "最多可选 400 天。" in html and "at most" not in html
    # A custom period is shown with dates in the reader's language.
    html = client.get("/dashboard/?from=2026-10-01&to=2026-10-03",
                      headers=BROWSER).get_data(as_text=True)
    assert "2026年10月1日 至 2026年10月3日（按 UTC 日期统计" in html
    # The CSV export's error stays English.
    export = client.get("/dashboard/articles.csv?from=2026-10-10&to=2026-10-01")
    assert export.get_data(as_text=True) == "The end date is before the start date.\n"


def test_dashboard_english_is_unchanged(history):
    app, _ = history
    client = manager(app)
    html = client.get("/dashboard/?days=7", headers=BROWSER).get_data(as_text=True)
    for text in ("<title>Dashboard ·", "Help sessions", "Deflection rate", "Last 7 days",
                 "(UTC days; today so far is included).", "Resolution rate (95% interval)",
                 "Daily views and tickets, all articles", "Sign out boss@pronto.test",
                 ">Review queue</a>: articles agents marked", "Viewed an article"):
        assert text in html, text
    html = client.get("/dashboard/?from=2026-10-01&to=2026-10-03",
                      headers=BROWSER).get_data(as_text=True)
    assert "Oct 1, 2026 – Oct 3, 2026 (UTC days; today so far is included)." in html


def test_article_page_in_chinese(history):
    app, _ = history
    add_staff(app, "ed@pronto.test", "editor")
    client, _ = sign_in(app, "ed@pronto.test")
    token = csrf_token(client, f"/dashboard/articles/{A}")
    client.post(f"/dashboard/articles/{A}/reset",
                data={"csrf_token": token, "note": "Rewrote the steps"})
    with app.app_context():
        db.session.add(Vote(session_id="zh-reader", article_slug=A, helpful=False,
                            reason="out-of-date", comment="旧的截图"))
        db.session.commit()
    page = client.get(f"/dashboard/articles/{A}?days=30&lang=zh&reset=done", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("每日数据", "带来访问的搜索词", "反馈“没帮助”的读者", "计数重置记录", "计数已重置",
                 "在帮助中心查看", "浏览量：", "内容已过时",
                 "旧的截图", "Rewrote the steps", "每日解决率：", "时间（UTC）"):
        assert text in html, text
    # Dates and times in the Chinese way.
    assert re.search(r"自 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2}（UTC）重置后开始统计", html)
    assert re.search(r"<td>\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}</td><td>ed@pronto.test</td>", html)
    for english in ("Daily figures", "Searches that led here", "Counter resets",
                    "Counted from the reset", "View on the site", "It's out of date"):
        assert english not in html, english


def test_search_quality_in_chinese(staff_app):
    client, _ = sign_in(staff_app, "editor@pronto.test")
    html = client.get("/dashboard/search-quality?lang=zh", headers=BROWSER).get_data(as_text=True)
    for text in ("<h1>搜索质量</h1>", "最近 30 天", "下载 CSV", "此期间没有效果不佳的搜索。"):
        assert text in html, text
    assert "Search quality" not in html and "last 30 days" not in html
