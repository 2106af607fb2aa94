"""Handoff to a human: contact form, stored ticket, context, priority and status page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.tickets.models import OutboxMessage, Ticket
from app.tickets.priority import classify
from tests.conftest import BROWSER, csrf_token

GOOD = {"email": "sam@example.com", "subject": "Refund not received",
        "description": "I returned the lamp two weeks ago and have no refund yet."}


def tickets(app) -> list[Ticket]:
    with app.app_context():
        found = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
        for ticket in found:
            db.session.expunge(ticket)
        return found


def test_contact_form_round_trip_with_context(make_app):
    app = make_app()
    client = app.test_client()
    client.get("/search?q=refund+not+received", headers=BROWSER)
    client.get("/search?q=xylophone", headers=BROWSER)
    client.get("/articles/check-refund-status", headers=BROWSER)
    client.post("/api/v1/articles/check-refund-status/votes",
                json={"helpful": False, "reason": "didnt-answer"}, headers=BROWSER)
    client.get("/articles/refund-timelines", headers=BROWSER)

    form = client.get("/contact?article=refund-timelines", headers=BROWSER).get_data(as_text=True)
    assert 'value="How long refunds take"' in form or 'name="subject"' in form
    token = csrf_token(client, "/contact?article=refund-timelines")
    response = client.post("/contact", data={**GOOD, "csrf_token": token,
                                             "article": "refund-timelines",
                                             "order_reference": "PR-48213"}, headers=BROWSER)
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"], headers=BROWSER)
    html = confirmation.get_data(as_text=True)

    [ticket] = tickets(app)
    assert re.fullmatch(r"HC-[2-9A-HJKMNP-TV-Z]{6}", ticket.reference)
    assert ticket.reference in html and "within 1 hour" in html
    assert ticket.priority == "P2" and ticket.journey == "refunds-and-after-sales"
    assert ticket.order_reference == "PR-48213"
    context = ticket.context
    assert [a["slug"] for a in context["articles"]] == ["check-refund-status", "refund-timelines"]
    assert context["articles"][0]["vote"] == "no"
    assert context["articles"][0]["reason"] == "didnt-answer"
    assert context["articles"][1]["vote"] is None
    assert [(s["query"], s["results"] > 0) for s in context["searches"]] == [
        ("refund not received", True), ("xylophone", False)]


def test_status_page_needs_the_private_token(make_app):
    app = make_app()
    client = app.test_client()
    response = client.post("/api/v1/tickets", json=GOOD, headers=BROWSER)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"reference", "priority", "status_url"}
    status = client.get(body["status_url"], headers=BROWSER)
    html = status.get_data(as_text=True)
    assert status.status_code == 200 and "Refund not received" in html and "Open" in html
    assert "We received your request." in html
    assert tickets(app)[0].order_reference is None
    wrong = client.get(f"/tickets/{body['reference']}?token=guess", headers=BROWSER)
    assert wrong.status_code == 404
    assert client.get(f"/tickets/{body['reference']}", headers=BROWSER).status_code == 404


def test_ticket_is_stored_and_delivered_through_the_log_channel_by_default(make_app, caplog):
    app = make_app()
    app.test_client().post("/api/v1/tickets", json=GOOD, headers=BROWSER)
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert (message.channel, message.status, message.attempts) == ("log", "delivered", 1)
    assert "Refund not received" not in caplog.text or "HC-" in caplog.text


@pytest.mark.parametrize(("subject", "description", "urgent_article", "expected"), [
    ("My account was hacked", "Someone changed my password", False, "P1"),
    ("Paid but my order failed", "The money left my account", False, "P1"),
    ("Charged twice", "two payments", False, "P1"),
    ("App keeps crashing", "on Android", False, "P2"),
    ("Question about Pronto Plus", "Can I share it with family?", False, "P3"),
    ("Question", "Hello", True, "P1"),
])
def test_priority_rules(helpcenter, subject, description, urgent_article, expected):
    article = next(a for a in helpcenter.catalog.all() if a.urgent) if urgent_article else None
    assert classify(subject, description, article)[0] == expected


def test_urgent_article_ticket_is_p1_with_ten_minute_target(make_app):
    app = make_app()
    client = app.test_client()
    response = client.post("/api/v1/tickets", json={**GOOD, "article": "account-hacked",
                                                    "subject": "Help"}, headers=BROWSER)
    assert response.get_json()["priority"] == "P1"
    html = client.get(response.get_json()["status_url"] + "&new=1",
                      headers=BROWSER).get_data(as_text=True)
    assert "within 10 minutes" in html and "marked urgent" in html


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"email": "not-an-email"}, "email", "doesn't look like an email"),
    ({"email": ""}, "email", "required"),
    ({"subject": "   "}, "subject", "required"),
    ({"description": "x" * 5001}, "description", "limit is 5000"),
    ({"subject": ["a list"]}, "subject", "must be text"),
    ({"subject": "Refund\r\nBcc: everyone@example.com"}, "subject", "single line"),
])
def test_invalid_ticket_is_refused_naming_the_field(make_app, change, field, fragment):
    app = make_app()
    response = app.test_client().post("/api/v1/tickets", json={**GOOD, **change},
                                      headers=BROWSER)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]["fields"][field]
    assert tickets(app) == []


def test_a_body_over_the_json_limit_is_refused_naming_the_body(make_app):
    app = make_app()
    response = app.test_client().post("/api/v1/tickets",
                                      json={**GOOD, "description": "x" * 1_000_000},
                                      headers=BROWSER)
    assert response.status_code == 413
    assert "limit is 65536" in response.get_json()["error"]["fields"]["body"]
    assert tickets(app) == []


def test_invalid_contact_form_keeps_what_was_typed(make_app):
    app = make_app()
    client = app.test_client()
    token = csrf_token(client, "/contact")
    response = client.post("/contact", data={**GOOD, "email": "sam@", "csrf_token": token},
                           headers=BROWSER)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "doesn&#39;t look like an email" in html or "doesn't look like an email" in html
    assert "I returned the lamp two weeks ago" in html
    assert tickets(app) == []


def test_contact_form_requires_csrf(make_app):
    app = make_app()
    response = app.test_client().post("/contact", data=GOOD, headers=BROWSER)
    assert response.status_code == 400
    assert tickets(app) == []


def test_a_flood_of_tickets_is_rate_limited_without_losing_the_first_ones(make_app):
    app = make_app(KB_TICKET_RATE_LIMIT=3)
    client = app.test_client()
    statuses = [client.post("/api/v1/tickets", json={**GOOD, "subject": f"Try {n}"},
                            headers=BROWSER).status_code for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert [t.subject for t in tickets(app)] == ["Try 0", "Try 1", "Try 2"]
    response = client.post("/api/v1/tickets", json=GOOD, headers=BROWSER)
    assert "We have them all" in response.get_json()["error"]["message"]


def test_contact_page_prefills_from_the_article_and_search(client):
    html = client.get("/contact?article=charged-twice", headers=BROWSER).get_data(as_text=True)
    assert 'name="article" value="charged-twice"' in html
    html = client.get("/contact?q=lost+parcel", headers=BROWSER).get_data(as_text=True)
    assert 'value="lost parcel"' in html


def test_tickets_cli_lists_and_shows_context(make_app):
    app = make_app()
    client = app.test_client()
    client.get("/articles/payment-declined", headers=BROWSER)
    reference = client.post("/api/v1/tickets", json=GOOD,
                            headers=BROWSER).get_json()["reference"]
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["tickets", "list"])
    assert reference in listing.output and "P2" in listing.output
    shown = runner.invoke(args=["tickets", "show", reference])
    assert "I returned the lamp" in shown.output
    assert "read: Payment declined" in shown.output
    assert "delivery via log: delivered" in shown.output
    assert runner.invoke(args=["tickets", "show", "HC-NOPE00"]).exit_code == 1


def test_api_accepts_the_users_order_reference_as_reference(make_app):
    app = make_app()
    response = app.test_client().post("/api/v1/tickets", json={**GOOD, "reference": "PR-77"},
                                      headers=BROWSER)
    assert response.status_code == 201
    assert response.get_json()["reference"].startswith("HC-")
    assert tickets(app)[0].order_reference == "PR-77"


def test_a_retry_with_the_same_idempotency_key_never_makes_a_second_ticket(make_app):
    app = make_app()
    client = app.test_client()
    key = {"Idempotency-Key": "3f1c2a9e-7d41-4b7e-9a0c-5d2f8e6b1a77", **BROWSER}
    first = client.post("/api/v1/tickets", json=GOOD, headers=key)
    again = client.post("/api/v1/tickets", json=GOOD, headers=key)
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()  # the same reference and private link
    assert len(tickets(app)) == 1
    assert client.get(again.get_json()["status_url"], headers=BROWSER).status_code == 200
    changed = client.post("/api/v1/tickets", json={**GOOD, "subject": "Other"}, headers=key)
    assert changed.status_code == 409
    assert "Idempotency-Key" in changed.get_json()["error"]["fields"]
    bad = client.post("/api/v1/tickets", json=GOOD, headers={"Idempotency-Key": "short",
                                                             **BROWSER})
    assert bad.status_code == 400 and "Idempotency-Key" in bad.get_json()["error"]["fields"]
    assert len(tickets(app)) == 1


def test_the_contact_form_sent_twice_makes_one_ticket(make_app):
    app = make_app()
    client = app.test_client()
    html = client.get("/contact", headers=BROWSER).get_data(as_text=True)
    import re

    form = {**GOOD, "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html)[1],
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', html)[1]}
    first = client.post("/contact", data=form, headers=BROWSER)
    second = client.post("/contact", data=form, headers=BROWSER)  # a double click, a retry
    assert first.headers["Location"] == second.headers["Location"]
    assert len(tickets(app)) == 1
    edited = client.post("/contact", data={**form, "description": "More detail."},
                         headers=BROWSER)  # back, changed, sent again: a new request
    assert edited.status_code == 302 and len(tickets(app)) == 2
