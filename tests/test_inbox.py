"""The agents' ticket inbox: access by role, order and SLA, context, replies to the user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.events.models import utcnow
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import BROWSER, add_staff, csrf_token, sign_in

TICKET = {"email": "lee@example.com", "subject": "Question about Pronto Plus",
          "description": "Can my partner use my plan?"}


def open_ticket(app, **changes):
    client = app.test_client()
    client.get("/search?q=pronto+plus+family", headers=BROWSER)
    client.get("/articles/what-is-pronto-plus", headers=BROWSER)
    client.post("/api/v1/articles/what-is-pronto-plus/votes",
                json={"helpful": False, "reason": "didnt-answer"}, headers=BROWSER)
    body = client.post("/api/v1/tickets", json={**TICKET, **changes}, headers=BROWSER).get_json()
    return body["reference"], body["status_url"], client


@pytest.mark.parametrize(("email", "status"), [
    (None, 302), ("editor@pronto.test", 403), ("agent@pronto.test", 200),
    ("manager@pronto.test", 200), ("admin@pronto.test", 200),
])
def test_inbox_role_checks(staff_app, email, status):
    reference, _, _ = open_ticket(staff_app)
    client = sign_in(staff_app, email)[0] if email else staff_app.test_client()
    for path in ("/inbox/", f"/inbox/{reference}"):
        assert client.get(path, headers=BROWSER).status_code == status, path
    if email is None or status == 403:
        response = client.post(f"/inbox/{reference}", data={"status": "solved"},
                               headers=BROWSER)
        assert response.status_code in {400, 302, 403}
        token = csrf_token(client, "/login")
        for action in ("cause", "article"):
            response = client.post(f"/inbox/{reference}/{action}", headers=BROWSER, data={
                "csrf_token": token, "article": "what-is-pronto-plus", "reason": "wrong"})
            assert response.status_code == status, action
        with staff_app.app_context():
            assert db.session.scalar(select(Ticket.status)) == "open"


def test_inbox_orders_by_priority_then_age_and_marks_overdue(staff_app):
    question, _, _ = open_ticket(staff_app)
    hacked, _, _ = open_ticket(staff_app, subject="My account was hacked")
    with staff_app.app_context():
        db.session.execute(update(Ticket).where(Ticket.reference == question)
                           .values(created_at=utcnow() - timedelta(hours=5)))
        db.session.commit()
    client, _ = sign_in(staff_app, "agent@pronto.test")
    html = client.get("/inbox/", headers=BROWSER).get_data(as_text=True)
    assert html.index(hacked) < html.index(question)  # P1 before an older P3
    row = html[html.index(question):].split("</tr>")[0]
    assert "Overdue" in row and "240 min" in row
    first_row = html[html.index(hacked):].split("</tr>")[0]
    assert "Overdue" not in first_row and "10 min" in first_row


def test_ticket_page_shows_what_the_user_tried(staff_app):
    reference, _, _ = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    html = client.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "Can my partner use my plan?" in html
    assert "said it did not help" in html and "didnt-answer" in html
    assert "Searched “pronto plus family”" in html


def test_reply_updates_status_and_the_users_status_page(staff_app):
    reference, status_url, user = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    token = csrf_token(client, f"/inbox/{reference}")
    response = client.post(f"/inbox/{reference}", headers=BROWSER, data={
        "csrf_token": token, "status": "solved",
        "note": "Yes: Pronto Plus covers everyone at one delivery address."})
    assert response.status_code == 302
    html = user.get(status_url, headers=BROWSER).get_data(as_text=True)
    assert "Solved" in html and "covers everyone at one delivery address" in html
    with staff_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.first_response_at is not None
    listing = client.get("/inbox/", headers=BROWSER).get_data(as_text=True)
    assert reference not in listing  # solved tickets leave the default view
    assert reference in client.get("/inbox/?status=solved", headers=BROWSER).get_data(
        as_text=True)


def test_empty_reply_is_refused(staff_app):
    reference, _, _ = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    token = csrf_token(client, f"/inbox/{reference}")
    response = client.post(f"/inbox/{reference}", headers=BROWSER,
                           data={"csrf_token": token, "status": "open", "note": "  "})
    assert response.status_code == 400
    assert "write a reply or change the status" in response.get_data(as_text=True)


def test_reply_is_mailed_to_the_user_when_smtp_is_configured(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_SUPPORT_EMAIL="support@pronto.test")
    add_staff(app, "agent@pronto.test", "agent")
    reference, _, _ = open_ticket(app)
    client, _ = sign_in(app, "agent@pronto.test")
    token = csrf_token(client, f"/inbox/{reference}")
    client.post(f"/inbox/{reference}", headers=BROWSER, data={
        "csrf_token": token, "status": "pending", "note": "Which plan are you on?"})
    recipients = [envelope.rcpt_tos for envelope in mailbox.messages]
    assert recipients == [["support@pronto.test"], ["lee@example.com"]]
    reply = mailbox.messages[1].content.decode()
    assert f"Re: Question about Pronto Plus [{reference}]" in reply
    assert "Which plan are you on?" in reply and "Status: pending" in reply
