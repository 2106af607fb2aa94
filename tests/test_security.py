"""Response headers: private pages are never cached; HSTS in production."""

from __future__ import annotations

from tests.conftest import BROWSER, add_staff, sign_in

GOOD = {"email": "sam@example.com", "subject": "Refund not received",
        "description": "I returned the lamp two weeks ago and have no refund yet."}


def test_private_pages_are_never_cached_and_public_ones_may_be(make_app):
    app = make_app()
    add_staff(app, "admin@pronto.test", "admin")
    client, _ = sign_in(app, "admin@pronto.test")
    for path in ("/dashboard/", "/editor/", "/inbox/", "/dashboard/articles.csv",
                 "/login"):
        response = client.get(path, headers=BROWSER)
        assert response.headers.get("Cache-Control") == "no-store", path
    ticket = app.test_client().post("/api/v1/tickets", json=GOOD, headers=BROWSER).get_json()
    status = app.test_client().get(ticket["status_url"], headers=BROWSER)
    assert status.status_code == 200 and status.headers["Cache-Control"] == "no-store"
    article = app.test_client().get("/articles/cancel-an-order", headers=BROWSER)
    assert "no-store" not in article.headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in article.headers  # not over plain HTTP in dev


def test_production_asks_browsers_for_https_only(make_app):
    app = make_app(KB_ENV="production")
    response = app.test_client().get("/", headers=BROWSER)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
