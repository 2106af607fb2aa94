"""Migrations bring an empty database to the latest schema and back down cleanly."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.conftest import PROJECT_ROOT, drop_postgres_database, new_database

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def test_upgrade_from_empty_and_downgrade_to_base(tmp_path, content_dir):
    url, postgres_name = new_database(tmp_path)  # PostgreSQL when available, else SQLite
    app = create_app({
        "DATABASE_URL": url,
        "KB_CONTENT_DIR": str(content_dir),
        "KB_INDEX_DIR": str(tmp_path / "index"),
        "SECRET_KEY": "x",
    })
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        assert {"events", "help_sessions", "votes", "tickets", "ticket_updates", "outbox",
                "users", "staff_sessions", "alembic_version"} <= tables
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)  # and up again, cleanly
        db.engine.dispose()
    if postgres_name:
        drop_postgres_database(postgres_name)


def test_models_match_the_migrations(app):
    """No model change is left without a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []
