"""The JSON API: shapes, and JSON errors for every bad request."""

from __future__ import annotations

import pytest

from tests.conftest import BROWSER


def test_search_returns_ranked_results_with_snippets(client):
    body = client.get("/api/v1/search?q=reset+password&limit=3").get_json()
    assert body["query"] == "reset password"
    assert body["total"] >= 1
    assert len(body["results"]) <= 3
    first = body["results"][0]
    assert first["slug"] == "reset-your-password"
    assert set(first) >= {"slug", "title", "summary", "journey", "url", "score", "snippet"}
    assert first["url"] == "/articles/reset-your-password"
    assert body["did_you_mean"] is None


def test_search_filters_by_journey(client):
    body = client.get("/api/v1/search?q=cancel&journey=orders-and-payments").get_json()
    assert body["results"]
    assert {r["journey"] for r in body["results"]} == {"orders-and-payments"}


def test_search_suggests_spelling(client):
    body = client.get("/api/v1/search?q=pasword").get_json()
    assert body["did_you_mean"] == "password"


@pytest.mark.parametrize(("query", "fragment"), [
    ("", "'q' is required"),
    ("q=", "'q' is required"),
    ("q=refund&limit=abc", "'limit' must be a whole number"),
    ("q=refund&limit=0", "'limit' must be between"),
    ("q=refund&limit=500", "'limit' must be between"),
    ("q=refund&page=-1", "'page' must be between"),
    ("q=refund&journey=nope", "Unknown journey"),
    ("q=" + "a" * 10_000, "characters long"),
])
def test_bad_search_parameters_answer_json_400(client, query, fragment):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]["message"]


@pytest.mark.parametrize("query", ["title:", "*", "AND OR", '"x', "😀", "%00"])
def test_syntax_in_queries_is_not_an_error(client, query):
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200
    assert "results" in response.get_json()


def test_article_detail(client):
    body = client.get("/api/v1/articles/charged-twice").get_json()
    assert body["slug"] == "charged-twice"
    assert body["urgent"] is True
    assert body["journey"] == "refunds-and-after-sales"
    assert body["lang"] == "en"
    assert isinstance(body["tags"], list) and body["tags"]
    assert body["html"].count("<") > 5 and "<script" not in body["html"]
    assert body["url"] == "/articles/charged-twice"


def test_unknown_article_and_route_answer_json_404(client):
    for path in ["/api/v1/articles/nope", "/api/v1/articles/..%2Fetc", "/api/v1/nothing"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response.is_json and response.get_json()["error"]["message"]


def test_wrong_method_answers_json_405(client):
    response = client.delete("/api/v1/search?q=x")
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405


def test_healthz_reports_index_and_database(client):
    body = client.get("/healthz").get_json()
    assert body["ok"] is True
    assert body["index"]["articles"] >= 36
    assert body["database"]["ok"] is True


def test_articles_list_filters_by_journey_language_and_date_a_page_at_a_time(client):
    every = client.get("/api/v1/articles?per_page=100").get_json()
    assert every["total"] == len(every["articles"]) >= 36
    journey = client.get("/api/v1/articles?journey=orders-and-payments&per_page=100").get_json()
    assert 0 < journey["total"] < every["total"]
    assert {a["journey"] for a in journey["articles"]} == {"orders-and-payments"}
    chinese = client.get("/api/v1/articles?lang=zh&per_page=100").get_json()
    slugs = {a["slug"] for a in chinese["articles"]}
    assert "cancel-an-order-zh" in slugs and "cancel-an-order" not in slugs  # one version each
    dated = [a["updated"] for a in every["articles"] if a["updated"]]
    newest = max(dated)
    recent = client.get(f"/api/v1/articles?updated_since={newest}&per_page=100").get_json()
    assert recent["articles"] and all(a["updated"] >= newest for a in recent["articles"])
    first, second = (client.get(f"/api/v1/articles?per_page=5&page={n}").get_json()
                     for n in (1, 2))
    assert len(first["articles"]) == 5 and first["articles"] != second["articles"]
    assert [a["slug"] for a in first["articles"] + second["articles"]] == \
        [a["slug"] for a in every["articles"][:10]]


def test_article_detail_lists_its_translations(client):
    body = client.get("/api/v1/articles/cancel-an-order").get_json()
    assert body["translations"]["zh"]["slug"] == "cancel-an-order-zh"
    assert body["translations"]["zh"]["url"] == "/articles/cancel-an-order-zh"
    assert "en" not in body["translations"]  # its own language is the article itself


def test_journeys_in_display_order_with_counts(client):
    body = client.get("/api/v1/journeys").get_json()
    assert [j["slug"] for j in body["journeys"]][:1] and body["lang"] == "en"
    assert all(j["articles"] > 0 and j["url"].startswith("/journeys/") for j in body["journeys"])


def test_ticket_status_needs_its_token(make_app):
    app = make_app()
    client = app.test_client()
    made = client.post("/api/v1/tickets", json={
        "email": "sam@example.com", "subject": "Refund not received",
        "description": "I returned the lamp two weeks ago."}, headers=BROWSER).get_json()
    reference, token = made["status_url"].split("/tickets/")[1].split("?token=")
    status = client.get(f"/api/v1/tickets/{reference}?token={token}")
    assert status.status_code == 200
    body = status.get_json()
    assert (body["reference"], body["status"], body["subject"]) == (
        reference, "open", "Refund not received")
    assert body["response_target_minutes"] == 60  # P2
    wrong = client.get(f"/api/v1/tickets/{reference}?token=nope")
    assert wrong.status_code == 404
    assert client.get(f"/api/v1/tickets/{reference}").status_code == 400
