"""The editors' review queue: agents' requests from tickets, and signals from the figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.editor.review import figure_signals, review_queue
from app.events.models import utcnow
from app.events.recorder import record_article_view
from app.events.votes import cast_vote
from app.metrics.deflection import ArticleMetrics
from app.tickets.service import TicketRequest, create_ticket
from tests.conftest import BROWSER, post, sign_in
from tests.test_inbox import open_ticket, ticket_with_cause

A = "cancel-a-booking"
WINDOW = timedelta(hours=24)


def metrics(views=0, yes=0, no=0, tickets=0, counted_from=None) -> ArticleMetrics:
    return ArticleMetrics(A, "Cancel a booking", "orders-and-payments", views, yes, no, tickets,
                          views - tickets, yes / (yes + no) if yes + no else None,
                          (views - tickets) / views if views else None, None, False,
                          counted_from)


def test_signals_compare_an_article_with_its_own_past():
    assert figure_signals(metrics(30, 2, 6), metrics(100, 20, 5)) == [
        "Helpfulness fell from 80% to 25% (30 days against the 90 before)"]
    assert figure_signals(metrics(30, 1, 3), metrics(100, 20, 5)) == []  # too few votes now
    assert figure_signals(metrics(40, tickets=8), metrics(100, tickets=5)) == [
        "Tickets after a view rose from 5% to 20% of views"]
    assert figure_signals(metrics(40, tickets=3), metrics(100, tickets=5)) == []  # 7.5%: small
    assert figure_signals(metrics(10, tickets=8), metrics(100, tickets=5)) == []  # few views
    # Exactly at the thresholds of docs/metrics.md: 70% -> 50%, and 2/20 -> 3/20 of views.
    assert figure_signals(metrics(30, 5, 5), metrics(100, 7, 3)) == [
        "Helpfulness fell from 70% to 50% (30 days against the 90 before)"]
    assert figure_signals(metrics(20, tickets=3), metrics(20, tickets=2)) == [
        "Tickets after a view rose from 10% to 15% of views"]
    assert figure_signals(metrics(30, 5, 5), metrics(100, 69, 31)) == []  # 19 points
    assert figure_signals(metrics(40, tickets=8, counted_from=utcnow()),
                          metrics(100, tickets=5)) == []  # rewritten: judged on its own


def test_queue_from_recorded_events(make_app):
    app = make_app()
    now = utcnow()
    with app.app_context():
        for number in range(6):  # two months ago: readers said it helped
            session, at = f"past-{number}", now - timedelta(days=60, minutes=number)
            record_article_view(session, A, "orders-and-payments", at=at)
            cast_vote(session, A, "orders-and-payments", True, at=at)
        for number in range(6):  # this week: readers say it does not
            session, at = f"recent-{number}", now - timedelta(days=2, minutes=number)
            record_article_view(session, A, "orders-and-payments", at=at)
            cast_vote(session, A, "orders-and-payments", False, at=at)
        create_ticket(TicketRequest("a@b.co", "x", "y"), session_id="recent-0", client_hash=None,
                      article=None, titles={}, channels=[], now=now - timedelta(days=2) +
                      timedelta(hours=1))
        articles = app.extensions["helpcenter"].catalog.all()
        items = review_queue(articles, window=WINDOW, now=now)
    flagged = [item for item in items if item.slug == A]
    assert flagged and flagged[0].rank == 1
    assert "Helpfulness fell from 100% to 0%" in flagged[0].reasons[0]
    others = [item for item in items if item.slug != A]
    assert others and all(item.rank == 2 and item.article.is_stale(now.date())
                          for item in others)  # the demo's stale articles, nothing else


@pytest.mark.parametrize(("email", "status"), [
    (None, 302), ("agent@pronto.test", 403), ("manager@pronto.test", 200),
    ("editor@pronto.test", 200), ("admin@pronto.test", 200),
])
def test_who_may_read_the_queue(staff_app, email, status):
    client = sign_in(staff_app, email)[0] if email else staff_app.test_client()
    assert client.get("/editor/review", headers=BROWSER).status_code == status


def test_agent_marks_the_cause_and_an_editor_closes_it(editor_app):
    app, _ = editor_app
    reference, _, _ = open_ticket(app)
    agent, _ = sign_in(app, "agent@pronto.test")
    page = agent.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "Did an article cause this ticket?" in page and 'value="what-is-pronto-plus"' in page
    ticket_page = f"/inbox/{reference}"
    refused = post(agent, f"{ticket_page}/cause", {"article": "reset-your-password",
                                                   "reason": "wrong"}, ticket_page)
    assert refused.status_code == 400
    assert "articles the user read" in refused.get_data(as_text=True)
    unknown_reason = post(agent, f"{ticket_page}/cause", {"article": "what-is-pronto-plus",
                                                          "reason": "bad"}, ticket_page)
    assert unknown_reason.status_code == 400
    marked = post(agent, f"{ticket_page}/cause", {
        "article": "what-is-pronto-plus", "reason": "outdated",
        "note": "Family sharing launched last week; the article says it is not possible."},
        ticket_page)
    assert marked.status_code == 302
    assert agent.get("/editor/review", headers=BROWSER).status_code == 403
    manager, _ = sign_in(app, "manager@pronto.test")
    read_only = manager.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    assert "Family sharing launched last week" in read_only and "Mark as done" not in read_only

    editor, _ = sign_in(app, "editor@pronto.test")
    queue = editor.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    first = queue.index("<section")
    assert queue.index("Pronto Plus explained", first) < queue.index("</section>", first)
    assert "Outdated: the product or policy changed" in queue
    assert "Family sharing launched last week" in queue and "agent@pronto.test" in queue
    assert reference in queue
    request_id = queue.split("/editor/review/")[1].split("/done")[0]
    refused = post(manager, f"/editor/review/{request_id}/done", {"note": "x"}, "/login")
    assert refused.status_code == 403
    done = post(editor, f"/editor/review/{request_id}/done", {"note": "Rewritten"})
    assert done.status_code == 302
    queue = editor.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    assert "Family sharing launched last week" not in queue
    ticket_page = agent.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "(done)" in ticket_page


def test_a_request_stays_closable_after_its_article_is_deleted(editor_app):
    app, content = editor_app
    ticket_with_cause(app, "wrong")
    [path] = content.glob("*/what-is-pronto-plus.md")
    path.unlink()
    with app.app_context():
        app.extensions["helpcenter"].update_index()
    editor, _ = sign_in(app, "editor@pronto.test")
    queue = editor.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    assert "The article no longer exists" in queue and "Mark as done" in queue


def test_a_near_copy_joins_the_queue_with_the_article_it_repeats(editor_app):
    app, content = editor_app
    [original] = content.glob("*/what-is-pronto-plus.md")
    copy = original.with_name("pronto-plus-membership.md")
    copy.write_text(original.read_text(encoding="utf-8").replace(
        "slug: what-is-pronto-plus", "slug: pronto-plus-membership"), encoding="utf-8")
    editor, _ = sign_in(app, "editor@pronto.test")
    queue = editor.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    assert "Near-copy: about 100% of its text is also in" in queue
    assert queue.count("Near-copy:") == 1  # the pair once, not once per article
    copy.unlink()
    with app.app_context():
        app.extensions["helpcenter"].update_index()
    queue = editor.get("/editor/review", headers=BROWSER).get_data(as_text=True)
    assert "Near-copy:" not in queue
