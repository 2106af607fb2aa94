"""``flask --app wsgi tickets ...``: deliver, list and show handed-off tickets."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.tickets.models import Ticket

tickets_cli = AppGroup("tickets", help="Tickets handed off to the support team.")


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
    from app.tickets.conversation import thread
    from app.tickets.outbox import ticket_payload

    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference.upper()))
    if ticket is None:
        click.echo(f"no ticket {reference}", err=True)
        sys.exit(1)
    click.echo(f"Subject: {ticket.subject}\nStatus: {ticket.status}\n"
               f"Created: {ticket.created_at:%Y-%m-%d %H:%M} UTC")
    click.echo(ticket_text(ticket_payload(ticket)))
    for entry in thread(ticket)[1:]:
        who = {"support": entry.author or "support", "customer": f"customer ({entry.source})"
               }.get(entry.kind, "event")
        click.echo(f"\n{entry.at:%Y-%m-%d %H:%M} {who}:\n{entry.text}")
    for message in _outbox(ticket):
        error = f", last error: {message.last_error}" if message.last_error else ""
        click.echo(f"delivery via {message.channel}: {message.status}, "
                   f"{message.attempts} attempt(s){error}")


def _outbox(ticket):
    from app.tickets.models import OutboxMessage

    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))


mail_cli = AppGroup("mail", help="Users' replies by mail, threaded onto their tickets.")


@mail_cli.command("receive")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2525, show_default=True, type=int)
def mail_receive(host: str, port: int) -> None:
    """Run the SMTP receiver for replies to KB_INBOUND_MAIL_ADDRESS until stopped."""
    import threading

    from app.tickets import receiver

    try:
        controller = receiver.start(current_app._get_current_object(), host, port)
    except RuntimeError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"receiving replies for {current_app.config['KB_INBOUND_MAIL_ADDRESS']} "
               f"on {host}:{port} (Ctrl+C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@mail_cli.command("receive-file")
@click.argument("path", type=click.File("rb"))
def mail_receive_file(path) -> None:
    """Thread one raw message (a file, or - for standard input) onto its ticket: for a
    mail server's pipe transport (e.g. Postfix aliases "|flask --app wsgi mail receive-file -")."""
    outcome = current_app.extensions["tickets"].receive_mail(path.read())
    click.echo(f"{outcome.status} {outcome.reference or ''} {outcome.reason}".strip())
    if outcome.status == "rejected":
        sys.exit(1)
