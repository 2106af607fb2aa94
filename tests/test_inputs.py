"""The input rule: refused characters, JSON bounds, and every parser under hostile input."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.content.frontmatter import FrontMatterError, parse_front_matter
from app.events.models import Vote
from app.extensions import db
from app.inputs import MAX_JSON_DEPTH, InputError, check_json, cleaned, parse_json
from app.tickets.models import Ticket
from tests.conftest import BROWSER, csrf_token

GOOD = {"email": "sam@example.com", "subject": "Refund not received",
        "description": "I returned the lamp two weeks ago and have no refund yet."}
ARTICLE = "/api/v1/articles/cancel-an-order/votes"
HOSTILE = ["\x00", "\ud800", "\udfff", "\x1b[2J", "\x7f", "\x85", "\ufffe"]


def stored(app, model):
    with app.app_context():
        return db.session.scalars(select(model)).all()


@pytest.mark.parametrize("character", HOSTILE)
@pytest.mark.parametrize("field", ["email", "subject", "description", "order_reference"])
def test_ticket_api_refuses_refused_characters_naming_the_field(make_app, field, character):
    app = make_app()
    body = json.dumps({**GOOD, field: GOOD.get(field, "A-1") + character})
    response = app.test_client().post("/api/v1/tickets", data=body, headers={
        **BROWSER, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "cannot be stored" in response.get_json()["error"]["fields"][field]
    assert stored(app, Ticket) == []


@pytest.mark.parametrize("character", ["\x00", "\ud800"])
def test_vote_comment_with_refused_characters_is_refused(make_app, character):
    app = make_app()
    body = json.dumps({"helpful": False, "reason": "other", "comment": f"bad{character}"})
    response = app.test_client().post(ARTICLE, data=body, headers={
        **BROWSER, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "comment" in response.get_json()["error"]["fields"]
    assert stored(app, Vote) == []


@pytest.mark.parametrize("reason", [{"a": 1}, ["didnt-answer"], 3, True])
def test_vote_reason_that_is_not_text_is_refused_naming_it(make_app, reason):
    app = make_app()
    response = app.test_client().post(ARTICLE, json={"helpful": False, "reason": reason},
                                      headers=BROWSER)
    assert response.status_code == 400
    assert "reason" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/tickets", ARTICLE])
def test_deeply_nested_json_is_refused_naming_the_body(make_app, path):
    app = make_app()
    response = app.test_client().post(path, data="[" * 1000 + "]" * 1000, headers={
        **BROWSER, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "nested more than" in response.get_json()["error"]["fields"]["body"]


def test_contact_form_keeps_the_text_without_invisible_characters(make_app):
    app = make_app()
    client = app.test_client()
    token = csrf_token(client, "/contact")
    response = client.post("/contact", data={**GOOD, "description": "Lamp\x00 refund\x1b late",
                                             "csrf_token": token}, headers=BROWSER)
    assert response.status_code == 302
    [ticket] = stored(app, Ticket)
    assert ticket.description == "Lamp refund late"


def test_feedback_form_comment_is_stored_without_invisible_characters(make_app):
    app = make_app()
    client = app.test_client()
    token = csrf_token(client, "/articles/cancel-an-order")
    client.post("/articles/cancel-an-order/feedback", data={
        "helpful": "no", "reason": "other", "comment": "too\x00 long", "csrf_token": token},
        headers=BROWSER)
    [vote] = stored(app, Vote)
    assert vote.comment == "too long"


def test_search_pages_and_api_with_a_nul_character(make_app):
    client = make_app().test_client()
    assert client.get("/search?q=refund%00", headers=BROWSER).status_code == 200
    api = client.get("/api/v1/search?q=refund%00", headers=BROWSER)
    assert api.status_code == 400 and "q" in api.get_json()["error"]["fields"]
    assert client.get("/tickets/HC-%00?token=x", headers=BROWSER).status_code == 404


def test_parse_json_bounds():
    assert parse_json(b'{"a": [[["x"]]]}') == {"a": [[["x"]]]}
    assert parse_json(b'"[[[[[[[[[[[[[[[[[[[[[[[[[[["') == "[" * 27  # brackets in text
    with pytest.raises(InputError, match="nested"):
        parse_json(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    with pytest.raises(InputError, match="limit"):
        parse_json(b'"' + b"x" * 70_000 + b'"')
    with pytest.raises(InputError, match="tags.1"):
        check_json({"tags": ["ok", "no\x00"]})


@given(st.text())
def test_cleaned_text_is_always_storable(text):
    result = cleaned(text)
    result.encode("utf-8")  # no lone surrogates left
    assert "\x00" not in result
    check_json(result)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(max_size=2000), st.booleans())
def test_front_matter_parser_refuses_only_with_its_own_error(text, fenced):
    try:
        parse_front_matter(f"---\n{text}\n---\nBody" if fenced else text)
    except FrontMatterError as error:
        assert error.line >= 1  # every refusal names a line


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                      max_size=4),
    max_leaves=12)


@pytest.fixture(scope="module")
def hostile_client(app):
    return app.test_client()  # the shared app: rate limits off


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.dictionaries(st.sampled_from(["email", "subject", "description", "helpful",
                                             "reason", "comment", "order_reference",
                                             "article"]), JSON_VALUES, max_size=6),
       path=st.sampled_from(["/api/v1/tickets", ARTICLE]))
def test_ticket_and_vote_api_answer_every_body_without_a_server_error(hostile_client, body,
                                                                     path):
    response = hostile_client.post(path, data=json.dumps(body), headers={
        **BROWSER, "Content-Type": "application/json"})
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=st.text(max_size=400), journey=st.text(max_size=20) | st.none())
def test_search_answers_every_query_without_a_server_error(hostile_client, query, journey):
    params = {"q": query} if journey is None else {"q": query, "journey": journey}
    api = hostile_client.get("/api/v1/search", query_string=params, headers=BROWSER)
    page = hostile_client.get("/search", query_string=params, headers=BROWSER)
    assert api.status_code < 500 and page.status_code < 500
