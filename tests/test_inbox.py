"""The agents' ticket inbox: access by role, order and SLA, context, replies to the user."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.events.models import utcnow
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import BROWSER, add_staff, csrf_token, post, sign_in

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


def ticket_with_cause(app, reason: str) -> str:
    """A ticket whose agent marked the article its user read as the cause; its reference."""
    reference, _, _ = open_ticket(app)
    agent, _ = sign_in(app, "agent@pronto.test")
    page = f"/inbox/{reference}"
    marked = post(agent, f"{page}/cause", {"article": "what-is-pronto-plus", "reason": reason},
                  page)
    assert marked.status_code == 302
    return reference


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
    assert "said it did not help" in html and "it didn&#39;t answer my question" in html
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


@pytest.mark.parametrize(("language", "message", "not_shown"), [
    ("en", "write a reply or change the status", "请填写回复"),
    ("zh", "请填写回复或更改状态", "write a reply"),
])
def test_empty_reply_is_refused(staff_app, language, message, not_shown):
    reference, _, _ = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    token = csrf_token(client, f"/inbox/{reference}?lang={language}")
    response = client.post(f"/inbox/{reference}", headers=BROWSER,
                           data={"csrf_token": token, "status": "open", "note": "  "})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert not_shown not in response.get_data(as_text=True)


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
    # The ticket, the acknowledgement to the user (docs/tickets.md), the reply.
    assert recipients == [["support@pronto.test"], ["lee@example.com"], ["lee@example.com"]]
    reply = mailbox.messages[2].content.decode()
    assert f"Re: Question about Pronto Plus [{reference}]" in reply
    assert "Which plan are you on?" in reply and "Status: Pending" in reply
    assert f"Reference: {reference} (use the private link" in reply


def test_a_reply_mail_speaks_the_language_the_user_wrote_in(make_app, smtp_server):
    controller, mailbox = smtp_server
    app = make_app(KB_SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
    add_staff(app, "agent@pronto.test", "agent")
    created = app.test_client().post("/api/v1/tickets", json={**TICKET, "subject": "会员问题"},
                                     headers={**BROWSER, "Accept-Language": "zh-CN"})
    reference = created.get_json()["reference"]
    client, _ = sign_in(app, "agent@pronto.test")  # the agent works in English
    token = csrf_token(client, f"/inbox/{reference}")
    client.post(f"/inbox/{reference}", headers=BROWSER, data={
        "csrf_token": token, "status": "solved", "note": "已为你退款，请查收。"})
    [_, mail] = [m for m in mailbox.messages if m.rcpt_tos == ["lee@example.com"]]
    body = decoded_text(mail.content)
    assert body.startswith("已为你退款，请查收。") and "状态：已解决" in body
    assert f"编号：{reference}" in body and "Status" not in body and "Reference" not in body


def decoded_text(raw_mail: bytes) -> str:
    """The text of a mail as the user's mail program shows it."""
    from email import message_from_bytes, policy

    return message_from_bytes(raw_mail, policy=policy.default).get_content()


# The staff side in Chinese: the inbox, a ticket, the sign-in page and the header links.

def main_part(html: str) -> str:
    """The page's <main>, where the labels of the page itself are."""
    return html[html.index('<main'):html.index('</main>')]


def test_the_inbox_in_chinese(staff_app):
    reference, _, _ = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    html = client.get("/inbox/?lang=zh", headers=BROWSER).get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    for chinese in ("工单收件箱", "未解决", "处理中", "等待回复", "已解决", "全部", "优先级",
                    "工单号", "响应时限", "240 分钟", ">工单</a>"):
        assert chinese in html, chinese
    for english in ("Ticket inbox", "Open and pending", "Respond within", "Priority", " min<",
                    ">Inbox<", ">open<"):
        assert english not in html, english
    assert reference in html
    empty = client.get("/inbox/?status=pending", headers=BROWSER).get_data(as_text=True)
    assert "这里没有工单。" in empty  # the language was remembered
    english = client.get("/inbox/?lang=en", headers=BROWSER).get_data(as_text=True)
    for text in ("Ticket inbox", "Open and pending", ">Pending<", "Respond within",
                 "<td>open</td>", "240 min", ">Inbox</a>"):
        assert text in english, text


def test_a_ticket_in_chinese(staff_app):
    reference, _, _ = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    client.set_cookie("hc_lang", "zh")  # the remembered choice
    html = main_part(client.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True))
    for chinese in ("用户已做过的尝试", "搜索了“pronto plus family”", "表示没有帮助",
                    "没有回答我的问题", "一般咨询", "收到时间", "<dt>提交人</dt>",
                    "我们已收到你的请求。", "回复用户", "保存",
                    "这张工单是由文章问题引起的吗？", "提交到审核队列",
                    ">处理中</option>"):
        assert chinese in html, chinese
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} UTC", html)  # received
    for english in ("What the user already tried", "Searched", "said it did not help",
                    "a question", "Received", "History", "We received your request.",
                    "Note to the user", "Save<", "Send to the review queue", ">Open<"):
        assert english not in html, english
    english = main_part(client.get(f"/inbox/{reference}?lang=en",
                                   headers=BROWSER).get_data(as_text=True))
    for text in ("What the user already tried", "Searched “pronto plus family”",
                 "said it did not help", "(a question)", "We received your request.",
                 "<dd>open</dd>", ">Open</option>", "Save</button>",
                 "<dt>From</dt><dd>lee@example.com</dd>"):
        assert text in english, text
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC", english)


