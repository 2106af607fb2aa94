"""Staff accounts: CLI, hashed passwords, sign-in with throttling, roles on protected routes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.events.models import Event
from app.extensions import db
from tests.conftest import BROWSER, STAFF_PASSWORD, csrf_token, sign_in


def test_cli_creates_lists_changes_and_disables_users(staff_app):
    runner = staff_app.test_cli_runner()
    listing = runner.invoke(args=["users", "list"]).output
    assert "manager@pronto.test" in listing and "manager" in listing and "active" in listing
    with staff_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "agent@pronto.test"))
        assert user.password_hash.startswith("scrypt:") and STAFF_PASSWORD not in user.password_hash
    assert "is now editor" in runner.invoke(args=["users", "set-role", "agent@pronto.test",
                                                  "editor"]).output
    assert "is disabled" in runner.invoke(args=["users", "disable", "agent@pronto.test"]).output
    _, response = sign_in(staff_app, "agent@pronto.test")
    assert response.status_code == 401
    duplicate = runner.invoke(args=["users", "create", "admin@pronto.test", "--role", "admin",
                                    "--password-stdin"], input=STAFF_PASSWORD + "\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "new@pronto.test", "--role", "agent",
                                "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 12" in short.output


def test_sign_in_and_out(staff_app):
    client, response = sign_in(staff_app, "Manager@Pronto.test")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/", headers=BROWSER).status_code == 200
    token = csrf_token(client, "/dashboard/")
    client.post("/logout", data={"csrf_token": token}, headers=BROWSER)
    assert client.get("/dashboard/", headers=BROWSER).status_code == 302


def test_a_copy_of_the_session_cookie_stops_working_after_sign_out(staff_app):
    client, _ = sign_in(staff_app, "manager@pronto.test")
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard/")},
                headers=BROWSER)
    copy = staff_app.test_client()
    copy.set_cookie("session", stolen)
    assert copy.get("/dashboard/", headers=BROWSER).status_code == 302  # to the sign-in page


@pytest.mark.parametrize(("email", "home"), [
    ("editor@pronto.test", "/editor/"), ("agent@pronto.test", "/inbox/"),
    ("admin@pronto.test", "/dashboard/"),
])
def test_each_role_lands_on_a_page_it_may_open(staff_app, email, home):
    client, response = sign_in(staff_app, email)
    assert response.headers["Location"] == home
    assert client.get(home, headers=BROWSER).status_code == 200


def test_failure_message_is_the_same_for_unknown_email_and_wrong_password(staff_app):
    _, wrong_password = sign_in(staff_app, "manager@pronto.test", "not the password")
    _, unknown = sign_in(staff_app, "nobody@pronto.test", STAFF_PASSWORD)
    assert wrong_password.status_code == unknown.status_code == 401
    message = "match an active account"
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_repeated_failures_are_throttled(staff_app):
    for _ in range(5):
        sign_in(staff_app, "manager@pronto.test", "guess")
    _, response = sign_in(staff_app, "manager@pronto.test")  # even the right password waits
    assert response.status_code == 429
    assert "Please wait 15 minutes" in response.get_data(as_text=True)
    _, other = sign_in(staff_app, "admin@pronto.test")
    assert other.status_code == 302


def test_login_needs_csrf(staff_app):
    response = staff_app.test_client().post("/login", data={"email": "admin@pronto.test",
                                                            "password": STAFF_PASSWORD})
    assert response.status_code == 400


def test_next_only_redirects_within_the_site(staff_app):
    client = staff_app.test_client()
    token = csrf_token(client, "/login")
    for target, expected in [("/dashboard/?days=7", "/dashboard/?days=7"),
                             ("https://evil.example/", "/dashboard/"),
                             ("/\\evil.example/", "/dashboard/"),
                             ("//evil.example/", "/dashboard/")]:
        response = client.post("/login", data={"email": "admin@pronto.test",
                                                "password": STAFF_PASSWORD, "csrf_token": token,
                                                "next": target}, headers=BROWSER)
        assert response.headers["Location"] == expected


@pytest.mark.parametrize(("email", "status"), [
    (None, 302), ("agent@pronto.test", 403), ("editor@pronto.test", 403),
    ("manager@pronto.test", 200), ("admin@pronto.test", 200),
])
def test_dashboard_role_checks(staff_app, email, status):
    client = sign_in(staff_app, email)[0] if email else staff_app.test_client()
    response = client.get("/dashboard/", headers=BROWSER)
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/login?next=")


def test_dashboard_shows_the_deflection_table(staff_app):
    visitor = staff_app.test_client()
    visitor.get("/articles/cancel-a-booking", headers=BROWSER)
    client, _ = sign_in(staff_app, "manager@pronto.test")
    html = client.get("/dashboard/?days=7", headers=BROWSER).get_data(as_text=True)
    assert "Articles needing attention" in html
    assert re.search(r'tile-label">Help sessions</span>\s*<span class="tile-value">1<', html)
    assert "Cancel a booking" in html


def test_signed_in_staff_are_not_counted(staff_app):
    client, _ = sign_in(staff_app, "editor@pronto.test")
    client.get("/articles/cancel-a-booking", headers=BROWSER)
    client.get("/search?q=refund", headers=BROWSER)
    with staff_app.app_context():
        assert db.session.scalars(select(Event)).all() == []


def test_dashboard_content_gaps_and_csv_exports(staff_app):
    import csv
    import io

    lost = staff_app.test_client()
    lost.get("/search?q=Xylophone+zeppelin!", headers=BROWSER)
    lost.get("/search?q=xylophone+zeppelin", headers=BROWSER)
    stuck = staff_app.test_client()
    stuck.get("/search?q=refund+status", headers=BROWSER)
    stuck.post("/api/v1/tickets", json={"email": "a@b.co", "subject": "Refund",
                                        "description": "Where is it?"}, headers=BROWSER)
    client, _ = sign_in(staff_app, "manager@pronto.test")
    html = client.get("/dashboard/", headers=BROWSER).get_data(as_text=True)
    assert "Content gaps" in html and "xylophone zeppelin" in html
    gaps = list(csv.DictReader(io.StringIO(
        client.get("/dashboard/gaps.csv", headers=BROWSER).get_data(as_text=True))))
    assert {"query": "xylophone zeppelin", "searches": "2", "no_results": "2",
            "tickets_after": "0"} in gaps
    assert {"query": "refund status", "searches": "1", "no_results": "0",
            "tickets_after": "1"} in gaps
    response = client.get("/dashboard/articles.csv?days=7", headers=BROWSER)
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) >= 36 and {"slug", "views", "resolution_rate", "flagged"} <= set(rows[0])
    editor, _ = sign_in(staff_app, "editor@pronto.test")
    assert editor.get("/dashboard/articles.csv", headers=BROWSER).status_code == 403
