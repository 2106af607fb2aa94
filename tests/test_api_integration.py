"""Integration endpoints: the dashboard's figures to the digit (metrics:read), articles written
through the editor's path (content:write), and CORS on every endpoint of the document."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from sqlalchemy import select

from app.content.journal import ContentFile, sha256
from app.editor.models import Revision
from app.events.models import utcnow
from app.extensions import db
from app.tokens.service import create_token
from benchmarks.dashboard import seed_history
from tests.conftest import BROWSER, DEMO_CONTENT, add_staff, sign_in

ARTICLE = """Cancel the order from **Orders** before it ships.

1. Open Orders.
2. Choose the order and press Cancel.
"""


def bearer(app, scope: str, name: str = "docs-sync") -> dict[str, str]:
    with app.app_context():
        return {"Authorization": f"Bearer {create_token(name, [scope]).secret}"}


def _csv(client, path: str) -> list[dict[str, str]]:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _num(value) -> str:
    return "" if value is None else f"{value:.4f}"


@pytest.fixture()
def busy_app(make_app):
    app = make_app()
    with app.app_context():
        seed_history(app.extensions["helpcenter"].catalog.all(), 21, 25, utcnow(), seed=5)
    add_staff(app, "manager@pronto.test", "manager")
    return app


@pytest.mark.parametrize("query", ["days=30", "days=7", "days=90&language=zh"])
def test_article_figures_are_the_dashboards_to_the_digit(busy_app, query):
    manager, _ = sign_in(busy_app, "manager@pronto.test")
    dashboard = {row["slug"]: row for row in _csv(manager, f"/dashboard/articles.csv?{query}")}
    response = busy_app.test_client().get(f"/api/v1/metrics/articles?{query}",
                                          headers=bearer(busy_app, "metrics:read"))
    assert response.status_code == 200
    figures = response.get_json()["articles"]
    assert {row["slug"] for row in figures} == set(dashboard)
    assert sum(row["views"] for row in figures) > 0
    for row in figures:
        shown = dashboard[row["slug"]]
        for name in ("views", "helpful_yes", "helpful_no", "tickets_after_view",
                     "previous_views", "tickets_self_solved"):
            assert str(row[name]) == shown[name], (row["slug"], name)
        for name in ("helpfulness", "resolution_rate", "resolution_low", "resolution_high",
                     "trend"):
            assert _num(row[name]) == shown[name], (row["slug"], name)
        assert str(row["flagged"]) == shown["flagged"]


def test_gaps_and_funnels_are_the_dashboards(busy_app):
    manager, _ = sign_in(busy_app, "manager@pronto.test")
    client, headers = busy_app.test_client(), bearer(busy_app, "metrics:read")
    gaps = client.get("/api/v1/metrics/gaps?days=30", headers=headers).get_json()["gaps"]
    assert gaps and [[g["query"], str(g["searches"]), str(g["no_results"]),
                      str(g["tickets_after"])] for g in gaps] == [
        list(row.values()) for row in _csv(manager, "/dashboard/gaps.csv?days=30")]
    funnels = client.get("/api/v1/metrics/funnels?days=30", headers=headers).get_json()
    flat = [[f["journey"] or "(none)", s["name"], str(s["count"]), s["base"] or "",
             _num(s["share"]), str(f["browsed"])] for f in funnels["funnels"] for s in f["steps"]]
    assert flat and flat == [list(row.values())
                             for row in _csv(manager, "/dashboard/funnels.csv?days=30")]


def test_a_bad_period_is_400_naming_the_field(busy_app):
    client, headers = busy_app.test_client(), bearer(busy_app, "metrics:read")
    response = client.get("/api/v1/metrics/articles?days=12", headers=headers)
    assert response.status_code == 400 and "days" in response.get_json()["error"]["fields"]
    future = client.get("/api/v1/metrics/gaps?from=2999-01-01", headers=headers)
    assert future.status_code == 400 and "future" in future.get_json()["error"]["message"]


NEW = {"journey": "orders-and-payments", "title": "Cancel an order by API",
       "summary": "How to cancel an order before it ships.", "body": ARTICLE,
       "tags": ["cancel", "order"], "change_summary": "Synced from docs"}


def test_content_writes_take_the_editors_path(editor_app):
    app, content = editor_app
    client, headers = app.test_client(), bearer(app, "content:write", "docs-repo")
    path = "/api/v1/content/articles/cancel-by-api"
    created = client.put(path, json=NEW, headers=headers)
    assert created.status_code == 201, created.get_json()
    saved = created.get_json()
    assert saved["path"] == "orders-and-payments/cancel-by-api.md" and not saved["draft"]
    assert (content / saved["path"]).read_text(encoding="utf-8").count("Cancel an order") == 1
    public = client.get("/api/v1/articles/cancel-by-api")
    assert public.status_code == 200 and "<ol>" in public.get_json()["html"]  # indexed
    with app.app_context():
        revision = db.session.scalar(select(Revision).where(
            Revision.article_slug == "cancel-by-api"))
        assert "docs-repo" in revision.author_email and revision.summary == "Synced from docs"

    stale = client.put(path, json={**NEW, "title": "Without a base"}, headers=headers)
    assert stale.status_code == 409 and "base_hash" in stale.get_json()["error"]["fields"]
    updated = client.put(path, json={**NEW, "title": "Cancel an order (API)",
                                     "base_hash": saved["content_hash"]}, headers=headers)
    assert updated.status_code == 200
    assert updated.get_json()["content_hash"] != saved["content_hash"]
    conflict = client.put(path, json={**NEW, "title": "Based on the old one",
                                      "base_hash": saved["content_hash"]}, headers=headers)
    assert conflict.status_code == 409
    assert "Cancel an order (API)" in conflict.get_json()["error"]["diff"]
    assert client.get("/api/v1/articles/cancel-by-api").get_json()["title"] == \
        "Cancel an order (API)"

    source = client.get(path, headers=headers).get_json()
    assert source["content_hash"] == updated.get_json()["content_hash"]
    gone = client.post(path + "/unpublish", json={"base_hash": source["content_hash"]},
                       headers=headers)
    assert gone.status_code == 200 and gone.get_json()["draft"] is True
    assert client.get("/api/v1/articles/cancel-by-api").status_code == 404
    assert (content / saved["path"]).is_file()  # a draft: kept, not shown


@pytest.mark.parametrize(("change", "field"), [
    ({"journey": "nowhere"}, "journey"),
    ({"title": 42}, "title"),
    ({"body": None}, "body"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_articles_are_refused_naming_the_field(editor_app, change, field):
    app, content = editor_app
    client = app.test_client()
    response = client.put("/api/v1/content/articles/refused", json={**NEW, **change},
                          headers=bearer(app, "content:write"))
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    assert not list(content.glob("*/refused.md"))


SHOP = "https://shop.example"


@pytest.fixture()
def shop_app(make_app):
    return make_app(KB_ALLOWED_ORIGINS=SHOP, KB_RATELIMIT_ENABLED="off")


def _document_operations(client) -> list[tuple[str, str, bool]]:
    """(path, method, needs a token) for every operation of the document."""
    doc = client.get("/api/v1/openapi.json").get_json()
    return [(path.replace("{slug}", "cancel-an-order").replace("{reference}", "HC-1"),
             method.upper(), "security" in operation)
            for path, item in doc["paths"].items() for method, operation in item.items()
            if method in {"get", "post", "put", "delete", "patch"}]


def test_cors_allows_listed_origins_and_denies_others_on_every_documented_endpoint(shop_app):
    client = shop_app.test_client()
    operations = _document_operations(client)
    assert len(operations) >= 14
    for path, method, needs_token in operations:
        preflight = {"Origin": SHOP, "Access-Control-Request-Method": method}
        granted = client.options(path, headers=preflight)
        assert granted.status_code == 204, path
        assert granted.headers["Access-Control-Allow-Origin"] == SHOP
        assert "Origin" in granted.headers["Vary"]
        # A browser may call the public endpoints; a token is never granted to one (a token
        # in a page would be everyone's), so integration calls stay server to server.
        if not needs_token:
            assert method in granted.headers["Access-Control-Allow-Methods"], path
        assert "Authorization" not in granted.headers["Access-Control-Allow-Headers"]
        denied = client.options(path, headers={**preflight, "Origin": "https://evil.example"})
        assert denied.status_code == 403 and "Access-Control-Allow-Origin" not in denied.headers
        if method != "GET":
            forged = client.open(path, method=method, json={},
                                 headers={**BROWSER, "Origin": "https://evil.example"})
            assert forged.status_code == 403, path
            assert forged.get_json()["error"]["fields"]["Origin"]
    read = client.get("/api/v1/journeys", headers={"Origin": SHOP})
    assert read.headers["Access-Control-Allow-Origin"] == SHOP


def test_content_writes_go_through_the_journal_of_several_nodes(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    app = make_app(KB_CONTENT_SOURCE="database", KB_CONTENT_DIR=str(content),
                   KB_INDEX_DIR=str(tmp_path / "index"), KB_CONTENT_SYNC_SECONDS="3600")
    client, headers = app.test_client(), bearer(app, "content:write")
    path = "/api/v1/content/articles/cancel-by-api"
    saved = client.put(path, json=NEW, headers=headers).get_json()
    stored_path = "orders-and-payments/cancel-by-api.md"
    with app.app_context():  # what every other node pulls
        row = db.session.get(ContentFile, stored_path)
        assert row.sha256 == saved["content_hash"]
        row.data, row.sha256 = b"changed on another node", sha256(b"changed on another node")
        db.session.commit()
    behind = client.put(path, json={**NEW, "title": "Edited here",
                                    "base_hash": saved["content_hash"]}, headers=headers)
    assert behind.status_code == 409  # this node's file is older than the database's
    assert "changed on another node" in behind.get_json()["error"]["diff"]
    assert "Edited here" not in (content / stored_path).read_text(encoding="utf-8")
