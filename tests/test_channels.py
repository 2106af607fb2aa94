"""The dashboard and ``report deflection`` split by channel and page context."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.events.models import utcnow
from app.metrics.channels import channel_split
from app.metrics.deflection import site_metrics
from tests.conftest import BROWSER, add_staff, sign_in

SHOP = "http://127.0.0.1:8765"
TICKET = {"email": "sam@example.com", "subject": "Refund not received",
          "description": "I returned the lamp two weeks ago and have no refund yet."}


def widget_visit(client, context: str, ticket: bool) -> None:
    token = client.post("/api/v1/widget/session", json={"context": context},
                        headers={**BROWSER, "Origin": SHOP}).get_json()["token"]
    headers = {**BROWSER, "Origin": SHOP, "X-Help-Session": token}
    client.get("/api/v1/search?q=refund", headers=headers)
    client.get("/api/v1/articles/payment-declined", headers=headers)
    client.post("/api/v1/articles/payment-declined/votes", json={"helpful": not ticket},
                headers=headers)
    if ticket:
        client.post("/api/v1/tickets", json=TICKET, headers=headers)


@pytest.fixture()
def mixed_app(make_app):
    """Two widget visits at checkout (one ends in a ticket), one on orders, one on the site."""
    app = make_app(KB_ALLOWED_ORIGINS=SHOP)
    client = app.test_client()
    widget_visit(client, "checkout", ticket=True)
    widget_visit(client, "checkout", ticket=False)
    widget_visit(client, "orders", ticket=False)
    site = app.test_client()
    site.get("/search?q=refund", headers=BROWSER)
    site.get("/articles/cancel-an-order", headers=BROWSER)
    add_staff(app, "boss@pronto.test", "manager")
    return app


def test_the_split_names_each_channel_and_context_and_adds_up_to_the_totals(mixed_app):
    now = utcnow()
    start = now - timedelta(days=1)
    with mixed_app.app_context():
        rows = channel_split(start, now + timedelta(seconds=1))
        totals = site_metrics(mixed_app.extensions["helpcenter"].catalog.all(), start,
                              now + timedelta(seconds=1))
    by_key = {(row.channel, row.context): row for row in rows}
    checkout = by_key[("widget", "checkout")]
    assert (checkout.sessions, checkout.searches, checkout.views) == (2, 2, 2)
    assert (checkout.helpful, checkout.not_helpful, checkout.tickets) == (1, 1, 1)
    assert by_key[("widget", "orders")].sessions == 1
    assert by_key[("site", None)].sessions == 1
    assert sum(row.sessions for row in rows) == totals.sessions
    assert sum(row.tickets for row in rows) == totals.tickets


def test_the_dashboard_shows_the_split(mixed_app):
    client, _ = sign_in(mixed_app, "boss@pronto.test")
    html = client.get("/dashboard/", headers=BROWSER).get_data(as_text=True)
    assert "By channel and context" in html
    assert "<td>Widget</td><td>checkout</td><td>2</td>" in html


def test_report_deflection_filters_the_split_by_channel_and_context(mixed_app):
    runner = mixed_app.test_cli_runner()
    result = runner.invoke(args=["report", "deflection", "--channel", "widget",
                                 "--context", "checkout", "--format", "json"])
    assert result.exit_code == 0, result.output
    split = json.loads(result.output)["by_channel"]
    assert [(r["channel"], r["context"], r["sessions"], r["tickets"]) for r in split] == [
        ("widget", "checkout", 2, 1)]
    table = runner.invoke(args=["report", "deflection", "--channel", "site"]).output
    assert "By channel and context" in table and "widget" not in table.split("By channel")[1]
    refused = runner.invoke(args=["report", "deflection", "--channel", "mail"])
    assert refused.exit_code == 2


def test_the_agent_sees_where_a_widget_ticket_came_from(mixed_app):
    from sqlalchemy import select

    from app.extensions import db
    from app.tickets.models import Ticket

    with mixed_app.app_context():
        reference = db.session.scalar(select(Ticket.reference))
    client, _ = sign_in(mixed_app, "boss@pronto.test")
    html = client.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "<dt>Channel</dt><dd>Widget · checkout</dd>" in html
    assert "Payment declined at checkout" in html


def test_the_handoff_text_says_the_ticket_came_from_the_widget(mixed_app):
    from sqlalchemy import select

    from app.extensions import db
    from app.tickets.models import Ticket

    with mixed_app.app_context():
        reference = db.session.scalar(select(Ticket.reference))
    result = mixed_app.test_cli_runner().invoke(args=["tickets", "show", reference])
    assert "Came from: widget on checkout" in result.output
    assert "read: Payment declined at checkout (voted: did NOT solve it)" in result.output
