"""``flask --app wsgi content ...``: check, import, export and load the Markdown articles."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app import helpcenter
from app.content import load_content
from app.content.journal import DatabaseJournal, is_content_file
from app.content.near_copies import find_near_copies
from app.content.problems import Problem
from app.content.writer import write_bytes_atomically
from app.search.synonyms import SYNONYMS_FILE, SynonymsError, load_synonyms
from app.widget.contexts import CONTEXTS_FILE, ContextsError, check_references, load_contexts

content_cli = AppGroup("content", help="Check and import Markdown help articles.")


@content_cli.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors too.")
def content_check(strict: bool) -> None:
    """Validate every article; print path:line: problems; exit 1 on any error."""
    content_dir = helpcenter().content_dir
    content = load_content(content_dir)
    near_copies = [Problem(str(content_dir / pair.article.path), 1, pair.message(), "warning")
                   for pair in find_near_copies(content.articles)]
    for problem in sorted([*content.problems, *near_copies], key=lambda p: (p.path, p.line)):
        click.echo(str(problem), err=True)
    errors, warnings = len(content.errors), len(content.warnings) + len(near_copies)
    try:
        load_synonyms(helpcenter().content_dir / SYNONYMS_FILE)
    except SynonymsError as error:
        click.echo(str(error), err=True)
        errors += 1
    errors += _check_contexts(content_dir, {a.slug for a in content.articles})
    drafts = len(content.articles) - len(content.published)
    click.echo(f"{len(content.articles)} articles usable ({drafts} drafts), {errors} errors, "
               f"{warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


def _check_contexts(content_dir: Path, slugs: set[str]) -> int:
    """Print each problem of the widget's contexts file; how many there are."""
    path = content_dir / CONTEXTS_FILE
    try:
        contexts = load_contexts(path)
    except ContextsError as error:
        click.echo(str(error), err=True)
        return 1
    journeys = {journey.slug for journey in helpcenter().journeys()}
    problems = check_references(contexts, slugs, journeys, str(path))
    for problem in problems:
        click.echo(problem, err=True)
    return len(problems)


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


@content_cli.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_command(target: Path) -> None:
    """Write the current content (the database's, or content/'s) to TARGET as files."""
    center = current_app.extensions["helpcenter"]
    if isinstance(center.journal, DatabaseJournal):
        files = center.journal.files()
    else:
        root = center.content_dir
        files = [(p.relative_to(root).as_posix(), p.read_bytes())
                 for p in sorted(root.rglob("*")) if is_content_file(p, root)]
    for path, data in files:
        write_bytes_atomically(target / path, data)
    click.echo(f"{len(files)} files written to {target}")


@content_cli.command("load")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--prune", is_flag=True, help="Also delete files that SOURCE does not have.")
def load_command(source: Path, prune: bool) -> None:
    """Make the database hold SOURCE's files (KB_CONTENT_SOURCE=database): a docs-as-code
    deploy. Every node picks the changes up within KB_CONTENT_SYNC_SECONDS."""
    center = current_app.extensions["helpcenter"]
    if not isinstance(center.journal, DatabaseJournal):
        raise click.ClickException("KB_CONTENT_SOURCE is files: content/ is already the truth")
    click.echo(f"{center.journal.import_folder(source, prune)} files changed")
