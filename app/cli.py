"""Command line: ``flask --app wsgi content check``, ``index rebuild`` and friends."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app import helpcenter
from app.accounts.models import ROLES
from app.content import load_content
from app.content.near_copies import find_near_copies
from app.content.problems import Problem
from app.extensions import db
from app.search.synonyms import SYNONYMS_FILE, SynonymsError, load_synonyms
from app.tickets.models import Ticket

content_cli = AppGroup("content", help="Check and import Markdown help articles.")
index_cli = AppGroup("index", help="Build the search index from content/.")
tickets_cli = AppGroup("tickets", help="Tickets handed off to the support team.")
report_cli = AppGroup("report", help="Deflection reports.")
search_cli = AppGroup("search", help="Measure search quality.")
users_cli = AppGroup("users", help="Staff accounts: agents, editors, managers, admins.")


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
    drafts = len(content.articles) - len(content.published)
    click.echo(f"{len(content.articles)} articles usable ({drafts} drafts), {errors} errors, "
               f"{warnings} warnings")
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


@tickets_cli.command("deliver")
@click.option("--all", "force", is_flag=True, help="Retry every pending delivery now, "
              "not only those whose backoff has passed.")
def tickets_deliver(force: bool) -> None:
    """Send what the outbox still owes the support team (run it from cron, e.g. every minute)."""
    report = current_app.extensions["tickets"].deliver(force=force)
    click.echo(f"delivered {report.delivered}, failed {report.failed}, "
               f"still pending {report.waiting}")
    if report.failed:
        sys.exit(1)


@tickets_cli.command("list")
@click.option("--status", default=None, help="Only tickets with this status.")
@click.option("--limit", default=50, show_default=True)
def tickets_list(status: str | None, limit: int) -> None:
    """Newest tickets first, with priority and delivery state."""
    query = select(Ticket).order_by(Ticket.created_at.desc()).limit(limit)
    if status:
        query = query.where(Ticket.status == status)
    for ticket in db.session.scalars(query):
        pending = sum(1 for m in _outbox(ticket) if m.status == "pending")
        delivery = f"{pending} pending" if pending else "delivered"
        click.echo(f"{ticket.reference}  {ticket.priority}  {ticket.status:8}  "
                   f"{ticket.created_at:%Y-%m-%d %H:%M}  {delivery:11}  {ticket.subject[:60]}")


@tickets_cli.command("show")
@click.argument("reference")
def tickets_show(reference: str) -> None:
    """One ticket: the message, the context (what the user tried) and delivery attempts."""
    from app.tickets.channels import ticket_text
    from app.tickets.outbox import ticket_payload

    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference.upper()))
    if ticket is None:
        click.echo(f"no ticket {reference}", err=True)
        sys.exit(1)
    click.echo(f"Subject: {ticket.subject}\nStatus: {ticket.status}\n"
               f"Created: {ticket.created_at:%Y-%m-%d %H:%M} UTC")
    click.echo(ticket_text(ticket_payload(ticket)))
    for message in _outbox(ticket):
        error = f", last error: {message.last_error}" if message.last_error else ""
        click.echo(f"delivery via {message.channel}: {message.status}, "
                   f"{message.attempts} attempt(s){error}")


def _outbox(ticket):
    from app.tickets.models import OutboxMessage

    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))


@report_cli.command("deflection")
@click.option("--since", default="30d", show_default=True, help="30d, 12h or a date.")
@click.option("--journey", default=None, help="Only articles of this journey.")
@click.option("--lang", default=None, help="Articles in this language; sessions, tickets and "
              "deflection in this interface language (docs/metrics.md).")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
def report_deflection(since: str, journey: str | None, lang: str | None, output: str) -> None:
    """Per-article deflection table, worst resolution rate first, then site totals."""
    from app.events.models import utcnow
    from app.metrics import report
    from app.metrics.deflection import article_metrics, site_metrics

    now = utcnow()
    try:
        start = report.parse_since(since, now)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    config = current_app.config
    window = timedelta(hours=config["KB_TICKET_WINDOW_HOURS"])
    articles = helpcenter().catalog.all()
    rows = article_metrics(articles, start, now, journey=journey, language=lang, window=window,
                           threshold=config["KB_FLAG_THRESHOLD"])
    site = site_metrics(articles, start, now, lang=lang, window=window)
    if output == "csv":
        click.echo(report.as_csv(rows), nl=False)
    elif output == "json":
        click.echo(report.as_json(rows, site))
    else:
        click.echo(report.as_table(rows, site))


@report_cli.command("weekly")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the brief (Markdown) to this file instead of printing it.")
@click.option("--mail", is_flag=True, help="Also mail it to every active manager and admin "
              "(needs KB_SMTP_URL).")
def report_weekly(output: Path | None, mail: bool) -> None:
    """The weekly brief: totals, hot topics, articles that fail, content gaps."""
    from email.message import EmailMessage

    from app.accounts.models import User
    from app.events.models import utcnow
    from app.metrics.weekly import weekly_brief
    from app.tickets.channels import DeliveryError, smtp_channel

    config = current_app.config
    brief = weekly_brief(helpcenter().catalog.all(), utcnow(),
                         window=timedelta(hours=config["KB_TICKET_WINDOW_HOURS"]),
                         threshold=config["KB_FLAG_THRESHOLD"])
    if output:
        output.write_text(brief, encoding="utf-8")
        click.echo(f"written to {output}")
    else:
        click.echo(brief, nl=False)
    if not mail:
        return
    smtp = smtp_channel(config)
    if smtp is None:
        raise click.ClickException("--mail needs KB_SMTP_URL")
    recipients = db.session.scalars(select(User.email).where(
        User.active.is_(True), User.role.in_(["manager", "admin"]))).all()
    if not recipients:
        raise click.ClickException("no active manager or admin to mail the brief to")
    message = EmailMessage()
    message["Subject"] = brief.splitlines()[0].lstrip("# ")
    message["From"] = config["KB_MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message.set_content(brief)
    try:
        smtp.deliver(message)
    except DeliveryError as error:
        raise click.ClickException(f"could not mail the brief: {error}") from None
    click.echo(f"mailed to {len(recipients)} recipient(s)")


def _print_scores(name: str, content, queries_path: Path) -> None:
    from app.search.encoders import encoders
    from app.search.evaluation import evaluate, read_queries

    scores = evaluate(content, read_queries(queries_path), encoders())
    click.echo(f"{name}: {len(content.articles)} articles, {scores['search'].queries} queries")
    click.echo(f"  {'':58} {'P@1':>6} {'MRR@10':>7} {'hit@5':>6}")
    for label, values in scores.items():
        click.echo(f"  {label:58} {values.p_at_1:6.3f} {values.mrr_at_10:7.3f} "
                   f"{values.hit_at_5:6.3f}")
        if label.startswith("plain BM25"):
            suffix = label[len("plain BM25"):]
            for searched in (key for key in scores if key.startswith("search")
                             and key.endswith(suffix) and (suffix or "(" not in key)):
                difference, baseline = scores[searched], values
                click.echo(f"  {'difference, ' + searched:58} "
                           f"{difference.p_at_1 - baseline.p_at_1:+6.3f} "
                           f"{difference.mrr_at_10 - baseline.mrr_at_10:+7.3f} "
                           f"{difference.hit_at_5 - baseline.hit_at_5:+6.3f}")


@search_cli.command("eval")
@click.argument("content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("queries_tsv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--levers", is_flag=True,
              help="Also cross-validate the second-stage levers and simulate learning.")
@click.option("--folds", default=5, show_default=True, help="k for k-fold cross-validation.")
def search_eval(content_dir: Path, queries_tsv: Path, levers: bool, folds: int) -> None:
    """P@1, MRR@10 and hit@5 of the search on QUERIES_TSV, beside plain BM25."""
    content = load_content(content_dir)
    _print_scores(content_dir.name, content, queries_tsv)
    if levers:
        _print_levers(content, queries_tsv, folds)


def _print_levers(content, queries_path: Path, folds: int) -> None:
    from app.search.evaluation import read_queries
    from app.search.levers import lever_report

    def row(label: str, values) -> str:
        return f"  {label:28} {values.p_at_1:6.3f} {values.mrr_at_10:7.3f} {values.hit_at_5:6.3f}"

    validations, simulation = lever_report(content, read_queries(queries_path), k=folds)
    for name, result in validations.items():
        click.echo(f"  rerank by {name}, {result.folds}-fold CV (weights chosen: "
                   f"{', '.join(f'{w:g}' for w in result.chosen)})")
        click.echo(row("held-out folds", result.held_out))
        for weight, values in result.by_setting.items():
            click.echo(row(f"all dev, weight {weight:g}", values))
    click.echo("  learning simulation (every other question replayed as sessions)")
    for part, (before, after) in simulation.items():
        click.echo(row(f"{part}, before", before))
        click.echo(row(f"{part}, after", after))


@search_cli.command("eval-sets")
@click.argument("sets_dir", type=click.Path(path_type=Path))
@click.option("--pooled", default="",
              help="Comma-separated set names: choose one pair of rerank weights for them by "
                   "5-fold CV.")
def search_eval_sets(sets_dir: Path, pooled: str) -> None:
    """Every evaluation set under SETS_DIR (each with content/ and dev.tsv)."""
    if not sets_dir.is_dir():
        click.echo(f"skipped: {sets_dir} not found (the shared evaluation sets are absent)")
        return
    if pooled:
        from app.search.evaluation import read_queries
        from app.search.levers import (
            chinese_settings,
            describe,
            english_settings,
            pooled_cross_validation,
        )

        sets = {name: (load_content(sets_dir / name / "content"),
                       read_queries(sets_dir / name / "dev.tsv")) for name in pooled.split(",")}
        articles = [a for content, _ in sets.values() for a in content.articles]
        chinese = sum(a.language == "zh" for a in articles) * 2 > len(articles)
        chosen, held_out = pooled_cross_validation(
            sets, chinese_settings() if chinese else english_settings())
        click.echo("settings chosen per fold:")
        for setting in chosen:
            click.echo(f"  {describe(setting)}")
        for name, values in held_out.items():
            click.echo(f"  {name:12} held-out {values.p_at_1:6.3f} {values.mrr_at_10:7.3f} "
                       f"{values.hit_at_5:6.3f}")
        return
    for folder in sorted(p for p in sets_dir.iterdir() if (p / "dev.tsv").is_file()):
        content = load_content(folder / "content")
        _print_scores(folder.name, content, folder / "dev.tsv")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password is prompted for unless --password-stdin)."""
    from app.accounts.service import AccountError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {user.email} ({user.role})")


@users_cli.command("list")
def users_list() -> None:
    """Every staff account with role and state."""
    from app.accounts.models import User

    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
        click.echo(f"{user.email:40} {user.role:8} {state:8} last sign-in {last}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def users_set_role(email: str, role: str) -> None:
    """Change a user's role."""
    from app.accounts.service import AccountError, set_role

    try:
        user = set_role(email, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} is now {user.role}")


@users_cli.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Stop a user from signing in (existing sessions end on their next request)."""
    from app.accounts.service import AccountError, set_active

    try:
        user = set_active(email, False)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} is disabled")


def init_app(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(index_cli)
    app.cli.add_command(tickets_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(users_cli)
