"""The help widget in a real Chromium, on a shop page served from another origin.

Shares the browser fixtures of tests/test_browser.py (skipped the same way without Chromium).
Screenshots of the open widget go where tests/test_browser_layout.py saves its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from app.events.models import Event, HelpSession, Vote
from app.extensions import db
from app.tickets.models import Ticket
from tests import test_browser
from tests.conftest import free_port
from tests.test_browser import PERSON_AGENT, serve
from tests.test_browser_layout import PHONE, SCREENSHOTS

browser = test_browser.browser  # the shared Chromium


def shop_page(help_url: str, context: str = "checkout") -> bytes:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Shop</title></head><body><h1>Checkout</h1><p>Order PR-1 · €72.90</p>"
            f'<script src="{help_url}/widget.js" data-context="{context}" async></script>'
            f"</body></html>").encode()


def host(html: bytes, port: int) -> tuple[ThreadingHTTPServer, str]:
    """Another origin: a tiny server whose every page is ``html``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture()
def shop(make_app) -> Iterator[tuple]:
    """(help center app, its URL, a listed shop's URL, an unlisted shop's URL)."""
    listed_port = free_port()
    listed = f"http://127.0.0.1:{listed_port}"
    app = make_app(KB_ALLOWED_ORIGINS=listed)
    served = serve(app)
    help_url = next(served)
    page = shop_page(help_url)
    good, _ = host(page, listed_port)
    bad, bad_url = host(page, free_port())
    yield app, help_url, listed, bad_url
    for server in (good, bad):
        server.shutdown()
        server.server_close()
    served.close()


def count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def new_page(browser, viewport: dict):
    context = browser.new_context(viewport=viewport, user_agent=PERSON_AGENT,
                                  is_mobile=viewport["width"] < 500)
    return context, context.new_page()


def test_the_widget_helps_on_a_listed_shop_and_records_under_its_channel(browser, shop):
    app, help_url, shop_url, _ = shop
    context, page = new_page(browser, {"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    api_calls: list[str] = []
    page.on("request", lambda request: "/api/" in request.url and api_calls.append(request.url))
    page.goto(shop_url + "/")
    button = page.get_by_role("button", name="Help", exact=True)
    button.wait_for()
    assert api_calls == []  # nothing fetched before the button is pressed

    button.click()
    dialog = page.get_by_role("dialog", name="Help center")
    assert dialog.get_attribute("aria-modal") == "true"
    dialog.get_by_role("button", name="Payment declined at checkout").wait_for()
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, "widget-open-1280.png"))

    box = dialog.get_by_role("searchbox", name="Search help articles")
    box.press_sequentially("refu", delay=40)
    dialog.get_by_role("heading", name="Results").wait_for()
    assert dialog.locator(".found .item").count() > 0
    box.press_sequentially("nd", delay=20)
    box.press("Enter")  # a search, recorded as one
    dialog.locator(".found .item").first.wait_for()
    dialog.get_by_role("button", name="How long do refunds take?").click()
    dialog.get_by_role("heading", name="How long do refunds take?").wait_for()
    assert dialog.get_by_text("Did this solve your problem?").is_visible()

    dialog.get_by_role("button", name="No", exact=True).click()
    dialog.get_by_label("The steps didn't work").check()
    dialog.get_by_role("button", name="Send", exact=True).click()
    dialog.get_by_text("Thank you for your feedback.").wait_for()

    dialog.get_by_role("button", name="Contact us").click()
    dialog.get_by_label("Your email address").fill("sam@example.com")
    dialog.get_by_label("Subject").fill("Refund not received")
    dialog.get_by_label("What happened?").fill("I returned the lamp two weeks ago.")
    dialog.get_by_role("heading", name="These articles may answer it").wait_for()
    dialog.get_by_role("button", name="Send request").click()
    reference = dialog.get_by_text("Your reference is HC-")
    reference.wait_for()
    status = dialog.get_by_role("link", name="Follow its status")
    assert status.get_attribute("href").startswith(help_url + "/tickets/HC-")

    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert page.evaluate("document.querySelector('[data-help-widget]').shadowRoot"
                         ".activeElement.className") == "launch"
    assert errors == []
    context.close()

    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert (ticket.channel, ticket.page_context) == ("widget", "checkout")
        assert ticket.context["articles"][0]["slug"] == "refund-timelines"
        assert ticket.context["articles"][0]["vote"] == "no"
        assert ticket.context["searches"][0]["query"] == "refund"
    assert count(app, Vote, channel="widget", page_context="checkout", helpful=False) == 1
    for name in ("article.viewed", "search.performed", "ticket.created"):
        assert count(app, Event, name=name, channel="widget", page_context="checkout") == 1
    assert count(app, HelpSession, channel="widget", page_context="checkout") == 1

    context, phone = new_page(browser, PHONE)
    phone.goto(shop_url + "/")
    phone.get_by_role("button", name="Help", exact=True).click()
    dialog = phone.get_by_role("dialog", name="Help center")
    dialog.get_by_role("button", name="Payment declined at checkout").wait_for()
    size = dialog.bounding_box()
    assert (size["width"], size["height"]) == (PHONE["width"], PHONE["height"])  # full screen
    phone.screenshot(path=os.path.join(SCREENSHOTS, "widget-open-390.png"))
    context.close()


def test_on_a_shop_that_is_not_listed_help_is_unavailable_and_nothing_is_recorded(
        browser, shop):
    app, _, _, unlisted = shop
    context, page = new_page(browser, {"width": 1280, "height": 900})
    page.goto(unlisted + "/")
    page.get_by_role("button", name="Help", exact=True).click()
    dialog = page.get_by_role("dialog", name="Help center")
    dialog.get_by_role("alert").wait_for()
    assert dialog.get_by_role("alert").inner_text() == "Help is not available on this page."
    context.close()
    for model in (HelpSession, Event, Vote, Ticket):
        assert count(app, model) == 0


def test_the_demo_shop_speaks_chinese_and_keeps_its_styles_under_the_sites_csp(browser, app):
    served = serve(app)
    help_url = next(served)
    context, page = new_page(browser, {"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(help_url + "/demo/shop?lang=zh")
    button = page.get_by_role("button", name="帮助", exact=True)
    button.wait_for()
    assert button.evaluate("b => getComputedStyle(b).position") == "fixed"  # styles applied
    button.click()
    dialog = page.get_by_role("dialog", name="帮助中心")
    dialog.get_by_role("heading", name="与本页相关的文章").wait_for()
    dialog.get_by_role("button", name="付款失败、银行卡被拒怎么办").wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # focus stays inside the panel
    assert page.evaluate("document.querySelector('[data-help-widget]').shadowRoot"
                         ".activeElement.closest('[role=dialog]') !== null")
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert errors == []
    context.close()
    served.close()
