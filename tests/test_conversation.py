"""A ticket as a conversation: the user answers on the status page or by replying to a mail
(a real local SMTP receiver, or the provider webhook); every message says who wrote it and
when; the agent sees the whole thread in the inbox."""

from __future__ import annotations

import json
import re
import smtplib
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.tickets.inbound import parse_mail, strip_quoted
from app.tickets.models import OutboxMessage, Ticket, TicketMessage
from app.tickets.reply_address import (
    ReplyTokenError,
    read_reply_token,
    reply_address,
    reply_token,
    token_in,
)
from tests.conftest import BROWSER, add_staff, csrf_token, free_port, sign_in
from tests.test_delivery import webhook_server  # noqa: F401,F811 - a fixture used below

INBOUND = "support@help.pronto.test"
QUESTION = {"email": "ana@example.com", "subject": "Where is my refund",
            "description": "I cancelled my order last week and the money is not back yet."}


# --- the signed reply address ---------------------------------------------------------

def test_reply_token_names_its_ticket_and_refuses_forgery_and_age():
    token = reply_token("s3cret", "HC-AB12CD")
    assert token.startswith("hc-ab12cd-") and len(token) <= 64 and token == token.lower()
    assert read_reply_token("s3cret", token.upper()) == "HC-AB12CD"  # case may change in transit
    with pytest.raises(ReplyTokenError, match="signature"):
        read_reply_token("another-secret", token)
    forged = token.replace("hc-ab12cd", "hc-zz99zz")
    with pytest.raises(ReplyTokenError):
        read_reply_token("s3cret", forged)
    old = reply_token("s3cret", "HC-AB12CD", now=datetime.now(UTC) - timedelta(days=400))
    with pytest.raises(ReplyTokenError, match="expired"):
        read_reply_token("s3cret", old)
    with pytest.raises(ReplyTokenError):
        read_reply_token("s3cret", "not a token")


def test_reply_address_carries_the_token_as_a_plus_tag():
    address = reply_address(INBOUND, "hc-ab12cd-1-abc")
    assert address == "support+hc-ab12cd-1-abc@help.pronto.test"
    assert token_in(["Someone <x@y.z>", address.upper()], INBOUND) == "hc-ab12cd-1-abc"
    assert token_in(["support@help.pronto.test", "evilsupport+x@help.pronto.test"],
                    INBOUND) is None


# --- parsing and quoted text ---------------------------------------------------------

def test_strip_quoted_keeps_only_the_new_text():
    text = ("Thanks, it worked after all.\n\nAna\n\nOn Fri, 4 Dec 2026 at 13:05, Pronto "
            "<helpcenter@pronto.test> wrote:\n> Please try again.\n> Status: pending\n")
    assert strip_quoted(text) == "Thanks, it worked after all.\n\nAna"
    assert strip_quoted("Still broken.\n-- \nAna Lima\nSent with care") == "Still broken."
    chinese = "好的，谢谢。\n\n在 2026年12月4日 13:05，Pronto 写道：\n> 请再试一次"
    assert strip_quoted(chinese) == "好的，谢谢。"
    assert strip_quoted("Yes\n-----Original Message-----\nFrom: x") == "Yes"
    assert strip_quoted("Sent from my phone") == ""


