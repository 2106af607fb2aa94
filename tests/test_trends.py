"""Hot topics and the weekly brief, on a seeded event history."""

from __future__ import annotations

from datetime import timedelta

from app.events.models import utcnow
from app.events.recorder import record_article_view, record_search
from app.metrics.trends import hot_articles, hot_searches
from tests.conftest import add_staff


def seed(now):
    # "app login error": about once a day for two weeks, then 6 times in the last day.
    for day in range(1, 14):
        record_search(f"steady-{day}", "App login error", None, 4,
                      at=now - timedelta(days=day, hours=1))
    for n in range(6):
        record_search(f"spike-{n}", "app login error!", None, 4,
                      at=now - timedelta(hours=2, minutes=n))
    for day in range(1, 8):
        record_search(f"cards-{day}", "gift cards", None, 3,
                      at=now - timedelta(days=day, hours=3))
    record_search("gone", "old topic", None, 0, at=now - timedelta(days=10))
    for n in range(3):
        record_article_view(f"reader-{n}", "buy-a-gift-card", "before-you-buy",
                            at=now - timedelta(days=2))
    record_article_view("reader-0", "buy-a-gift-card", "before-you-buy",
                        at=now - timedelta(days=2, minutes=5))  # same session: counted once
    record_article_view("earlier", "buy-a-gift-card", "before-you-buy",
                        at=now - timedelta(days=9))


def test_hot_searches_and_rises(make_app):
    app = make_app()
    with app.app_context():
        now = utcnow()
        seed(now)
        searches = {t.key: t for t in hot_searches(now)}
        articles = {t.key: t for t in hot_articles(now)}
    login = searches["app login error"]
    assert (login.this_week, login.last_week, login.last_day) == (12, 7, 6)
    assert login.rising is True
    assert list(searches)[0] == "app login error"  # rising topics come first
    cards = searches["gift cards"]
    assert (cards.this_week, cards.rising) == (6, False)
    assert "old topic" not in searches
    assert (articles["buy-a-gift-card"].this_week,
            articles["buy-a-gift-card"].last_week) == (3, 1)


def test_weekly_brief_prints_and_mails(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
    add_staff(app, "manager@pronto.test", "manager")
    add_staff(app, "agent@pronto.test", "agent")
    with app.app_context():
        seed(utcnow())
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["report", "weekly"])
    assert printed.exit_code == 0, printed.output
    mailed = runner.invoke(args=["report", "weekly", "--mail"])
    text = printed.output
    for heading in ("# Help center weekly brief", "## Totals", "## Hot topics",
                    "## Articles needing attention", "## Content gaps"):
        assert heading in text
    assert "“app login error”: 12 / 7 — **rising: 6 in the last day**" in text
    assert "Buy a gift card" in text or "buy-a-gift-card" in text
    assert mailed.exit_code == 0 and "mailed to 1 recipient" in mailed.output
    [envelope] = mailbox.messages
    assert envelope.rcpt_tos == ["manager@pronto.test"]
    assert "Hot topics" in envelope.content.decode()


def test_weekly_brief_mail_needs_smtp(make_app):
    result = make_app().test_cli_runner().invoke(args=["report", "weekly", "--mail"])
    assert result.exit_code != 0 and "needs KB_SMTP_URL" in result.output
