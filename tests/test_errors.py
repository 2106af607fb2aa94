"""Database connections that die mid-request: no 500 for a stored write, no duplicate."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from app.events.models import Vote
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import BROWSER, POSTGRES_ADMIN_URL

GOOD = {"email": "sam@example.com", "subject": "Refund not received",
        "description": "I returned the lamp two weeks ago and have no refund yet."}


class ConnectionKiller:
    """Terminates, with pg_terminate_backend, the next connection handed out of the pool:
    after a commit (``after_commit``) or at once (``now``)."""

    def __init__(self, app) -> None:
        self.armed = False
        with app.app_context():
            self.engine = db.engine
            if self.engine.dialect.name != "postgresql":
                pytest.skip("killing server connections needs PostgreSQL")
            event.listen(self.engine, "checkout", self._on_checkout)
            event.listen(db.session, "after_commit", self._after_commit)
        self.after_commit_armed = False

    def _after_commit(self, _session) -> None:
        if self.after_commit_armed:
            self.after_commit_armed, self.armed = False, True

    def _on_checkout(self, dbapi_connection, _record, _proxy) -> None:
        if self.armed:
            self.armed = False
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)",
                              (dbapi_connection.info.backend_pid,))

    def disarm(self) -> None:
        self.armed = self.after_commit_armed = False


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("kind", ["vote", "ticket"])
def test_connection_lost_after_the_commit_still_answers_success(make_app, kind):
    app = make_app()
    killer = ConnectionKiller(app)
    client = app.test_client()
    client.get("/articles/cancel-an-order", headers=BROWSER)  # a help session first
    killer.after_commit_armed = True
    if kind == "vote":
        response = client.post("/api/v1/articles/cancel-an-order/votes",
                               json={"helpful": False, "reason": "other"}, headers=BROWSER)
        assert response.status_code == 200 and response.get_json()["helpful"] is False
    else:
        response = client.post("/api/v1/tickets", json=GOOD, headers=BROWSER)
        assert response.status_code == 201 and response.get_json()["reference"]
    killer.disarm()
    assert count(app, Vote if kind == "vote" else Ticket) == 1


def test_connection_lost_before_anything_is_stored_answers_503_to_retry(make_app):
    app = make_app()
    killer = ConnectionKiller(app)
    client = app.test_client()
    headers = {"Idempotency-Key": "retry-key-0001", **BROWSER}
    killer.armed = True
    lost = client.post("/api/v1/tickets", json=GOOD, headers=headers)
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "1"
    killer.disarm()
    retried = client.post("/api/v1/tickets", json=GOOD, headers=headers)
    assert retried.status_code == 201
    assert count(app, Ticket) == 1


def test_clean_up_after_a_connection_died_mid_transaction_does_not_raise(make_app):
    from sqlalchemy import text

    from app.errors import discard_session

    app = make_app()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("killing server connections needs PostgreSQL")
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(Exception):  # noqa: B017 - whichever error the driver raises
            db.session.execute(text("SELECT 1"))
        discard_session()  # must not raise on the dead connection
        assert db.session.execute(text("SELECT 1")).scalar() == 1