def mail(to: str, body: str, message_id: str = "<m1@example.com>", html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Ana <ana@example.com>"
    message["To"] = to
    message["Subject"] = "Re: Where is my refund [HC-AB12CD]"
    message["Message-ID"] = message_id
    if html:
        message.set_content("<p>It works <b>now</b> &amp; thanks</p><div>Ana</div>",
                            subtype="html")
    else:
        message.set_content(body)
    return bytes(message)


def test_parse_mail_reads_sender_addresses_and_text():
    parsed = parse_mail(mail("support+tok@help.pronto.test", "Hello\n"))
    assert parsed.sender == "ana@example.com" and parsed.message_id == "<m1@example.com>"
    assert parsed.addresses == ["support+tok@help.pronto.test"]
    assert parsed.text.strip() == "Hello"
    html = parse_mail(mail("x@y.z", "", html=True))
    assert html.text.split() == ["It", "works", "now", "&", "thanks", "Ana"]


# --- the status page -------------------------------------------------------------------

def submit(client) -> str:
    token = csrf_token(client, "/contact")
    response = client.post("/contact", data={**QUESTION, "csrf_token": token}, headers=BROWSER)
    assert response.status_code == 302
    return response.headers["Location"]


def reference_of(status_page: str) -> str:
    return re.search(r"/tickets/(HC-\w+)", status_page).group(1)


def form_fields(html: str) -> dict[str, str]:
    form = html[html.index('id="answer-heading"'):]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


@pytest.fixture()
def desk_app(make_app):
    app = make_app(KB_INBOUND_MAIL_ADDRESS=INBOUND, KB_INBOUND_MAIL_SECRET="provider-secret")
    add_staff(app, "agent@pronto.test", "agent")
    return app


def test_user_answers_on_the_status_page_once_and_the_agent_sees_it(desk_app):
    app, user = desk_app, desk_app.test_client()
    status_page = submit(user)
    reference = reference_of(status_page)
    agent, _ = sign_in(app, "agent@pronto.test")
    token = csrf_token(agent, f"/inbox/{reference}")
    agent.post(f"/inbox/{reference}", data={"csrf_token": token, "status": "pending",
                                            "note": "Which card did you pay with?"},
               headers=BROWSER)

    page = user.get(status_page, headers=BROWSER).get_data(as_text=True)
    assert "Support" in page and "Which card did you pay with?" in page
    assert page.index("I cancelled my order") < page.index("Which card did you pay with?")
    fields = form_fields(page)
    assert set(fields) == {"csrf_token", "token", "submission_key"}
    answer = {**fields, "message": "The Visa ending 4242."}

    # Without the CSRF token nothing is stored.
    refused = user.post(f"/tickets/{reference}", data={**answer, "csrf_token": ""},
                        headers=BROWSER)
    assert refused.status_code == 400 and count(app, TicketMessage) == 0
    # A wrong ticket token is a page that does not exist.
    wrong = user.post(f"/tickets/{reference}", data={**answer, "token": "nope"}, headers=BROWSER)
    assert wrong.status_code == 404 and count(app, TicketMessage) == 0
    # An empty answer re-renders the form naming the field.
    empty = user.post(f"/tickets/{reference}", data={**answer, "message": "  \x00 "},
                      headers=BROWSER)
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and 'id="message-error"' in html
    assert "Write your answer before sending it." in html and count(app, TicketMessage) == 0

    sent = user.post(f"/tickets/{reference}", data=answer, headers=BROWSER)
    again = user.post(f"/tickets/{reference}", data=answer, headers=BROWSER)  # double submit
    assert sent.status_code == again.status_code == 302
    assert count(app, TicketMessage) == 1
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.status == "open"  # back with the agents
        told = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.message_id.is_not(None))).all()
        assert [(m.channel, m.status) for m in told] == [("log", "delivered")]

    page = user.get(sent.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "Your answer was sent." in page and "You" in page
    assert page.count("The Visa ending 4242.") == 1

    inbox = agent.get("/inbox/", headers=BROWSER).get_data(as_text=True)
    assert "Customer replied" in inbox
    thread = agent.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    order = [thread.index(text) for text in ("I cancelled my order", "Which card did you pay",
                                             "The Visa ending 4242.")]
    assert order == sorted(order)
    assert "agent@pronto.test" in thread and "Customer" in thread


def test_every_date_on_the_ticket_pages_has_one_format_per_language(desk_app):
    app, user = desk_app, desk_app.test_client()
    status_page = submit(user)
    reference = reference_of(status_page)
    agent, _ = sign_in(app, "agent@pronto.test")
    token = csrf_token(agent, f"/inbox/{reference}")
    agent.post(f"/inbox/{reference}", data={"csrf_token": token, "status": "pending",
                                            "note": "Looking into it."}, headers=BROWSER)
    english = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$")
    chinese = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$")
    for client, path in ((user, status_page), (agent, f"/inbox/{reference}")):
        for lang, shape in (("en", english), ("zh", chinese)):
            separator = "&" if "?" in path else "?"
            html = client.get(f"{path}{separator}lang={lang}", headers=BROWSER).get_data(
                as_text=True)
            shown = [t.removesuffix(" UTC") for t in re.findall(r"<time [^>]*>([^<]+)</time>",
                                                                html)]
            assert len(shown) >= 3, (path, lang)
            assert all(shape.match(text) for text in shown), (path, lang, shown)
    chinese_page = user.get(f"{status_page}&lang=zh", headers=BROWSER).get_data(as_text=True)
    assert "客服" in chinese_page and "回复客服" in chinese_page


# --- replies by mail ----------------------------------------------------------------------

@pytest.fixture()
def mail_desk(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_SUPPORT_EMAIL="team@pronto.test", KB_INBOUND_MAIL_ADDRESS=INBOUND,
                   KB_INBOUND_MAIL_SECRET="provider-secret")
    add_staff(app, "agent@pronto.test", "agent")
    return app, mailbox


def test_a_reply_by_mail_is_threaded_once_through_the_smtp_receiver(mail_desk):
    from app.tickets import receiver

    app, mailbox = mail_desk
    user = app.test_client()
    reference = reference_of(submit(user))
    agent, _ = sign_in(app, "agent@pronto.test")
    token = csrf_token(agent, f"/inbox/{reference}")
    agent.post(f"/inbox/{reference}", data={"csrf_token": token, "status": "pending",
                                            "note": "Which card did you pay with?"},
               headers=BROWSER)

    # The acknowledgement and the agent's reply both answer to the signed address.
    to_user = [message_from_bytes(m.content, policy=policy.default) for m in mailbox.messages
               if m.rcpt_tos == ["ana@example.com"]]
    assert len(to_user) == 2 and all(reference in m["Subject"] for m in to_user)
    reply_to = {m["Reply-To"] for m in to_user}
    assert len(reply_to) == 1
    (address,) = reply_to
    assert address.startswith("support+hc-") and address.endswith("@help.pronto.test")
    assert all("You can answer by replying to this email." in m.get_content() for m in to_user)

    port = free_port()
    controller = receiver.start(app, "127.0.0.1", port)
    try:
        answer = EmailMessage()
        answer["From"], answer["To"] = "ana@example.com", address
        answer["Subject"] = to_user[1]["Subject"].replace("Re: ", "Re: Re: ")
        answer["Message-ID"] = "<answer-1@example.com>"
        answer.set_content("The Visa ending 4242.\n\nOn Fri, Pronto wrote:\n> Which card?\n")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(answer)
            client.send_message(answer)  # the sender's server retries: stored once
            forged = EmailMessage()
            forged["From"], forged["Subject"] = "mallory@example.com", "Re: " + reference
            forged["To"] = address.replace("support+hc-", "support+hc-x")
            forged.set_content("Close my ticket")
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.send_message(forged)
            forged.replace_header("To", "someone@help.pronto.test")
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.send_message(forged)
    finally:
        controller.stop()

    with app.app_context():
        stored = db.session.scalars(select(TicketMessage)).all()
        assert [(m.source, m.body) for m in stored] == [("mail", "The Visa ending 4242.")]
        assert db.session.scalar(select(Ticket.status)) == "open"
    # The support team hears of it by mail.
    told = [message_from_bytes(m.content, policy=policy.default) for m in mailbox.messages
            if m.rcpt_tos == ["team@pronto.test"]]
    assert "Customer replied" in told[-1]["Subject"]
    assert "The Visa ending 4242." in told[-1].get_content()
    thread = agent.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "The Visa ending 4242." in thread and "by email" in thread


def test_the_provider_webhook_threads_raw_mail_and_refuses_forgeries(mail_desk):
    app, mailbox = mail_desk
    reference = reference_of(submit(app.test_client()))
    api = app.test_client()
    good = mail(reply_address(INBOUND, reply_token("test-secret", reference)), "Still waiting.",
                message_id="<w1@example.com>")
    forged = mail(reply_address(INBOUND, reply_token("guessed", reference)), "Close it.",
                  message_id="<w2@example.com>")

    assert api.post("/api/v1/inbound-mail", data={"email": good.decode()}).status_code == 403
    wrong = api.post("/api/v1/inbound-mail?key=nope", data={"email": good.decode()})
    assert wrong.status_code == 403
    missing = api.post("/api/v1/inbound-mail", data={"to": INBOUND},
                       headers={"X-Inbound-Secret": "provider-secret"})
    assert missing.status_code == 400 and "email" in missing.get_json()["error"]["fields"]

    headers = {"X-Inbound-Secret": "provider-secret"}
    first = api.post("/api/v1/inbound-mail", data={"email": good.decode()}, headers=headers)
    assert first.status_code == 201 and first.get_json()["reference"] == reference
    raw = api.post("/api/v1/inbound-mail?key=provider-secret", data=good,
                   content_type="message/rfc822")
    assert raw.status_code == 200 and raw.get_json()["status"] == "duplicate"
    refused = api.post("/api/v1/inbound-mail", data={"email": forged.decode()}, headers=headers)
    assert refused.get_json()["status"] == "rejected" and count(app, TicketMessage) == 1
    long = mail(reply_address(INBOUND, reply_token("test-secret", reference)), "word " * 1500,
                message_id="<w3@example.com>")
    assert api.post("/api/v1/inbound-mail", data={"email": long.decode()},
                    headers=headers).status_code == 201  # cut, not bounced
    quoted_only = mail(reply_address(INBOUND, reply_token("test-secret", reference)),
                       "> only the quote", message_id="<w4@example.com>")
    empty = api.post("/api/v1/inbound-mail", data={"email": quoted_only.decode()},
                     headers=headers)
    assert empty.get_json()["status"] == "rejected"
    with app.app_context():
        lengths = [len(m.body) for m in db.session.scalars(select(TicketMessage))]
    assert lengths[0] == len("Still waiting.") and 4990 < lengths[1] <= 5000


def test_without_an_inbound_address_mails_answer_to_the_support_address(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                   KB_SUPPORT_EMAIL="team@pronto.test")
    submit(app.test_client())
    ack = message_from_bytes(mailbox.messages[-1].content, policy=policy.default)
    assert ack["Reply-To"] == "team@pronto.test"
    assert "replying to this email" not in ack.get_content()
    assert app.test_client().post("/api/v1/inbound-mail").status_code == 404
    with pytest.raises(RuntimeError, match="KB_INBOUND_MAIL_ADDRESS"):
        make_app(KB_INBOUND_MAIL_ADDRESS="support+tag@example.com")


def test_the_inbox_shows_journey_titles_and_reason_words(desk_app):
    from tests.test_inbox import open_ticket

    reference, _, _ = open_ticket(desk_app, article="what-is-pronto-plus")
    agent, _ = sign_in(desk_app, "agent@pronto.test")
    for lang, words in (("en", ("Before you buy", "it didn't answer my question")),
                        ("zh", ("购买前须知", "没有回答我的问题"))):
        html = agent.get(f"/inbox/{reference}?lang={lang}", headers=BROWSER).get_data(
            as_text=True).replace("&#39;", "'")
        assert all(word in html for word in words), (lang, words)
        assert "<dd>before-you-buy</dd>" not in html and "(didnt-answer)" not in html


def test_the_webhook_hears_of_an_answer_and_the_cli_shows_the_thread(make_app, tmp_path,
                                                                     webhook_server):  # noqa: F811
    url, receiver = webhook_server
    app = make_app(KB_TICKET_WEBHOOK_URL=url, KB_INBOUND_MAIL_ADDRESS=INBOUND)
    user = app.test_client()
    status_page = submit(user)
    reference = reference_of(status_page)
    fields = form_fields(user.get(status_page, headers=BROWSER).get_data(as_text=True))
    user.post(f"/tickets/{reference}", data={**fields, "message": "Any news?"}, headers=BROWSER)
    bodies = [json.loads(body) for _, body in receiver.received]
    assert [body.get("event") for body in bodies] == [None, "ticket.customer_replied"]
    assert bodies[1]["customer_reply"]["body"] == "Any news?"
    assert bodies[1]["customer_reply"]["source"] == "web"

    raw = tmp_path / "reply.eml"
    raw.write_bytes(mail(reply_address(INBOUND, reply_token("test-secret", reference)),
                         "By mail too.\n> quoted", message_id="<cli@example.com>"))
    runner = app.test_cli_runner()
    piped = runner.invoke(args=["mail", "receive-file", str(raw)])
    assert piped.exit_code == 0 and piped.output.startswith(f"stored {reference}")
    again = runner.invoke(args=["mail", "receive-file", str(raw)])
    assert again.output.startswith("duplicate")
    shown = runner.invoke(args=["tickets", "show", reference]).output
    assert shown.index("Any news?") < shown.index("By mail too.")
    assert "customer (mail)" in shown and "> quoted" not in shown
