"""Several nodes on one database agree: two real app processes, two content folders."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.content.journal import DatabaseJournal
from app.extensions import db
from tests.conftest import (
    BROWSER,
    DEMO_CONTENT,
    PROJECT_ROOT,
    STAFF_PASSWORD,
    add_staff,
    drop_postgres_database,
    free_port,
    new_database,
)

AGREE_WITHIN = 5.0  # seconds, the promise in docs/deploy.md


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answers as they are: a save's 302 is what the test checks."""

    def redirect_request(self, *args, **kwargs):
        return None


class Node:
    """One app process (flask run) with its own content folder and index."""

    def __init__(self, name: str, root: Path, database_url: str, content: Path | None) -> None:
        self.content = root / name / "content"
        if content is not None:
            shutil.copytree(content, self.content)
        else:
            self.content.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "KB_CONTENT_DIR": str(self.content),
               "KB_INDEX_DIR": str(root / name / "index"), "SECRET_KEY": "nodes-secret",
               "KB_CONTENT_SOURCE": "database", "KB_CONTENT_SYNC_SECONDS": "0.5",
               "KB_SEARCH_EMBEDDINGS": "off", "KB_TICKET_DELIVERY": "off"}
        self.log = (root / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(self.port)],
            cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects())
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"node on {self.url} did not start")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers=BROWSER)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def form(self, path: str) -> dict[str, str]:
        html = self.get(path)[1]
        return {name: value for name, value in re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)}

    def sign_in(self, email: str) -> None:
        token = self.form("/login")["csrf_token"]
        self.request("/login", {"email": email, "password": STAFF_PASSWORD, "csrf_token": token})

    def save(self, slug: str | None, action: str = "publish", body: str = "Step one.",
             base_hash: str | None = None) -> int:
        hidden = self.form(f"/editor/{slug or 'new'}")
        data = {"csrf_token": hidden["csrf_token"], "base_hash": base_hash or hidden.get(
            "base_hash", ""), "slug": "zebra-crossing", "journey": "getting-started",
                "title": "Zebra crossing refunds", "summary": "Refunds at the zebra crossing.",
                "body": body, "action": action, "draft_hash": hidden.get("draft_hash", "")}
        return self.request(f"/editor/{slug or 'new'}", data)[0]

    def finds(self, words: str) -> bool:
        status, text = self.get("/api/v1/search?q=" + urllib.parse.quote(words))
        return status == 200 and json.loads(text)["total"] > 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def seconds_until(condition) -> float:
    started = time.monotonic()
    while time.monotonic() - started < 15:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError("the nodes did not agree within 15 seconds")


@pytest.fixture()
def cluster(tmp_path):
    url, postgres_name = new_database(tmp_path)
    setup = create_app({"DATABASE_URL": url, "KB_CONTENT_DIR": str(DEMO_CONTENT),
                        "KB_INDEX_DIR": str(tmp_path / "setup-index"),
                        "SECRET_KEY": "nodes-secret"})
    with setup.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    add_staff(setup, "editor@pronto.test", "editor")
    nodes: list[Node] = []

    def start(name: str, content: Path | None = DEMO_CONTENT) -> Node:
        nodes.append(Node(name, tmp_path, url, content))
        return nodes[-1]

    yield start, setup
    for node in nodes:
        node.stop()
    with setup.app_context():
        db.session.remove()
        db.engine.dispose()
    if postgres_name:
        drop_postgres_database(postgres_name)


def test_two_nodes_agree_within_seconds(cluster):
    start, setup = cluster
    node_a, node_b = start("a"), start("b")
    with setup.app_context():  # the first node seeded the empty database from its folder
        assert any(path.endswith("reset-your-password.md")
                   for path, _ in DatabaseJournal(DEMO_CONTENT).files())
    node_a.sign_in("editor@pronto.test")
    node_b.sign_in("editor@pronto.test")
    assert not node_b.finds("zebra")

    assert node_a.save(None) == 302  # published on A
    published = seconds_until(lambda: node_b.finds("zebra"))
    print(f"published on A, found on B after {published:.2f} s")
    assert published < AGREE_WITHIN
    assert (node_b.content / "getting-started" / "zebra-crossing.md").is_file()

    stale = node_b.form("/editor/zebra-crossing")["base_hash"]  # B's editor opens it
    assert node_a.save("zebra-crossing", body="Step one, then two.") == 302  # A saves first
    assert node_b.save("zebra-crossing", body="My change.", base_hash=stale) == 409

    # A draft of the live article saved on A waits beside it on B; readers keep the live text.
    assert node_a.save("zebra-crossing", action="draft", body="Zebra stripes, drafted.") == 302
    pending = node_b.content / "_drafts" / "getting-started" / "zebra-crossing.md"
    assert seconds_until(pending.is_file) < AGREE_WITHIN
    assert "Pending draft" in node_b.get("/editor/zebra-crossing")[1]
    assert node_b.finds("zebra") and not node_b.finds("drafted")

    assert node_a.save("zebra-crossing", action="unpublish", body="Step one, then two.") == 302
    unpublished = seconds_until(lambda: not node_b.finds("zebra"))
    print(f"unpublished on A, gone from B after {unpublished:.2f} s")
    assert unpublished < AGREE_WITHIN

    node_c = start("c", content=None)  # an empty node catches up by itself
    assert node_c.finds("reset password")
    assert (node_c.content / "getting-started" / "zebra-crossing.md").is_file()


def test_synonyms_saved_on_one_node_are_used_by_the_other(cluster):
    start, _ = cluster
    node_a, node_b = start("a"), start("b")
    node_a.sign_in("editor@pronto.test")
    hidden = node_a.form("/editor/synonyms")
    lines = node_a.get("/editor/synonyms")[1]
    current = re.search(r'<textarea[^>]*name="lines"[^>]*>(.*?)</textarea>', lines, re.S)[1]
    import html

    text = html.unescape(current).strip() + "\nflibbertigibbet, refund\n"
    status, _ = node_a.request("/editor/synonyms", {"csrf_token": hidden["csrf_token"],
                                                    "base_hash": hidden["base_hash"],
                                                    "lines": text})
    assert status == 302
    assert seconds_until(lambda: node_b.finds("flibbertigibbet")) < AGREE_WITHIN
