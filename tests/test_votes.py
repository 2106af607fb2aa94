"""'Did this solve your problem?': without JavaScript, through the API, once per session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.events.models import Vote
from app.extensions import db
from tests.conftest import BROWSER, csrf_token

ARTICLE = "/articles/reschedule-a-booking"


def votes(app):
    with app.app_context():
        return [(v.article_slug, v.helpful, v.reason, v.comment)
                for v in db.session.scalars(select(Vote).order_by(Vote.id))]


def test_yes_without_javascript_says_thanks_and_asks_nothing_more(make_app):
    app = make_app()
    client = app.test_client()
    token = csrf_token(client, ARTICLE)
    response = client.post(f"{ARTICLE}/feedback", data={"csrf_token": token, "helpful": "yes"},
                           headers=BROWSER, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "glad that sorted it" in html
    assert 'name="reason"' not in html
    assert votes(app) == [("reschedule-a-booking", True, None, None)]


def test_no_asks_why_and_offers_contact(make_app):
    app = make_app()
    client = app.test_client()
    token = csrf_token(client, ARTICLE)
    html = client.post(f"{ARTICLE}/feedback", data={"csrf_token": token, "helpful": "no"},
                       headers=BROWSER, follow_redirects=True).get_data(as_text=True)
    assert "What went wrong?" in html
    for label in ["didn't answer my question", "steps didn't work", "hard to understand",
                  "out of date", "Something else"]:
        assert label in html.replace("&#39;", "'")
    assert "/contact?article=reschedule-a-booking" in html
    html = client.post(f"{ARTICLE}/feedback",
                       data={"csrf_token": token, "helpful": "no", "reason": "steps-didnt-work",
                             "comment": "Step 3 has no Reschedule button"},
                       headers=BROWSER, follow_redirects=True).get_data(as_text=True)
    assert "we'll use it to fix this article" in html.replace("&#39;", "'")
    assert votes(app) == [("reschedule-a-booking", False, "steps-didnt-work",
                           "Step 3 has no Reschedule button")]


def test_voting_again_changes_the_vote_never_double_counts(make_app):
    app = make_app()
    client = app.test_client()
    for helpful in (True, False, True, True):
        response = client.post(f"/api/v1{ARTICLE}/votes", json={"helpful": helpful},
                               headers=BROWSER)
        assert response.status_code == 200
    assert votes(app) == [("reschedule-a-booking", True, None, None)]
    other = app.test_client()
    other.post(f"/api/v1{ARTICLE}/votes", json={"helpful": False}, headers=BROWSER)
    assert len(votes(app)) == 2


def test_form_vote_without_csrf_token_is_refused(make_app):
    app = make_app()
    response = app.test_client().post(f"{ARTICLE}/feedback", data={"helpful": "yes"},
                                      headers=BROWSER)
    assert response.status_code == 400
    assert votes(app) == []


def test_api_vote_stores_reason_and_comment(make_app):
    app = make_app()
    response = app.test_client().post(
        f"/api/v1{ARTICLE}/votes",
        json={"helpful": False, "reason": "out-of-date", "comment": "  The menu moved.  "},
        headers=BROWSER,
    )
    assert response.status_code == 200
    assert response.get_json() == {"slug": "reschedule-a-booking", "helpful": False,
                                   "reason": "out-of-date", "comment": "The menu moved."}


@pytest.mark.parametrize(("body", "status", "fragment"), [
    ({"helpful": "yes"}, 400, "'helpful' must be true or false"),
    ({}, 400, "'helpful' must be true or false"),
    ({"helpful": False, "reason": "because"}, 400, "'reason' must be one of"),
    ({"helpful": False, "comment": "x" * 501}, 400, "limit is 500"),
    ({"helpful": False, "comment": 42}, 400, "'comment' must be text"),
    ([True], 400, "must be a JSON object"),
])
def test_bad_vote_bodies_say_why(make_app, body, status, fragment):
    app = make_app()
    response = app.test_client().post(f"/api/v1{ARTICLE}/votes", json=body, headers=BROWSER)
    assert response.status_code == status
    assert fragment in response.get_json()["error"]["message"]
    assert votes(app) == []


def test_vote_body_must_be_json(make_app):
    client = make_app().test_client()
    response = client.post(f"/api/v1{ARTICLE}/votes", data="helpful=true", headers=BROWSER)
    assert response.status_code == 415
    response = client.post(f"/api/v1{ARTICLE}/votes", data="{not json",
                           content_type="application/json", headers=BROWSER)
    assert response.status_code == 400


def test_vote_on_unknown_article_is_json_404(make_app):
    response = make_app().test_client().post("/api/v1/articles/nope/votes",
                                             json={"helpful": True}, headers=BROWSER)
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]


def test_feedback_panel_fragment_for_script(client):
    html = client.get(f"{ARTICLE}/feedback?step=why").get_data(as_text=True)
    assert html.lstrip().startswith('<section id="feedback"')
    assert "What went wrong?" in html
