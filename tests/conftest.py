"""Fixtures: a temporary content dir, index and database per test session.

The database is PostgreSQL when one answers on 127.0.0.1:5432 (a fresh database is created
and dropped), SQLite otherwise; set TEST_DATABASE_URL to choose one explicitly.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _committed_demo_content() -> Path:
    """The demo content as last committed, in a private folder: using the site (which edits
    content/) never changes what the tests read. Outside a git checkout: content/ as it is."""
    import atexit
    import io
    import subprocess
    import tarfile
    import tempfile

    try:
        archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar",
                                  "HEAD", "content"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return PROJECT_ROOT / "content"
    folder = Path(tempfile.mkdtemp(prefix="helpcenter-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "content"


DEMO_CONTENT = _committed_demo_content()
SHARED = PROJECT_ROOT.parent / "shared"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL",
                                    "postgresql://postgres@127.0.0.1:5432/postgres")


def _compile_translations() -> None:
    """`make setup` compiles the catalogs; this covers running pytest directly after a change."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (PROJECT_ROOT / "app" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source), use_fuzzy=True)


_compile_translations()


def _postgres_database() -> tuple[str, str] | None:
    """Create a throw-away PostgreSQL database; None when no server answers."""
    try:
        import psycopg
    except ImportError:
        return None
    name = f"helpcenter_test_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return name, POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=2) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_database(directory: Path) -> tuple[str, str | None]:
    """(url, PostgreSQL database name to drop afterwards, or None for SQLite)."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"], None
    created = None if os.environ.get("KB_TEST_SQLITE") else _postgres_database()
    if created is None:
        return f"sqlite:///{directory / f'test-{secrets.token_hex(4)}.db'}", None
    name, url = created
    return url, name


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url, postgres_name = new_database(tmp_path_factory.mktemp("db"))
    yield url
    if postgres_name:
        drop_postgres_database(postgres_name)


@pytest.fixture(scope="session")
def content_dir(tmp_path_factory) -> Path:
    """A private copy of the demo content, so tests may add or break files."""
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(DEMO_CONTENT, target)
    return target


@pytest.fixture(scope="session")
def app(content_dir, database_url, tmp_path_factory):
    app = create_app({
        "KB_CONTENT_DIR": str(content_dir),
        "KB_INDEX_DIR": str(tmp_path_factory.mktemp("index")),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "KB_TICKET_DELIVERY": "inline",
        "KB_RATELIMIT_ENABLED": "off",  # many tests share this app; tests/test_ratelimit.py
    })
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        app.extensions["helpcenter"].rebuild_index()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def make_app(app, content_dir, tmp_path):
    """Factory: another app on the same content and index but a fresh, empty database."""
    made: list[tuple] = []

    def factory(**overrides):
        url, postgres_name = new_database(tmp_path)
        config = {
            "KB_CONTENT_DIR": str(content_dir),
            "KB_INDEX_DIR": app.config["KB_INDEX_DIR"],
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "KB_TICKET_DELIVERY": "inline",
        }
        config.update(overrides)
        fresh = create_app(config)
        with fresh.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
        made.append((fresh, postgres_name))
        return fresh

    yield factory
    for fresh, postgres_name in made:
        if "content_sync" in fresh.extensions:
            fresh.extensions["content_sync"].stop()
        fresh.extensions["tickets"].wait_for_deliveries()
        with fresh.app_context():
            db.session.remove()
            db.engine.dispose()
        if postgres_name:
            drop_postgres_database(postgres_name)


def csrf_token(client, path: str) -> str:
    """The CSRF token from a form page, as a browser would submit it."""
    import re

    html = client.get(path, headers=BROWSER).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


STAFF_PASSWORD = "correct horse battery"


def add_staff(app, email: str, role: str) -> None:
    """Create a staff account through the CLI, as an administrator would."""
    result = app.test_cli_runner().invoke(
        args=["users", "create", email, "--role", role, "--password-stdin"],
        input=STAFF_PASSWORD + "\n")
    assert result.exit_code == 0, result.output


def sign_in(app, email: str, password: str = STAFF_PASSWORD):
    """(client, response) after posting the sign-in form with its CSRF token."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token}, headers=BROWSER)
    return client, response


@pytest.fixture()
def staff_app(make_app):
    """A fresh app with one account of each role: <role>@pronto.test."""
    app = make_app()
    for role in ("agent", "editor", "manager", "admin"):
        add_staff(app, f"{role}@pronto.test", role)
    return app


@pytest.fixture()
def editor_app(make_app, tmp_path):
    """(app, content dir): a private copy of the demo content and index, one account per role."""
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    app = make_app(KB_CONTENT_DIR=str(content), KB_INDEX_DIR=str(tmp_path / "index"))
    for role in ("editor", "agent", "manager", "admin"):
        add_staff(app, f"{role}@pronto.test", role)
    return app, content


def post(client, path, data, form_page: str = "/editor/new"):
    """POST a staff form with the CSRF token of ``form_page``, as a browser would."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_page)},
                       headers=BROWSER)


def search_slugs(client, query):
    return [r["slug"] for r in client.get(f"/api/v1/search?q={query}").get_json()["results"]]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What a local aiosmtpd server received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


def start_smtp_server(port: int | None = None):
    """A real SMTP server on 127.0.0.1: (controller, mailbox); call controller.stop()."""
    controller_module = pytest.importorskip("aiosmtpd.controller",
                                            reason="aiosmtpd is not installed")
    mailbox = Mailbox()
    controller = controller_module.Controller(mailbox, hostname="127.0.0.1",
                                              port=port or free_port())
    controller.start()
    return controller, mailbox


@pytest.fixture()
def smtp_server():
    controller, mailbox = start_smtp_server()
    yield controller, mailbox
    controller.stop()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def helpcenter(app):
    return app.extensions["helpcenter"]


BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def write_article(content_dir: Path, journey: str, slug: str, front_matter: str,
                  body: str = "Some helpful text.\n") -> Path:
    """Write ``content_dir/journey/slug.md`` with the given front matter lines."""
    path = content_dir / journey / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter.strip()}\n---\n{body}", encoding="utf-8")
    return path


@pytest.fixture()
def make_content(tmp_path) -> Path:
    """An empty content directory with two journeys, for loader and indexer tests."""
    root = tmp_path / "content"
    root.mkdir()
    (root / "journeys.yml").write_text(
        "- {slug: getting-started, title: Getting started, description: First steps, icon: 🚀}\n"
        "- {slug: troubleshooting, title: Troubleshooting, description: Fix problems, icon: 🔧}\n",
        encoding="utf-8",
    )
    (root / "_media").mkdir()
    return root
