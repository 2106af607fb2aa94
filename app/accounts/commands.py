"""``flask --app wsgi users ...``: staff accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.models import ROLES
from app.extensions import db

users_cli = AppGroup("users", help="Staff accounts: agents, editors, managers, admins.")


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
