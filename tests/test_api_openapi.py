"""The OpenAPI document: valid 3.1, made from the code, and true of the running API."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.tokens.service import create_token

PUBLIC = {"/api/v1/search", "/api/v1/suggest", "/api/v1/journeys", "/api/v1/articles",
          "/api/v1/articles/{slug}", "/api/v1/articles/{slug}/votes", "/api/v1/tickets",
          "/api/v1/tickets/{reference}"}
EXAMPLES = 15  # per operation: the whole run stays well under a minute


def test_the_document_is_valid_openapi_3_1_and_lists_every_public_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # raises with the first problem
    assert set(doc["paths"]) >= PUBLIC
    search = doc["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "journey", "limit", "page"}
    assert "400" in search["responses"] and "422" not in search["responses"]


def test_a_refused_request_answers_400_in_the_one_error_shape(client):
    response = client.get("/api/v1/articles?per_page=1000&updated_since=yesterday")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400
    assert set(error["fields"]) == {"per_page", "updated_since"}
    assert "'per_page' must be between 1 and 100" in error["message"]


def test_the_reference_page_is_served_by_the_site_without_outside_resources(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/search" in html and "/api/v1/tickets/{reference}" in html
    assert "https://" not in html.replace("https://example", "")  # nothing from elsewhere
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_api_answers_as_its_document_says(make_app):
    """Requests generated from the document, a fixed number per operation: no server error,
    and every answer (status, content type, body) is one the document describes."""
    app = make_app(KB_RATELIMIT_ENABLED="off")
    with app.app_context():  # figures are read with a token; content writes are refused (403)
        headers = {"Authorization": "Bearer " + create_token("reader", ["metrics:read"]).secret}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= len(PUBLIC)
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=headers, checks=checks)

        answers_as_documented()