def test_inbox_messages_from_python_are_translated(staff_app):
    reference, _, _ = open_ticket(staff_app)
    client, _ = sign_in(staff_app, "agent@pronto.test")
    token = csrf_token(client, f"/inbox/{reference}?lang=zh")  # the empty reply: see above
    wrong = client.post(f"/inbox/{reference}/cause", headers=BROWSER, data={
        "csrf_token": token, "article": "no-such-article", "reason": "wrong"})
    assert wrong.status_code == 400
    assert "请从用户读过的文章中选择一篇。" in wrong.get_data(as_text=True)
    early = client.post(f"/inbox/{reference}/article", headers=BROWSER,
                        data={"csrf_token": token})
    assert early.status_code == 409
    assert "只有已解决的工单才能转为文章" in early.get_data(as_text=True)
    solved = client.post(f"/inbox/{reference}", headers=BROWSER,
                         data={"csrf_token": token, "status": "solved", "note": ""})
    assert solved.status_code == 302
    html = client.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "状态已改为“已解决”。" in html and "转为文章" in html
    assert "<dd>已解决</dd>" in html
    english = client.get(f"/inbox/{reference}?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "Status changed to solved." in english and "Turn into an article" in english
    with staff_app.app_context():  # the stored note and status stay English codes
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.status == "solved"
        assert ticket.updates[-1].note == "Status changed to solved."


def test_stored_priority_reasons_read_back_as_translatable_text():
    from app.text import Text
    from app.tickets.priority import classify, describe_reason

    class Urgent:
        urgent, slug, journey = True, "account-hacked", "account-and-security"

    class Plain:
        urgent, slug, journey = False, "late-order", "troubleshooting"

    reasons = [classify("My account was hacked", "", None)[1],
               classify("Refund", "it is late", None)[1],
               classify("Hello", "a question", Urgent())[1],
               classify("Hello", "a question", Plain())[1],
               classify("Hello", "a question", None)[1]]
    for reason in reasons:
        described = describe_reason(reason)
        assert isinstance(described, Text) and described == reason, reason
    assert describe_reason("set by hand") == "set by hand"


def test_sign_in_page_and_errors_in_chinese(staff_app):
    client = staff_app.test_client()
    page = client.get("/login?lang=zh", headers=BROWSER).get_data(as_text=True)
    for chinese in ("员工登录", "邮箱", "密码", ">登录</button>"):
        assert chinese in page, chinese
    assert "Staff sign-in" not in page and "Password" not in page
    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "email": "agent@pronto.test", "password": "guess"}
    failed = client.post("/login", data=data, headers=BROWSER)
    assert failed.status_code == 401
    assert "邮箱或密码不正确" in failed.get_data(as_text=True)
    for _ in range(5):
        throttled = client.post("/login", data=data, headers=BROWSER)
    assert throttled.status_code == 429
    assert "此处登录失败次数过多，请 15 分钟后再试。" in throttled.get_data(as_text=True)
    english = staff_app.test_client().get("/login?lang=en", headers=BROWSER)
    assert "Staff sign-in" in english.get_data(as_text=True)


def test_staff_links_in_the_header_in_chinese(staff_app):
    client, _ = sign_in(staff_app, "admin@pronto.test")
    html = client.get("/?lang=zh", headers=BROWSER).get_data(as_text=True)
    nav = html[html.index('class="main-nav"'):html.index("</nav>")]
    assert "数据看板" in nav and "帮助文章" in nav and ">工单</a>" in nav
    assert "Dashboard" not in nav and "Guides" not in nav and "Inbox" not in nav
    english = client.get("/?lang=en", headers=BROWSER).get_data(as_text=True)
    assert ">Dashboard</a>" in english and ">Guides</a>" in english and ">Inbox</a>" in english


def test_the_feedback_scripts_message_comes_translated_from_the_page(staff_app):
    client = staff_app.test_client()
    chinese = client.get("/articles/what-is-pronto-plus?lang=zh",
                         headers=BROWSER).get_data(as_text=True)
    assert 'data-msg-not-saved="你的反馈没能保存，请稍后再试。"' in chinese
    english = client.get("/articles/what-is-pronto-plus?lang=en",
                         headers=BROWSER).get_data(as_text=True)
    assert 'data-msg-not-saved="Your answer could not be saved."' in english
