"""The widget's contexts, its signed help sessions and the channel every record carries."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.events.models import Event, HelpSession, Vote
from app.extensions import db
from app.sessions import tokens
from app.tickets.models import Ticket
from app.widget.contexts import (
    ContextsError,
    check_references,
    load_contexts,
    parse_contexts,
)
from tests.conftest import BROWSER, post, sign_in

SHOP = "http://127.0.0.1:8765"
EVIL = "http://evil.example"
TICKET = {"email": "sam@example.com", "subject": "Refund not received",
          "description": "I returned the lamp two weeks ago and have no refund yet."}


# Contexts: parsing and validation -----------------------------------------------------------

def test_the_demo_contexts_parse_and_name_only_existing_articles_and_journeys(app, content_dir):
    contexts = load_contexts(content_dir / "_contexts.yml")
    assert {"checkout", "orders", "account-settings"} <= set(contexts)
    center = app.extensions["helpcenter"]
    with app.app_context():
        journeys = {journey.slug for journey in center.journeys()}
    slugs = {article.slug for article in center.catalog.all()}
    assert check_references(contexts, slugs, journeys) == []
    assert contexts["checkout"].rule_for("zh").articles[0] == "payment-declined-zh"
    assert contexts["checkout"].rule_for("en").articles[0] == "payment-declined"


@pytest.mark.parametrize("text, line, words", [
    ("checkout:\n  articles: [a\n", 3, "not valid YAML"),
    ("- checkout\n", 1, "mapping of context keys"),
    ("checkout:\n  pages: [a]\n", 2, "unknown field 'pages'"),
    ("checkout:\n  articles: a\n", 2, "must be a list"),
    ("ok:\n  tags: [x]\nCheck Out:\n  tags: [x]\n", 3, "lower-case"),
    ("checkout:\n  tags: [x]\ncheckout:\n  tags: [y]\n", 3, "defined twice"),
    ("checkout: {}\n", 1, "suggests nothing"),
    ("checkout:\n  zh:\n    articles: [{a: b}]\n", 3, "non-empty word"),
])
def test_a_malformed_contexts_file_is_reported_with_its_line(text, line, words):
    with pytest.raises(ContextsError) as error:
        parse_contexts(text, "content/_contexts.yml")
    assert f"content/_contexts.yml, line {line}:" in str(error.value)
    assert words in str(error.value)


def test_unknown_articles_and_journeys_are_reported_with_their_line():
    contexts = parse_contexts("checkout:\n  articles: [gone]\n  zh:\n    journeys: [nowhere]\n")
    problems = check_references(contexts, {"here"}, {"orders"}, "c.yml")
    assert problems == ["c.yml, line 2: checkout: no article 'gone'",
                        "c.yml, line 4: checkout.zh: no journey 'nowhere'"]


def test_content_check_fails_on_a_broken_contexts_file(make_app, tmp_path, content_dir):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(content_dir, content)
    (content / "_contexts.yml").write_text("checkout:\n  articles: [no-such-article]\n")
    app = make_app(KB_CONTENT_DIR=str(content), KB_INDEX_DIR=str(tmp_path / "index"))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "_contexts.yml, line 2: checkout: no article 'no-such-article'" in result.output


# Contexts: the public endpoint --------------------------------------------------------------

def test_a_context_suggests_its_pinned_articles_first_in_the_readers_language(app):
    client = app.test_client()
    english = client.get("/api/v1/contexts/checkout?lang=en").get_json()
    assert english["matched"] is True
    assert [a["slug"] for a in english["articles"][:2]] == ["payment-declined",
                                                           "paid-but-order-failed"]
    chinese = client.get("/api/v1/contexts/checkout?lang=zh").get_json()
    assert chinese["articles"][0]["slug"] == "payment-declined-zh"
    assert chinese["articles"][0]["title"] == "付款失败、银行卡被拒怎么办"


def test_an_unknown_context_falls_back_to_the_most_viewed_then_the_newest(make_app):
    app = make_app()
    client = app.test_client()
    newest = client.get("/api/v1/contexts/nowhere?lang=en").get_json()
    assert newest["matched"] is False and len(newest["articles"]) == 5
    for _ in range(2):
        client.get("/articles/use-a-gift-card", headers=BROWSER)
        client.delete_cookie("hc_session")
    viewed = client.get("/api/v1/contexts/nowhere?lang=en").get_json()
    assert viewed["articles"][0]["slug"] == "use-a-gift-card"


@pytest.mark.parametrize("path, field", [("/api/v1/contexts/Check%20Out", "key"),
                                         ("/api/v1/contexts/checkout?lang=fr", "lang")])
def test_a_bad_context_request_names_the_field(app, path, field):
    response = app.test_client().get(path)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


# Widget sessions: signing, expiry, tampering ------------------------------------------------

def test_a_token_names_its_session_and_context_and_cannot_be_altered():
    token, session = tokens.issue("secret", "checkout")
    assert tokens.read("secret", token) == session
    assert session.channel == "widget" and session.context == "checkout"
    with pytest.raises(tokens.InvalidToken):
        tokens.read("another secret", token)
    with pytest.raises(tokens.InvalidToken):
        tokens.read("secret", token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(tokens.InvalidToken):
        tokens.read("secret", "not a token")


def test_a_token_expires():
    token, _ = tokens.issue("secret", None)
    assert tokens.read("secret", token, max_age=timedelta(hours=2)).context is None
    with pytest.raises(tokens.InvalidToken, match="expired"):  # older than a negative age
        tokens.read("secret", token, max_age=timedelta(seconds=-1))


@pytest.fixture()
def shop_app(make_app):
    return make_app(KB_ALLOWED_ORIGINS=SHOP)


def start(client, origin: str = SHOP, context: str | None = "checkout"):
    return client.post("/api/v1/widget/session", json={"context": context},
                       headers={**BROWSER, "Origin": origin})


def test_a_listed_origin_gets_a_session_and_its_preflight_allows_the_header(shop_app):
    client = shop_app.test_client()
    response = start(client)
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert response.get_json()["expires_in"] == 7200
    preflight = client.options("/api/v1/search", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-help-session"})
    assert "X-Help-Session" in preflight.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("headers", [{"Origin": EVIL}, {}])
def test_no_session_for_an_origin_that_is_not_listed_or_not_named(shop_app, headers):
    response = shop_app.test_client().post("/api/v1/widget/session", json={},
                                           headers={**BROWSER, **headers})
    assert response.status_code == 403
    assert response.get_json()["error"]["fields"]["Origin"]
    with shop_app.app_context():
        assert db.session.scalars(select(HelpSession)).all() == []


def test_widget_sessions_are_rate_limited_per_client(make_app):
    app = make_app(KB_ALLOWED_ORIGINS=SHOP, KB_RATELIMIT_WIDGET_SESSIONS="2 per hour")
    client = app.test_client()
    assert [start(client).status_code for _ in range(3)] == [201, 201, 429]
    with app.app_context():
        assert len(db.session.scalars(select(HelpSession)).all()) == 2


def test_the_help_centre_itself_may_start_a_widget_session(shop_app):
    response = start(shop_app.test_client(), origin="http://localhost")
    assert response.status_code == 201


def test_a_forged_cross_site_vote_and_ticket_with_a_stolen_token_are_refused(shop_app):
    client = shop_app.test_client()
    token = start(client).get_json()["token"]
    forged = {**BROWSER, "Origin": EVIL, "X-Help-Session": token}
    vote = client.post("/api/v1/articles/cancel-an-order/votes", json={"helpful": True},
                       headers=forged)
    ticket = client.post("/api/v1/tickets", json=TICKET, headers=forged)
    assert (vote.status_code, ticket.status_code) == (403, 403)
    with shop_app.app_context():
        assert db.session.scalars(select(Vote)).all() == []
        assert db.session.scalars(select(Ticket)).all() == []


def test_a_tampered_token_is_refused_and_nothing_is_recorded(shop_app):
    client = shop_app.test_client()
    token = start(client).get_json()["token"]
    response = client.get("/api/v1/articles/cancel-an-order",
                          headers={**BROWSER, "Origin": SHOP, "X-Help-Session": token + "x"})
    assert response.status_code == 401
    assert "X-Help-Session" in response.get_json()["error"]["fields"]
    with shop_app.app_context():
        assert db.session.scalars(select(Event)).all() == []


# Channel tagging ---------------------------------------------------------------------------

def channels(app, model) -> list[tuple[str, str | None]]:
    with app.app_context():
        return sorted(db.session.execute(select(model.channel, model.page_context)).all())


def test_each_record_carries_the_channel_and_context_it_came_from(shop_app):
    widget = shop_app.test_client()
    token = start(widget).get_json()["token"]
    headers = {**BROWSER, "Origin": SHOP, "X-Help-Session": token}
    widget.get("/api/v1/search?q=refund&lang=en", headers=headers)
    widget.get("/api/v1/articles/cancel-an-order?source=search", headers=headers)
    widget.post("/api/v1/articles/cancel-an-order/votes", json={"helpful": True},
                headers=headers)
    assert widget.post("/api/v1/tickets", json=TICKET, headers=headers).status_code == 201

    site = shop_app.test_client()
    site.get("/articles/cancel-an-order", headers=BROWSER)
    site.get("/search?q=refund", headers=BROWSER)

    other = shop_app.test_client()  # another system: no cookie, no widget token
    other.post("/api/v1/tickets", json={**TICKET, "email": "ops@example.com"}, headers=BROWSER)

    with shop_app.app_context():
        events = db.session.execute(select(Event.name, Event.channel, Event.page_context)).all()
    assert ("article.viewed", "widget", "checkout") in events
    assert ("search.performed", "widget", "checkout") in events
    assert ("article.viewed", "site", None) in events
    assert ("search.performed", "site", None) in events
    assert channels(shop_app, Vote) == [("widget", "checkout")]
    assert channels(shop_app, Ticket) == [("api", None), ("widget", "checkout")]
    assert ("widget", "checkout") in channels(shop_app, HelpSession)
    assert ("site", None) in channels(shop_app, HelpSession)


def test_old_rows_read_site_after_the_migration(shop_app):
    with shop_app.app_context():
        db.session.execute(db.text("INSERT INTO help_sessions (id, created_at, last_seen_at, "
                                   "visits) VALUES ('old', CURRENT_TIMESTAMP, "
                                   "CURRENT_TIMESTAMP, 1)"))
        db.session.commit()
        assert db.session.get(HelpSession, "old").channel == "site"


# The script itself -------------------------------------------------------------------------

def test_widget_js_is_small_carries_both_languages_and_no_outside_address(app):
    response = app.test_client().get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    script = response.get_data(as_text=True)
    assert "__STRINGS__" not in script
    assert "这篇文章解决你的问题了吗？" in script and "Did this solve your problem?" in script
    assert "The steps didn't work" in script
    assert "https://" not in script  # no CDN, nothing loaded from elsewhere
    assert len(gzip.compress(response.get_data())) < 15 * 1024


def test_the_demo_shop_page_carries_the_tag(app):
    html = app.test_client().get("/demo/shop").get_data(as_text=True)
    assert 'src="http://localhost/widget.js" data-context="checkout"' in html


# Editors change the contexts in the browser ------------------------------------------------

def _base_hash(page: str) -> str:
    return page.split('name="base_hash" value="')[1].split('"')[0]


def test_an_editor_changes_a_context_and_the_widget_suggests_it(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    page = editor.get("/editor/contexts", headers=BROWSER).get_data(as_text=True)
    assert "checkout:" in page
    text = "refunds:\n  articles: [refund-timelines, request-a-refund]\n"
    saved = post(editor, "/editor/contexts", {"text": text, "base_hash": _base_hash(page)},
                 "/editor/contexts")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("saved=1")
    assert (content / "_contexts.yml").read_text(encoding="utf-8") == text
    answer = app.test_client().get("/api/v1/contexts/refunds?lang=en").get_json()
    assert [a["slug"] for a in answer["articles"]] == ["refund-timelines", "request-a-refund"]


def test_a_broken_context_or_a_stale_page_saves_nothing(editor_app):
    app, content = editor_app
    before = (content / "_contexts.yml").read_text(encoding="utf-8")
    editor, _ = sign_in(app, "editor@pronto.test")
    page = editor.get("/editor/contexts", headers=BROWSER).get_data(as_text=True)
    broken = post(editor, "/editor/contexts", {"text": "checkout:\n  articles: [gone]\n",
                                               "base_hash": _base_hash(page)}, "/editor/contexts")
    assert broken.status_code == 400
    assert "_contexts.yml, line 2: checkout: no article &#39;gone&#39;" in broken.get_data(
        as_text=True)
    stale = post(editor, "/editor/contexts", {"text": "x:\n  tags: [a]\n", "base_hash": "0"},
                 "/editor/contexts")
    assert stale.status_code == 409
    assert (content / "_contexts.yml").read_text(encoding="utf-8") == before
    agent, _ = sign_in(app, "agent@pronto.test")
    assert agent.get("/editor/contexts", headers=BROWSER).status_code == 403
