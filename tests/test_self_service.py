"""Self-service after writing: the acknowledgement mail (a real local SMTP server) offers
articles with a signed "This answered my question" link; following it solves the ticket."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.events.models import utcnow
from app.extensions import db
from app.metrics.deflection import site_metrics
from app.tickets.models import OutboxMessage, Ticket, TicketSuggestion
from app.tickets.self_service import SALT, sign_answer
from tests.conftest import BROWSER, add_staff, csrf_token, sign_in

QUESTION = {"email": "ana@example.com", "subject": "Where is my refund",
            "description": "I cancelled my order last week and the money is not back yet."}


def read_mail(envelope) -> tuple[str, str]:
    """(subject, text) as the user's mail program shows them."""
    message = message_from_bytes(envelope.content, policy=policy.default)
    return message["Subject"], message.get_content().replace("\r\n", "\n")


def submit(client, data: dict, path: str = "/contact") -> str:
    """Send the contact form as a browser would; the status page's path."""
    token = csrf_token(client, path)
    response = client.post("/contact", data={**data, "csrf_token": token}, headers=BROWSER)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def ticket_row(app, reference: str) -> Ticket:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        db.session.expunge(ticket)
        return ticket


def answer_path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture()
def mail_app(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_SUPPORT_EMAIL="support@pronto.test")
    return app, mailbox


