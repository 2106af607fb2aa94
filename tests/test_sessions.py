"""Help sessions: an anonymous cookie, stored only as a hash; visits; crawlers not counted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.events.models import Event, HelpSession, utcnow
from app.events.recorder import record_article_view
from app.extensions import db
from app.sessions.service import mark_active, session_id_for, touch
from app.sessions.web import COOKIE_NAME
from tests.conftest import BROWSER


def test_first_page_sets_a_private_rolling_cookie(make_app):
    client = make_app().test_client()
    response = client.get("/articles/cancel-a-booking", headers=BROWSER)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=86400" in cookie
    again = client.get("/articles/cancel-a-booking", headers=BROWSER).headers["Set-Cookie"]
    assert again.split(";")[0] == cookie.split(";")[0]  # same session, expiry renewed


def test_database_never_holds_the_cookie_value(make_app):
    app = make_app()
    client = app.test_client()
    client.get("/articles/cancel-a-booking", headers=BROWSER)
    token = client.get_cookie(COOKIE_NAME).value
    with app.app_context():
        [session] = db.session.scalars(select(HelpSession)).all()
        assert session.id == session_id_for(token) != token
        [event] = db.session.scalars(select(Event)).all()
        assert event.session_id == session.id


def test_a_forged_cookie_is_replaced(make_app):
    client = make_app().test_client()
    client.set_cookie(COOKIE_NAME, "../../not-a-token")
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 200
    client.get("/articles/cancel-a-booking", headers=BROWSER)
    assert client.get_cookie(COOKIE_NAME).value != "../../not-a-token"


def test_crawlers_get_no_session_and_are_not_counted(make_app):
    app = make_app()
    client = app.test_client()
    response = client.get("/articles/cancel-a-booking",
                          headers={"User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0)"})
    assert response.status_code == 200
    assert COOKIE_NAME not in response.headers.get("Set-Cookie", "")
    client.get("/search?q=refund", headers={"User-Agent": "curl/8.0"})
    with app.app_context():
        assert db.session.scalars(select(Event)).all() == []


def test_a_visit_ends_after_thirty_idle_minutes(make_app):
    with make_app().app_context():
        start = utcnow()
        record_article_view("s1", "cancel-a-booking", "orders-and-payments", at=start)
        record_article_view("s1", "cancel-an-order", "orders-and-payments",
                            at=start + timedelta(minutes=29))
        late = record_article_view("s1", "cancel-a-booking", "orders-and-payments",
                                   at=start + timedelta(minutes=61))
        assert late.visit == 2
        assert touch("s1", start + timedelta(minutes=62)).visits == 2


def test_pages_read_in_quick_succession_count_as_one_visit_then_a_pause_starts_another(
        make_app):
    with make_app().app_context():
        start = utcnow()
        views = [record_article_view("s3", "cancel-a-booking", "orders-and-payments",
                                     at=start + timedelta(seconds=seconds))
                 for seconds in (0, 20, 50, 90)]
        assert [view.visit for view in views] == [1, 1, 1, 1]
        assert db.session.query(HelpSession).filter_by(id="s3").count() == 1
        after_a_pause = record_article_view("s3", "cancel-an-order", "orders-and-payments",
                                            at=start + timedelta(minutes=32))
        assert after_a_pause.visit == 2
        assert db.session.get(HelpSession, "s3").visits == 2


def test_an_sqlite_without_upsert_marks_sessions_the_same_way(make_app, tmp_path, monkeypatch):
    from app.sessions import service

    monkeypatch.setattr(service, "UPSERT_SQLITE", (999,))  # as an SQLite before 3.35
    with make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}").app_context():
        start = utcnow()
        assert mark_active("s4", start, "widget", "checkout") == 1
        assert mark_active("s4", start + timedelta(minutes=45)) == 2
        db.session.commit()
        stored = db.session.get(HelpSession, "s4")
        assert (stored.channel, stored.page_context, stored.visits) == ("widget", "checkout", 2)


def test_a_page_creates_its_session_once_with_its_channel_and_counts_visits(make_app):
    with make_app().app_context():
        start = utcnow()
        assert mark_active("s2", start, "widget", "checkout") == 1
        assert mark_active("s2", start + timedelta(minutes=29)) == 1
        assert mark_active("s2", start + timedelta(minutes=60)) == 2
        db.session.commit()
        stored = db.session.get(HelpSession, "s2")
        assert (stored.channel, stored.page_context, stored.visits) == ("widget", "checkout", 2)
        assert stored.last_seen_at == start + timedelta(minutes=60)
        assert db.session.query(HelpSession).count() == 1


def test_searches_and_clicks_are_recorded_with_position(make_app):
    app = make_app()
    client = app.test_client()
    html = client.get("/search?q=refund+status", headers=BROWSER).get_data(as_text=True)
    import re

    link = re.search(r'href="(/articles/[a-z-]+\?s=\d+&amp;pos=2)"', html).group(1)
    client.get(link.replace("&amp;", "&"), headers=BROWSER)
    with app.app_context():
        events = db.session.scalars(select(Event).order_by(Event.id)).all()
    names = [e.name for e in events]
    assert names == ["search.performed", "article.viewed", "search.clicked"]
    search, view, click = events
    assert search.query == "refund status" and search.result_count > 2
    assert view.source == "search"
    assert click.search_event_id == search.id and click.position == 2
