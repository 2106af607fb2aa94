"""``flask --app wsgi editor ...``: apply scheduled publish and unpublish changes."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.editor.schedule import apply_due

editor_cli = AppGroup("editor", help="The guide editor's scheduled changes.")


def run_schedule() -> list[str]:
    """Apply due changes after this node has caught up with the others (several nodes)."""
    current_app.extensions["helpcenter"].ensure_ready()  # as before a request: an index to use
    sync = current_app.extensions.get("content_sync")
    if sync is not None:
        sync.pull()
    return [f"{change.action} {change.article_slug}: {change.status}"
            + (f" ({change.outcome})" if change.outcome else "") for change in apply_due()]


@editor_cli.command("publish-due")
def publish_due() -> None:
    """Publish and unpublish what is scheduled for now or earlier (run it from cron)."""
    lines = run_schedule()
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} scheduled changes applied")
