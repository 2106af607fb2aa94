"""The JSON API: shapes, and JSON errors for every bad request."""

from __future__ import annotations

import pytest


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
