"""The command line, ``flask --app wsgi ...``: each feature's command group, gathered here.
The commands live beside what they manage (``app/<feature>/commands.py``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.accounts.commands import users_cli
    from app.content.commands import content_cli
    from app.editor.commands import editor_cli
    from app.metrics.commands import report_cli
    from app.search.commands import index_cli, search_cli
    from app.tasks import tasks_cli
    from app.tickets.commands import mail_cli, tickets_cli

    for group in (content_cli, index_cli, tickets_cli, report_cli, search_cli, users_cli,
                  editor_cli, tasks_cli, mail_cli):
        app.cli.add_command(group)
