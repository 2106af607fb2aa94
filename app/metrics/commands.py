"""``flask --app wsgi report ...``: the deflection table and the weekly brief."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app import helpcenter
from app.extensions import db

report_cli = AppGroup("report", help="Deflection reports.")


@report_cli.command("deflection")
@click.option("--since", default="30d", show_default=True, help="30d, 12h or a date.")
@click.option("--journey", default=None, help="Only articles of this journey.")
@click.option("--lang", default=None, help="Articles in this language; sessions, tickets and "
              "deflection in this interface language (docs/metrics.md).")
@click.option("--channel", type=click.Choice(["site", "widget", "api"]), default=None,
              help="Only help given through this channel in the split by channel and context.")
@click.option("--context", default=None, help="Only this page context (e.g. checkout) in the "
              "split by channel and context.")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
def report_deflection(since: str, journey: str | None, lang: str | None, channel: str | None,
                      context: str | None, output: str) -> None:
    """Per-article deflection table, worst resolution rate first, then site totals, then the
    split by channel and context (filtered by --channel and --context)."""
    import json

    from app.events.models import utcnow
    from app.metrics import report
    from app.metrics.channels import as_table as channels_table
    from app.metrics.channels import channel_split
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
    split = channel_split(start, now, channel=channel, context=context, lang=lang)
    if output == "csv":
        click.echo(report.as_csv(rows), nl=False)
    elif output == "json":
        data = json.loads(report.as_json(rows, site))
        data["by_channel"] = [row.as_dict() for row in split]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(report.as_table(rows, site))
        click.echo("\nBy channel and context")
        click.echo(channels_table(split), nl=False)


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
