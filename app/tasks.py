"""``flask --app wsgi tasks run``: the periodic work of every feature, for one cron line."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

tasks_cli = AppGroup("tasks", help="Periodic work (run every minute from cron).")


@tasks_cli.command("run")
def tasks_run() -> None:
    """Deliver what the ticket outbox owes, then apply scheduled publish and unpublish."""
    from app.editor.commands import run_schedule

    report = current_app.extensions["tickets"].deliver(force=False)
    click.echo(f"tickets: delivered {report.delivered}, failed {report.failed}, "
               f"still pending {report.waiting}")
    lines = run_schedule()
    for line in lines:
        click.echo(f"editor: {line}")
    click.echo(f"editor: {len(lines)} scheduled changes applied")
    if report.failed or any(": failed" in line for line in lines):
        sys.exit(1)
