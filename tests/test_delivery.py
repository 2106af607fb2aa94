"""Ticket delivery against real local servers: SMTP (aiosmtpd) and an HTTP webhook receiver."""

from __future__ import annotations

import html
import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.events.models import utcnow
from app.extensions import db
from app.tickets.channels import SIGNATURE_HEADER, sign
from app.tickets.models import OutboxMessage
from app.tickets.outbox import backoff
from tests.conftest import BROWSER, free_port, start_smtp_server

TICKET = {"email": "ana@example.com", "subject": "Order never arrived",
          "description": "Order PR-1 shows delivered but nothing came."}


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def webhook_server():
    Receiver.received, Receiver.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/tickets", Receiver
    server.shutdown()
    server.server_close()


def outbox(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [(m.channel, m.status, m.attempts)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_ticket_is_mailed_to_support_with_its_context(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_SUPPORT_EMAIL="support@pronto.test")
    client = app.test_client()
    client.get("/search?q=order+never+arrived", headers=BROWSER)
    client.get("/articles/order-never-arrived", headers=BROWSER)
    reference = client.post("/api/v1/tickets", json=TICKET, headers=BROWSER).get_json()["reference"]

    envelope, acknowledgement = inbox.messages
    assert envelope.rcpt_tos == ["support@pronto.test"]
    assert acknowledgement.rcpt_tos == ["ana@example.com"]  # docs/tickets.md
    text = envelope.content.decode()
    assert f"Subject: [{reference}][P2] Order never arrived" in text
    assert "Reply-To: ana@example.com" in text
    assert "nothing came" in text
    assert 'searched: "order never arrived"' in text
    assert "read: " in text
    assert outbox(app) == [("smtp", "delivered", 1), ("ack", "delivered", 1)]


def test_mail_server_down_keeps_the_ticket_and_retries_until_delivered(make_app):
    port = free_port()  # nothing listens here yet
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{port}")
    client = app.test_client()
    response = client.post("/api/v1/tickets", json=TICKET, headers=BROWSER)
    assert response.status_code == 201  # the user is not made to wait for the mail server
    assert outbox(app) == [("smtp", "pending", 1), ("ack", "pending", 1)]
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert "Connection refused" in message.last_error or "refused" in message.last_error
        assert message.next_attempt_at > utcnow() + timedelta(seconds=20)

    runner = app.test_cli_runner()
    not_due = runner.invoke(args=["tickets", "deliver"])
    assert "delivered 0" in not_due.output  # backoff not passed yet

    controller, inbox = start_smtp_server(port)
    try:
        result = runner.invoke(args=["tickets", "deliver", "--all"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert "delivered 2" in result.output and "still pending 0" in result.output
    assert len(inbox.messages) == 2  # the ticket and the user's acknowledgement
    assert outbox(app) == [("smtp", "delivered", 2), ("ack", "delivered", 2)]


def test_webhook_gets_signed_json(make_app, webhook_server):
    url, receiver = webhook_server
    app = make_app(KB_TICKET_WEBHOOK_URL=url, KB_TICKET_WEBHOOK_SECRET="s3cret")
    client = app.test_client()
    client.get("/articles/account-hacked", headers=BROWSER)
    client.post("/api/v1/tickets", json={**TICKET, "article": "account-hacked"}, headers=BROWSER)
    [(headers, body)] = receiver.received
    assert headers["Content-Type"] == "application/json"
    assert headers[SIGNATURE_HEADER] == sign("s3cret", body)
    payload = json.loads(body)
    assert payload["priority"] == "P1"
    assert payload["context"]["articles"][0]["slug"] == "account-hacked"
    assert payload["email"] == "ana@example.com"
    assert outbox(app) == [("webhook", "delivered", 1)]


def test_webhook_error_status_is_retried(make_app, webhook_server):
    url, receiver = webhook_server
    receiver.status = 503
    app = make_app(KB_TICKET_WEBHOOK_URL=url)
    app.test_client().post("/api/v1/tickets", json=TICKET, headers=BROWSER)
    assert outbox(app) == [("webhook", "pending", 1)]
    receiver.status = 200
    result = app.test_cli_runner().invoke(args=["tickets", "deliver", "--all"])
    assert "delivered 1" in result.output
    assert outbox(app) == [("webhook", "delivered", 2)]
    assert len(receiver.received) == 2


def test_both_channels_are_delivered_independently(make_app, smtp_server, webhook_server):
    controller, inbox = smtp_server
    url, receiver = webhook_server
    receiver.status = 500
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}", KB_TICKET_WEBHOOK_URL=url)
    app.test_client().post("/api/v1/tickets", json=TICKET, headers=BROWSER)
    assert outbox(app) == [("smtp", "delivered", 1), ("webhook", "pending", 1),
                           ("ack", "delivered", 1)]
    assert [m.rcpt_tos for m in inbox.messages] == [["support@example.com"],
                                                    ["ana@example.com"]]


def test_background_delivery_after_submit(make_app, smtp_server):
    import time

    controller, inbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_TICKET_DELIVERY="background")
    app.test_client().post("/api/v1/tickets", json=TICKET, headers=BROWSER)
    deadline = time.monotonic() + 10
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) == 2  # the ticket and the user's acknowledgement


def test_backoff_grows_and_is_capped():
    delays = [backoff(n).total_seconds() for n in range(1, 10)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 3600


def test_the_support_mail_names_journeys_reasons_and_articles_in_words(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_SUPPORT_EMAIL="support@pronto.test")
    client = app.test_client()
    page = client.get("/search?q=refund", headers=BROWSER).get_data(as_text=True)
    link = re.search(r'href="(/articles/([a-z0-9-]+)\?[^"]*s=\d+[^"]*)"', page)
    client.get(html.unescape(link.group(1)), headers=BROWSER)
    found = client.get(f"/api/v1/articles/{link.group(2)}").get_json()
    client.post(f"/api/v1/articles/{found['slug']}/votes", headers=BROWSER,
                json={"helpful": False, "reason": "steps-didnt-work"})
    client.post("/api/v1/tickets", headers=BROWSER,
                json={**TICKET, "subject": "Refund", "article": found["slug"],
                      "description": "My refund has not arrived after two weeks."})

    text = inbox.messages[0].content.decode()
    assert "Journey: Refunds" in text and "refunds-and-after-sales" not in text
    assert "The steps didn't work" in text and "steps-didnt-work" not in text
    assert f"opened {found['title']} (#1)" in text