def test_acknowledgement_offers_articles_and_the_link_solves_the_ticket(mail_app):
    app, mailbox = mail_app
    user = app.test_client()
    status_page = submit(user, QUESTION)
    reference = re.search(r"/tickets/(HC-\w+)", status_page).group(1)

    # One mail to the support team, one acknowledgement to the user.
    assert [m.rcpt_tos for m in mailbox.messages] == [["support@pronto.test"],
                                                      ["ana@example.com"]]
    subject, text = read_mail(mailbox.messages[1])
    assert subject == f"We received your request {reference}: Where is my refund"
    titles = re.findall(r"^\d\. (.+)$", text, re.M)
    assert 0 < len(titles) <= 3 and "Where's my refund?" in titles
    links = re.findall(r"This answered my question: (\S+)", text)
    assert len(links) == len(titles)
    assert all(link.startswith("http://localhost/self-service/") for link in links)
    assert "ana@example.com" not in " ".join(links)  # the link carries no personal data

    # The page after submitting offers the same articles.
    html = user.get(status_page, headers=BROWSER).get_data(as_text=True)
    assert "these articles may already answer your question" in html
    assert all(title.replace("'", "&#39;") in html for title in titles)

    # Opening the link (a mail scanner would do the same) changes nothing.
    chosen = links[titles.index("Where's my refund?")]
    reader = app.test_client()  # the mail is opened in another browser
    page = reader.get(answer_path(chosen), headers=BROWSER)
    assert page.status_code == 200
    assert "Did this article answer your question?" in page.get_data(as_text=True)
    assert ticket_row(app, reference).status == "open"

    # Without the form's CSRF token the answer is refused.
    assert reader.post(answer_path(chosen), headers=BROWSER).status_code == 400
    assert ticket_row(app, reference).status == "open"

    token = csrf_token(reader, answer_path(chosen))
    confirmed = reader.post(answer_path(chosen), data={"csrf_token": token}, headers=BROWSER)
    assert confirmed.status_code == 302
    thanks = reader.get(confirmed.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "Thank you!" in thanks and reference in thanks
    again = reader.post(answer_path(chosen), data={"csrf_token": token}, headers=BROWSER)
    assert again.status_code == 302  # pressed twice: still one answer, no error

    ticket = ticket_row(app, reference)
    assert ticket.status == "solved" and ticket.first_response_at is None
    with app.app_context():
        answered = db.session.scalars(select(TicketSuggestion).where(
            TicketSuggestion.answered_at.is_not(None))).all()
        assert [row.article_slug for row in answered] == ["check-refund-status"]
        notes = [u.note for u in db.session.get(Ticket, ticket.id).updates]
        assert notes[-1] == ("Solved by the user: the article “Where's my refund?” answered "
                             "the question.")
        assert len(notes) == 2
        # Another offered article's link now only says thank you.
        other = [link for link in links if link != chosen]
        if other:
            assert "Thank you!" in reader.get(answer_path(other[0]), headers=BROWSER
                                              ).get_data(as_text=True)

    # The user's status page shows the history in their words.
    html = user.get(status_page, headers=BROWSER).get_data(as_text=True)
    assert "Solved by the user" in html and "these articles may already" not in html


def test_agents_see_it_and_the_figures_count_it_apart(mail_app):
    app, _ = mail_app
    add_staff(app, "manager@pronto.test", "manager")
    user = app.test_client()
    submit(user, QUESTION)
    submit(user, {**QUESTION, "subject": "Cannot change my email address",
                  "description": "I want to use my new email address for my account."})
    with app.app_context():
        offer = db.session.scalars(select(TicketSuggestion).order_by(TicketSuggestion.id)).first()
        path, reference = answer_path(offer.answer_url), offer.ticket.reference
    token = csrf_token(user, path)
    user.post(path, data={"csrf_token": token}, headers=BROWSER)

    staff, _ = sign_in(app, "manager@pronto.test")
    inbox = staff.get("/inbox/?status=solved", headers=BROWSER).get_data(as_text=True)
    assert reference in inbox and 'class="badge self-solved"' in inbox
    page = staff.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "Solved by the user without an agent" in page
    assert "Articles offered after writing" in page

    with app.app_context():
        now = utcnow()
        site = site_metrics([], now - timedelta(days=1), now + timedelta(seconds=1))
        assert (site.tickets_offered_articles, site.tickets_self_solved) == (2, 1)
        assert site.tickets == 2  # still two tickets; the deflection is counted apart
    dashboard = staff.get("/dashboard/?days=7", headers=BROWSER).get_data(as_text=True)
    assert "Solved by self-service after writing: 1 of 2 tickets offered articles" in dashboard
    report = app.test_cli_runner().invoke(args=["report", "deflection", "--since", "1d"])
    assert "solved by self-service after writing: 1 of 2 tickets offered articles" \
        in report.output
    as_json = app.test_cli_runner().invoke(
        args=["report", "deflection", "--since", "1d", "--format", "json"])
    assert '"tickets_self_solved": 1' in as_json.output


def test_urgent_requests_get_no_articles(mail_app):
    app, mailbox = mail_app
    user = app.test_client()
    status_page = submit(user, {**QUESTION, "subject": "Someone hacked my account",
                                "description": "My password was changed by someone else."})
    assert ticket_row(app, re.search(r"HC-\w+", status_page).group(0)).priority == "P1"
    _, text = read_mail(mailbox.messages[1])
    assert "This answered my question" not in text and "We received your request" in text
    assert "may already answer" not in user.get(status_page, headers=BROWSER).get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalars(select(TicketSuggestion)).all() == []


def test_a_ticket_from_an_urgent_article_gets_no_articles(make_app):
    app = make_app()
    user = app.test_client()
    submit(user, {**QUESTION, "subject": "Help please", "article": "account-hacked"},
           "/contact?article=account-hacked")
    with app.app_context():
        assert db.session.scalars(select(TicketSuggestion)).all() == []


def test_a_tampered_or_expired_link_gets_a_clear_page(mail_app):
    app, _ = mail_app
    user = app.test_client()
    submit(user, QUESTION)
    with app.app_context():
        offer = db.session.scalars(select(TicketSuggestion)).first()
        reference, slug, token = offer.ticket.reference, offer.article_slug, offer.token
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    page = user.get(f"/self-service/{tampered}", headers=BROWSER)
    assert page.status_code == 400
    assert "This link is not valid" in page.get_data(as_text=True)
    forged = sign_answer("another-secret", reference, slug)
    assert user.get(f"/self-service/{forged}", headers=BROWSER).status_code == 400
    assert user.get("/self-service/nonsense", headers=BROWSER).status_code == 400

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 31 * 24 * 3600

    old = URLSafeTimedSerializer("test-secret", salt=SALT, signer=LongAgo).dumps(
        {"t": reference, "a": slug})
    expired = user.get(f"/self-service/{old}", headers=BROWSER)
    assert expired.status_code == 410
    assert "This link has expired" in expired.get_data(as_text=True)
    token_form = csrf_token(user, "/contact")
    assert user.post(f"/self-service/{old}", data={"csrf_token": token_form},
                     headers=BROWSER).status_code == 410
    # A valid signature for an article that was never offered with this ticket.
    stranger = sign_answer("test-secret", reference, "cancel-an-order-zzz")
    assert user.get(f"/self-service/{stranger}", headers=BROWSER).status_code == 404
    assert ticket_row(app, reference).status == "open"


def test_after_an_agent_answered_the_link_changes_nothing(mail_app):
    app, _ = mail_app
    add_staff(app, "agent@pronto.test", "agent")
    user = app.test_client()
    status_page = submit(user, QUESTION)
    reference = re.search(r"HC-\w+", status_page).group(0)
    agent, _ = sign_in(app, "agent@pronto.test")
    agent.post(f"/inbox/{reference}", headers=BROWSER, data={
        "csrf_token": csrf_token(agent, f"/inbox/{reference}"), "status": "pending",
        "note": "Which order is it?"})
    with app.app_context():
        path = answer_path(db.session.scalars(select(TicketSuggestion)).first().answer_url)
    page = user.get(path, headers=BROWSER).get_data(as_text=True)
    assert "Our team has already answered this request" in page
    # A form kept open from before the reply is still refused quietly.
    user.post(path, data={"csrf_token": csrf_token(user, "/contact")}, headers=BROWSER)
    assert ticket_row(app, reference).status == "pending"
    with app.app_context():
        assert db.session.scalars(select(TicketSuggestion).where(
            TicketSuggestion.answered_at.is_not(None))).all() == []


def test_the_page_after_submitting_solves_it_in_one_click(make_app):
    app = make_app()  # no mail configured: the status page still offers the articles
    user = app.test_client()
    status_page = submit(user, QUESTION)
    html = user.get(status_page, headers=BROWSER).get_data(as_text=True)
    action = re.search(r'<form method="post" action="(/self-service/[^"]+)"', html).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = user.post(action, data={"csrf_token": token}, headers=BROWSER)
    assert response.status_code == 302
    assert "Thank you!" in user.get(response.headers["Location"], headers=BROWSER).get_data(
        as_text=True)
    assert ticket_row(app, re.search(r"HC-\w+", status_page).group(0)).status == "solved"


def test_a_chinese_request_gets_chinese_articles_and_mail(mail_app):
    app, mailbox = mail_app
    user = app.test_client()
    chinese = {**QUESTION, "subject": "退款多久到账", "description": "取消订单后一直没收到退款。"}
    submit(user, chinese, "/contact?lang=zh")
    subject, text = read_mail(mailbox.messages[1])
    assert subject.startswith("我们已收到你的请求")
    assert "这解答了我的问题：" in text
    with app.app_context():
        offered = [row.article_slug for row in db.session.scalars(select(TicketSuggestion))]
    assert offered and all(slug.endswith("-zh") for slug in offered)


def test_the_acknowledgement_can_be_switched_off(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_TICKET_ACK_MAIL="off")
    submit(app.test_client(), QUESTION)
    assert len(mailbox.messages) == 1
    with app.app_context():
        assert [m.channel for m in db.session.scalars(select(OutboxMessage))] == ["smtp"]
        assert db.session.scalars(select(TicketSuggestion)).all()  # the page still offers


def test_mailed_links_use_the_public_address(make_app):
    app = make_app(KB_PUBLIC_URL="https://help.example.com")
    submit(app.test_client(), QUESTION)
    with app.app_context():
        rows = db.session.scalars(select(TicketSuggestion)).all()
    assert rows and all(row.answer_url.startswith("https://help.example.com/self-service/")
                        and row.article_url.startswith("https://help.example.com/articles/")
                        for row in rows)


def test_offers_leave_the_status_page_when_their_links_expire(make_app):
    from app.tickets.self_service import open_offers

    app = make_app()
    status_page = submit(app.test_client(), QUESTION)
    reference = re.search(r"HC-\w+", status_page).group(0)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert open_offers(ticket)
        assert open_offers(ticket, now=utcnow() + timedelta(days=31)) == []
