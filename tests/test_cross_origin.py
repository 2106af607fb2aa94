"""One allow-list for other sites: preflights granted per origin, writes from others refused."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.events.models import Vote
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import BROWSER

SHOP = "http://127.0.0.1:8765"
EVIL = "http://evil.example"
VOTE = "/api/v1/articles/cancel-an-order/votes"
TICKET = {"email": "sam@example.com", "subject": "Refund not received",
          "description": "I returned the lamp two weeks ago and have no refund yet."}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture()
def shop_app(make_app):
    return make_app(KB_ALLOWED_ORIGINS=f"{SHOP}, https://help.shop.example")


def test_a_preflight_from_a_listed_origin_is_granted_to_that_origin_only(shop_app):
    response = shop_app.test_client().options(VOTE, headers={
        "Origin": SHOP, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert "Origin" in response.headers["Vary"]
    assert "Idempotency-Key" in response.headers["Access-Control-Allow-Headers"]


def test_a_preflight_from_another_origin_gets_no_grant(shop_app):
    response = shop_app.test_client().options(VOTE, headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "KB_ALLOWED_ORIGINS" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("path, body", [(VOTE, {"helpful": True}), ("/api/v1/tickets", TICKET)])
def test_writes_from_an_origin_that_is_not_allowed_are_refused_and_store_nothing(
        shop_app, path, body):
    client = shop_app.test_client()
    response = client.post(path, json=body, headers={**BROWSER, "Origin": EVIL})
    assert response.status_code == 403
    assert response.get_json()["error"]["fields"]["Origin"]
    forged = client.post(path, data="{}", headers={**BROWSER, "Origin": EVIL,
                                                   "Content-Type": "text/plain"})
    assert forged.status_code == 403  # the form a page could send without a preflight
    assert count(shop_app, Vote) == count(shop_app, Ticket) == 0


def test_writes_from_a_listed_origin_and_from_the_site_itself_work(shop_app):
    client = shop_app.test_client()
    allowed = client.post(VOTE, json={"helpful": True}, headers={**BROWSER, "Origin": SHOP})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == SHOP
    own = client.post("/api/v1/tickets", json=TICKET,
                      headers={**BROWSER, "Origin": "http://localhost"})
    assert own.status_code == 201 and "Access-Control-Allow-Origin" not in own.headers
    assert client.get("/api/v1/search?q=refund", headers={"Origin": EVIL}).status_code == 200


def test_origins_that_are_not_origins_stop_the_start_naming_the_variable():
    from app import create_app

    with pytest.raises(RuntimeError, match="KB_ALLOWED_ORIGINS"):
        create_app({"KB_ALLOWED_ORIGINS": "https://shop.example/checkout", "SECRET_KEY": "x"})


def serve(app, host: str):
    server = make_server(host, 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_port}"


def test_a_page_on_another_site_that_is_not_allowed_cannot_vote_or_file_a_ticket(make_app):
    from flask import Flask

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, PERSON_AGENT, sync_api

    page_site = Flask("elsewhere")
    page_site.route("/")(lambda: "<!doctype html><title>Shop</title><p>Shop</p>")
    shop_server, shop = serve(page_site, "127.0.0.2")
    app = make_app(KB_ALLOWED_ORIGINS=shop)
    help_server, help_center = serve(app, "127.0.0.1")
    other_server, other = serve(page_site, "127.0.0.1")  # same pages, an origin not listed
    script = """async ([url, body]) => {
        try {
            const r = await fetch(url, {method: 'POST', body: JSON.stringify(body),
                                        headers: {'Content-Type': 'application/json'}});
            return r.status;
        } catch (e) { return 'blocked'; }
    }"""
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(user_agent=PERSON_AGENT).new_page()
            page.goto(other)
            assert page.evaluate(script, [help_center + VOTE, {"helpful": True}]) == "blocked"
            assert page.evaluate(script, [help_center + "/api/v1/tickets", TICKET]) == "blocked"
            page.goto(shop)
            assert page.evaluate(script, [help_center + VOTE, {"helpful": True}]) == 200
            assert page.evaluate(script, [help_center + "/api/v1/tickets", TICKET]) == 201
            browser.close()
    finally:
        for server in (shop_server, help_server, other_server):
            server.shutdown()
    assert count(app, Vote) == 1 and count(app, Ticket) == 1  # only the allowed page's
