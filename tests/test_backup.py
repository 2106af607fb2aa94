"""Backup and restore as docs/deploy.md describes: pg_dump, pg_restore, an empty node."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from app.events.models import Vote
from app.extensions import db
from tests.conftest import BROWSER, DEMO_CONTENT, POSTGRES_ADMIN_URL

GOOD = {"email": "sam@example.com", "subject": "Refund not received",
        "description": "I returned the lamp two weeks ago and have no refund yet."}


def test_a_restored_database_brings_back_tickets_votes_and_every_article(make_app, tmp_path):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed: the backup test needs PostgreSQL's tools")
    content = tmp_path / "node-content"
    shutil.copytree(DEMO_CONTENT, content)
    live = make_app(KB_CONTENT_SOURCE="database", KB_CONTENT_DIR=str(content),
                    KB_INDEX_DIR=str(tmp_path / "index"))
    url = live.config["DATABASE_URL"]
    if not url.startswith("postgresql"):
        pytest.skip("the backup test needs PostgreSQL (none answered on 127.0.0.1:5432)")
    client = live.test_client()
    client.get("/", headers=BROWSER)  # the first request loads content/ into the database
    ticket = client.post("/api/v1/tickets", json=GOOD, headers=BROWSER).get_json()
    client.post("/api/v1/articles/cancel-an-order/votes", json={"helpful": True},
                headers=BROWSER)

    dump = tmp_path / "helpcenter.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", url],
                   check=True)
    restored_url = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_restored"
    name = restored_url.rsplit("/", 1)[1]
    subprocess.run(["psql", POSTGRES_ADMIN_URL, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    restored = None
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored_url}", str(dump)],
                       check=True)
        empty = tmp_path / "new-node-content"
        empty.mkdir()
        restored = make_app(KB_CONTENT_SOURCE="database", KB_CONTENT_DIR=str(empty),
                            KB_INDEX_DIR=str(tmp_path / "new-index"), DATABASE_URL=restored_url)
        again = restored.test_client()
        found = again.get("/api/v1/search?q=reset+password", headers=BROWSER).get_json()
        assert found["total"] > 0  # the articles came back with the database
        assert again.get(ticket["status_url"].split("localhost", 1)[1],
                         headers=BROWSER).status_code == 200
        with restored.app_context():
            assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
    finally:
        if restored is not None:  # no pull may hold a connection to the database dropped next
            restored.extensions["content_sync"].stop()
            with restored.app_context():
                db.session.remove()
                db.engine.dispose()
        subprocess.run(["psql", POSTGRES_ADMIN_URL, "-qc",
                        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
