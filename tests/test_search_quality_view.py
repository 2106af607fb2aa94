"""The poor-queries page: who may open it, what it counts, the CSV."""

from __future__ import annotations

import pytest

from app.events.models import Event
from app.events.recorder import SEARCH_CLICKED, SEARCH_PERFORMED
from app.extensions import db
from tests.conftest import sign_in

PATHS = ("/dashboard/search-quality", "/dashboard/search-quality.csv")


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_users_are_sent_to_sign_in(staff_app, path):
    response = staff_app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PATHS)
def test_agents_may_not_open_it(staff_app, path):
    client, _ = sign_in(staff_app, "agent@pronto.test")
    assert client.get(path).status_code == 403


def _search(query: str, results: int, session: str) -> Event:
    event = Event(name=SEARCH_PERFORMED, query=query, normalized_query=query.lower(),
                  result_count=results, session_id=session)
    db.session.add(event)
    db.session.flush()
    return event


@pytest.mark.parametrize("role", ["editor", "manager", "admin"])
def test_editors_and_managers_see_poor_queries(staff_app, role):
    with staff_app.app_context():
        _search("Teleport parcel", 0, "s1")
        _search("teleport parcel", 0, "s2")
        _search("Refund late", 4, "s3")  # no click
        found = _search("reset password", 3, "s4")
        db.session.add(Event(name=SEARCH_CLICKED, search_event_id=found.id, position=1,
                             article_slug="reset-your-password", session_id="s4"))
        db.session.commit()
    client, _ = sign_in(staff_app, f"{role}@pronto.test")
    page = client.get("/dashboard/search-quality").get_data(as_text=True)
    assert "teleport parcel" in page and "refund late" in page
    assert "reset password" not in page  # clicked, no ticket: a good search
    assert page.index("teleport parcel") < page.index("refund late")  # worst first
    assert ("New article" in page) == (role != "manager")
    assert ("/editor/synonyms?add=" in page) == (role != "manager")  # give the query synonyms
    csv_text = client.get("/dashboard/search-quality.csv?days=7").get_data(as_text=True)
    assert csv_text.splitlines()[1] == "teleport parcel,2,2,0,0,2"
    assert client.get("/dashboard/search-quality?days=5").status_code == 400
