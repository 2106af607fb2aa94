"""Command line: ``flask --app wsgi content check``, ``index rebuild`` and friends."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app import helpcenter
from app.content import load_content

content_cli = AppGroup("content", help="Check and import Markdown help articles.")
index_cli = AppGroup("index", help="Build the search index from content/.")


@content_cli.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors too.")
def content_check(strict: bool) -> None:
    """Validate every article; print path:line: problems; exit 1 on any error."""
    content = load_content(helpcenter().content_dir)
    for problem in sorted(content.problems, key=lambda p: (p.path, p.line)):
        click.echo(str(problem), err=True)
    errors, warnings = len(content.errors), len(content.warnings)
    click.echo(f"{len(content.articles)} articles usable, {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


@content_cli.command("import")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--summary-key", default="description", show_default=True,
              help="Front matter key that holds the one-sentence summary.")
@click.option("--journey-depth", default=1, show_default=True,
              help="How many folder levels of SOURCE make up the journey name.")
def content_import(source: Path, target: Path, summary_key: str, journey_depth: int) -> None:
    """Convert another help center's Markdown tree into this project's content format."""
    from app.content.importer import import_tree

    report = import_tree(source, target, summary_key=summary_key, journey_depth=journey_depth)
    for problem in report.skipped:
        click.echo(f"skipped {problem}", err=True)
    click.echo(f"imported {report.imported} articles into {len(report.journeys)} journeys "
               f"({len(report.skipped)} skipped) -> {target}")


@index_cli.command("rebuild")
def index_rebuild() -> None:
    """Build a fresh index from content/ and swap it in."""
    click.echo(helpcenter().rebuild_index().summary())


@index_cli.command("update")
def index_update() -> None:
    """Re-index only the articles whose files changed, and drop removed ones."""
    click.echo(helpcenter().update_index().summary())


@index_cli.command("status")
def index_status() -> None:
    """Show the live index generation and its article count."""
    health = helpcenter().search_service.health()
    if not health["ok"]:
        click.echo(f"no usable index: {health['error']}", err=True)
        sys.exit(1)
    click.echo(f"generation {health['generation']}: {health['articles']} articles")


def init_app(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(index_cli)
