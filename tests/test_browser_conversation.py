"""A ticket as a conversation in a real Chromium: the user writes, the agent replies in the
inbox, the user sees the reply marked as support's and answers on the status page, and the
agent sees the answer in the thread. Screenshots of both ticket pages at 1280 px and 390 px.

Shares the browser fixtures of tests/test_browser.py (skipped the same way without Chromium).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import test_browser
from tests.conftest import add_staff
from tests.test_browser import PERSON_AGENT, serve
from tests.test_browser_layout import DESKTOP, PHONE, save, signed_in

browser = test_browser.browser  # the shared Chromium


@pytest.fixture()
def desk_url(make_app) -> Iterator[str]:
    app = make_app(KB_INBOUND_MAIL_ADDRESS="support@help.pronto.test")
    add_staff(app, "agent@pronto.test", "agent")
    yield from serve(app)


def test_user_and_agent_hold_a_conversation_on_the_ticket(browser, desk_url):
    user_context = browser.new_context(viewport=DESKTOP, user_agent=PERSON_AGENT)
    agent_context, agent = signed_in(browser, desk_url, DESKTOP, "agent@pronto.test")
    try:
        user = user_context.new_page()
        errors: list[str] = []
        user.on("console", lambda m: m.type == "error" and errors.append(m.text))
        user.goto(desk_url + "/contact")
        user.get_by_label("Subject").fill("My refund has not arrived")
        user.get_by_label("What happened?").fill("I returned the shoes two weeks ago.")
        user.get_by_label("Your email address").fill("ana@example.com")
        with user.expect_navigation():
            user.get_by_role("button", name="Send to support").click()
        status_url = user.url.replace("&new=1", "")
        reference = user.locator(".reference").inner_text()

        agent.goto(f"{desk_url}/inbox/{reference}")
        agent.get_by_label("Note to the user").fill("Which order number was it?")
        agent.locator("#status").select_option("pending")
        with agent.expect_navigation():
            agent.get_by_role("button", name="Save").click()

        user.goto(status_url)
        support = user.locator(".thread-message.from-support")
        assert support.locator(".thread-author").inner_text() == "Support"
        assert support.locator(".message").inner_text() == "Which order number was it?"
        assert user.locator(".thread-message.from-customer .thread-author").first \
            .inner_text() == "You"
        user.get_by_label("Your answer").fill("Order 55123, paid by card.")
        with user.expect_navigation():
            user.get_by_role("button", name="Send answer").click()
        assert "Your answer was sent." in user.locator("main").inner_text()
        authors = user.locator(".thread-message .thread-author").all_inner_texts()
        assert authors == ["You", "Support", "You"]
        for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
            user.set_viewport_size(viewport)
            save(user, f"ticket-status-{size}")

        agent.goto(f"{desk_url}/inbox/")
        row = agent.locator("tr", has_text=reference)
        assert "Customer replied" in row.inner_text()
        agent.goto(f"{desk_url}/inbox/{reference}")
        messages = agent.locator(".thread-message")
        assert messages.locator(".thread-author").all_inner_texts() == [
            "Customer", "agent@pronto.test", "Customer"]
        assert messages.nth(2).locator(".message").inner_text() == "Order 55123, paid by card."
        for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
            agent.set_viewport_size(viewport)
            save(agent, f"inbox-ticket-{size}")
        assert errors == []
    finally:
        user_context.close()
        agent_context.close()
