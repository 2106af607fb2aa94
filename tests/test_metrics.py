"""The deflection numbers, end to end through the test client and against the definitions."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from app.events.models import utcnow
from app.events.recorder import record_article_view, record_search
from app.events.votes import cast_vote
from app.metrics.deflection import article_metrics, journey_funnels, site_metrics
from app.metrics.stats import median, wilson_interval
from app.tickets.service import TicketRequest, create_ticket
from tests.conftest import BROWSER

A = "cancel-a-booking"
TICKET = {"email": "kim@example.com", "subject": "Still stuck", "description": "Please help."}


def visitor(app):
    return app.test_client()


def view(client, slug=A):
    assert client.get(f"/articles/{slug}", headers=BROWSER).status_code == 200


def vote(client, helpful, slug=A):
    assert client.post(f"/api/v1/articles/{slug}/votes", json={"helpful": helpful},
                       headers=BROWSER).status_code == 200


def ticket(client):
    assert client.post("/api/v1/tickets", json=TICKET, headers=BROWSER).status_code == 201


def metrics_for(app, slug=A):
    with app.app_context():
        articles = app.extensions["helpcenter"].catalog.all()
        now = utcnow()
        rows = article_metrics(articles, now - timedelta(days=1), now + timedelta(minutes=1))
        site = site_metrics(articles, now - timedelta(days=1), now + timedelta(minutes=1))
    return next(row for row in rows if row.slug == slug), site


def test_three_sessions_scenario(make_app):
    app = make_app(KB_TICKET_RATE_LIMIT=100)
    happy, needs_human, unhappy = visitor(app), visitor(app), visitor(app)
    view(happy)
    vote(happy, True)
    view(needs_human)
    ticket(needs_human)
    view(unhappy)
    vote(unhappy, False)
    ticket(unhappy)

    row, site = metrics_for(app)
    assert (row.views, row.helpful_yes, row.helpful_no, row.tickets_after_view) == (3, 1, 1, 2)
    assert row.helpfulness == pytest.approx(0.5)
    assert row.resolution_rate == pytest.approx(1 / 3)
    low, high = row.resolution_interval
    assert low < 1 / 3 < high and high > 0.6
    assert row.flagged is False  # too few views to be sure
    assert row.deflections == 1
    assert (site.sessions, site.tickets, site.deflected_sessions) == (3, 2, 1)
    assert site.self_service_ratio == pytest.approx(1.5)
    assert site.deflection_rate == pytest.approx(1 / 3)


def test_twelve_sessions_ten_tickets_is_flagged(make_app):
    app = make_app(KB_TICKET_RATE_LIMIT=100)
    for number in range(12):
        client = visitor(app)
        view(client)
        if number < 10:
            ticket(client)
    row, _ = metrics_for(app)
    assert (row.views, row.tickets_after_view) == (12, 10)
    assert row.resolution_rate == pytest.approx(2 / 12)
    assert row.resolution_interval[1] < 0.6
    assert row.flagged is True


def test_repeat_views_and_votes_from_one_session_count_once(make_app):
    app = make_app()
    client = visitor(app)
    for _ in range(4):
        view(client)
        vote(client, True)
    row, site = metrics_for(app)
    assert (row.views, row.helpful_yes, row.helpful_no) == (1, 1, 0)
    assert site.sessions == 1


def test_ticket_outside_the_window_is_not_a_failed_deflection(make_app):
    app = make_app()
    with app.app_context():
        start = utcnow() - timedelta(days=3)
        record_article_view("late", A, "orders-and-payments", at=start)
        create_ticket(TicketRequest("a@b.co", "x", "y"), session_id="late", client_hash=None,
                      article=None, titles={}, channels=[], now=start + timedelta(hours=25))
        record_article_view("soon", A, "orders-and-payments", at=start)
        create_ticket(TicketRequest("a@b.co", "x", "y"), session_id="soon", client_hash=None,
                      article=None, titles={}, channels=[], now=start + timedelta(hours=23))
        articles = app.extensions["helpcenter"].catalog.all()
        [row] = [r for r in article_metrics(articles, start - timedelta(hours=1), utcnow())
                 if r.slug == A]
        narrow = [r for r in article_metrics(articles, start - timedelta(hours=1), utcnow(),
                                             window=timedelta(hours=1)) if r.slug == A][0]
    assert (row.views, row.tickets_after_view) == (2, 1)
    assert narrow.tickets_after_view == 0


def test_contact_suggestion_opened_and_no_ticket_is_a_deflection(make_app):
    app = make_app()
    client = visitor(app)
    client.get("/contact", headers=BROWSER)
    client.get(f"/articles/{A}?from=contact", headers=BROWSER)
    row, site = metrics_for(app)
    assert row.deflections == 1 and site.deflected_sessions == 1


def test_time_to_answer_and_search_lists(make_app):
    app = make_app()
    with app.app_context():
        start = utcnow() - timedelta(hours=2)
        record_search("s1", "cancel booking", None, 3, at=start)
        record_article_view("s1", A, "orders-and-payments", at=start + timedelta(seconds=40))
        cast_vote("s1", A, "orders-and-payments", True, at=start + timedelta(seconds=90))
        record_search("s2", "Lost my cat!", None, 0, at=start)
        record_search("s3", "lost my cat", None, 0, at=start)
        record_article_view("s3", "account-locked", "account-and-security",
                            at=start + timedelta(seconds=200))
        cast_vote("s3", "account-locked", "account-and-security", True, at=start)
        articles = app.extensions["helpcenter"].catalog.all()
        site = site_metrics(articles, start - timedelta(minutes=1), utcnow())
    assert site.median_time_to_answer == pytest.approx(120)
    assert site.time_to_answer_by_journey == {"orders-and-payments": 40,
                                              "account-and-security": 200}
    assert site.slow_journeys == ["account-and-security"]
    assert site.no_result_searches == [("lost my cat", 2)]
    assert site.top_searches[0] == ("lost my cat", 2)


def test_funnels_count_only_sessions_that_entered_by_searching(make_app):
    app = make_app()
    journey = "orders-and-payments"
    with app.app_context():
        start = utcnow() - timedelta(hours=2)
        later = start + timedelta(minutes=1)
        record_search("s1", "cancel booking", None, 3, at=start)  # search, view, vote Yes
        record_article_view("s1", A, journey, at=later)
        cast_vote("s1", A, journey, True, at=later)
        record_article_view("s2", A, journey, at=start)  # browses in: not in the funnel
        record_search("s3", "cancel", journey, 3, at=start)  # search, view, ticket
        record_article_view("s3", A, journey, at=later)
        create_ticket(TicketRequest(**TICKET), session_id="s3", client_hash=None, article=None,
                      titles={}, channels=[], now=later + timedelta(minutes=5))
        record_article_view("s5", A, journey, at=start)  # views first, then searches
        record_search("s5", "refund", journey, 3, at=later)
        record_search("s4", "lost my cat", None, 0, at=start)  # searches, views nothing
        funnels = {f.journey: f for f in journey_funnels(start - timedelta(minutes=1),
                                                         utcnow())}
    steps = {step.name: step for step in funnels[journey].steps}
    assert [s.count for s in steps.values()] == [3, 2, 1, 1]
    assert steps["viewed"].share == pytest.approx(2 / 3)
    assert steps["voted"].base == "viewed" and steps["voted"].share == pytest.approx(1 / 2)
    assert steps["ticketed"].base == "viewed" and steps["ticketed"].share == pytest.approx(1 / 2)
    assert funnels[journey].browsed == 2  # s2, and s5 whose view came before its search
    assert [s.count for s in funnels[""].steps] == [1, 0, 0, 0]
    assert all(0 <= s.share <= 1 for f in funnels.values() for s in f.steps if s.share is not None)


def test_report_cli_formats(make_app):
    app = make_app()
    client = visitor(app)
    view(client)
    vote(client, False)
    runner = app.test_cli_runner()
    table = runner.invoke(args=["report", "deflection", "--since", "7d"])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[1].startswith(A)
    assert "self-service ratio" in table.output
    rows = list(csv.DictReader(io.StringIO(
        runner.invoke(args=["report", "deflection", "--format", "csv"]).output)))
    first = rows[0]
    assert first["slug"] == A and first["views"] == "1" and first["helpful_no"] == "1"
    data = json.loads(runner.invoke(args=["report", "deflection", "--format", "json",
                                          "--journey", "orders-and-payments"]).output)
    assert {r["journey"] for r in data["articles"]} == {"orders-and-payments"}
    assert data["site"]["sessions"] == 1
    bad = runner.invoke(args=["report", "deflection", "--since", "last tuesday"])
    assert bad.exit_code != 0 and "--since must look like" in bad.output


def test_wilson_interval_and_median():
    low, high = wilson_interval(1, 3)
    assert round(low, 3) == 0.061 and round(high, 3) == 0.792
    assert wilson_interval(0, 0) is None
    assert median([3, 1, 2]) == 2 and median([1, 2, 3, 4]) == 2.5 and median([]) is None
