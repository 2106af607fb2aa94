"""API tokens: made on the command line or the admin page, shown once, stored hashed; scopes,
expiry and revocation enforced on every integration endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.events.models import utcnow
from app.extensions import db
from app.tokens.models import ApiToken
from app.tokens.service import create_token
from tests.conftest import BROWSER, csrf_token, sign_in

METRICS = "/api/v1/metrics/articles"
CONTENT = "/api/v1/content/articles/cancel-an-order"


def make_token(app, name="docs-sync", scopes=("metrics:read",), days=None) -> str:
    with app.app_context():
        return create_token(name, list(scopes), days).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def stored(app, name: str) -> ApiToken:
    with app.app_context():
        return db.session.scalar(select(ApiToken).where(ApiToken.name == name))


def test_cli_creates_lists_and_revokes_and_the_secret_works_until_revoked(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["tokens", "create", "--name", "docs-sync", "--scope",
                               "metrics:read", "--scope", "content:write", "--expires-days",
                               "30"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("hc_") and len(secret) > 40
    token = stored(app, "docs-sync")
    assert secret not in (token.secret_hash, token.prefix)  # only its hash is kept
    assert token.scopes == ["content:write", "metrics:read"]
    client = app.test_client()
    assert client.get(METRICS, headers=bearer(secret)).status_code == 200
    listing = runner.invoke(args=["tokens", "list"])
    assert "docs-sync" in listing.output and "active" in listing.output
    assert secret not in listing.output
    assert runner.invoke(args=["tokens", "revoke", "docs-sync"]).exit_code == 0
    refused = client.get(METRICS, headers=bearer(secret))
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["error"]["message"]
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output


def test_cli_refuses_bad_names_scopes_and_duplicates(make_app):
    runner = make_app().test_cli_runner()
    assert runner.invoke(args=["tokens", "create", "--name", "x", "--scope",
                               "admin:all"]).exit_code != 0
    assert runner.invoke(args=["tokens", "create", "--name", "x", "--scope", "metrics:read"]
                         ).exit_code == 0
    again = runner.invoke(args=["tokens", "create", "--name", "x", "--scope", "metrics:read"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert runner.invoke(args=["tokens", "revoke", "nobody"]).exit_code != 0


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"},
                                     {"Authorization": "Bearer hc_not-a-token"}])
def test_no_token_or_an_unknown_one_is_401_in_the_error_shape(make_app, headers):
    response = make_app().test_client().get(METRICS, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization" in response.get_json()["error"]["fields"]


def test_each_endpoint_needs_its_scope(make_app):
    app = make_app()
    reader = make_token(app, "reader", ["metrics:read"])
    writer = make_token(app, "writer", ["content:write"])
    client = app.test_client()
    assert client.get(METRICS, headers=bearer(reader)).status_code == 200
    assert client.get(CONTENT, headers=bearer(writer)).status_code == 200
    for path, secret, scope in [(METRICS, writer, "metrics:read"),
                                (CONTENT, reader, "content:write")]:
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 403
        assert scope in response.get_json()["error"]["message"]
    put = client.put(CONTENT, json={"journey": "x"}, headers=bearer(reader))
    assert put.status_code == 403  # refused before the body is even read


def test_an_expired_token_is_refused(make_app):
    app = make_app()
    secret = make_token(app, "short", days=1)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = app.test_client().get(METRICS, headers=bearer(secret))
    assert response.status_code == 401 and "expired" in response.get_json()["error"]["message"]


def test_last_use_is_noted_at_most_once_a_minute(make_app):
    app = make_app()
    secret = make_token(app)
    assert stored(app, "docs-sync").last_used_at is None
    client = app.test_client()
    client.get(METRICS, headers=bearer(secret))
    first = stored(app, "docs-sync").last_used_at
    assert first is not None
    client.get(METRICS, headers=bearer(secret))
    assert stored(app, "docs-sync").last_used_at == first  # no write on every request
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.last_used_at = first - timedelta(minutes=2)
        db.session.commit()
    client.get(METRICS, headers=bearer(secret))
    assert stored(app, "docs-sync").last_used_at > first - timedelta(minutes=2)


def test_admins_create_see_once_list_and_revoke_tokens_on_their_page(staff_app):
    client, _ = sign_in(staff_app, "admin@pronto.test")
    page = client.get("/admin/tokens/", headers=BROWSER)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = csrf_token(client, "/admin/tokens/")
    made = client.post("/admin/tokens/", data={"name": "crm", "scope": ["metrics:read"],
                                               "expires_days": "7", "csrf_token": token},
                       headers=BROWSER)
    assert made.status_code == 201
    html = made.get_data(as_text=True)
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("hc_")
    again = client.get("/admin/tokens/", headers=BROWSER).get_data(as_text=True)
    assert "crm" in again and "metrics:read" in again and secret not in again
    assert staff_app.test_client().get(METRICS, headers=bearer(secret)).status_code == 200
    revoked = client.post("/admin/tokens/crm/revoke",
                          data={"csrf_token": csrf_token(client, "/admin/tokens/")},
                          headers=BROWSER)
    assert revoked.status_code == 302
    assert staff_app.test_client().get(METRICS, headers=bearer(secret)).status_code == 401


def test_the_token_page_is_for_admins_and_needs_the_form_token(staff_app):
    for role in ("agent", "editor", "manager"):
        client, _ = sign_in(staff_app, f"{role}@pronto.test")
        assert client.get("/admin/tokens/", headers=BROWSER).status_code == 403
    assert staff_app.test_client().get("/admin/tokens/", headers=BROWSER).status_code == 302
    client, _ = sign_in(staff_app, "admin@pronto.test")
    forged = client.post("/admin/tokens/", data={"name": "evil", "scope": "content:write"},
                         headers=BROWSER)
    assert forged.status_code == 400 and stored(staff_app, "evil") is None
    bad = client.post("/admin/tokens/", data={"name": "x", "scope": "root",
                                              "csrf_token": csrf_token(client,
                                                                       "/admin/tokens/")},
                      headers=BROWSER)
    assert bad.status_code == 400 and "Choose scopes" in bad.get_data(as_text=True)


def test_integration_calls_are_limited_per_token(make_app):
    app = make_app(KB_RATELIMIT_ENABLED="on", KB_RATELIMIT_INTEGRATION="2 per minute")
    busy, other = make_token(app, "busy"), make_token(app, "other")
    client = app.test_client()
    assert [client.get(METRICS, headers=bearer(busy)).status_code for _ in range(3)] == [
        200, 200, 429]
    refused = client.get(METRICS, headers=bearer(busy))
    assert "API token" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get(METRICS, headers=bearer(other)).status_code == 200  # its own budget
