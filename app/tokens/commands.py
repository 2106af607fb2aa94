"""``flask --app wsgi tokens ...``: API tokens for other systems."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.tokens.service import SCOPES, TokenError, all_tokens, create_token, revoke_token, state

tokens_cli = AppGroup("tokens", help="API tokens for the integration endpoints.")


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@tokens_cli.command("create")
@click.option("--name", required=True, help="Who uses it, e.g. docs-sync.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(list(SCOPES)))
@click.option("--expires-days", type=int, default=None, help="Days until it stops working.")
def tokens_create(name: str, scopes: tuple[str, ...], expires_days: int | None) -> None:
    """Create a token and print its secret (shown this once only)."""
    try:
        made = create_token(name, list(scopes), expires_days)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Token {made.token.name} ({', '.join(made.token.scopes)}), expires "
               f"{_when(made.token.expires_at)}.")
    click.echo("Keep this secret now; it cannot be shown again:")
    click.echo(made.secret)


@tokens_cli.command("list")
def tokens_list() -> None:
    """Every token: name, scopes, state, created, last used, expiry."""
    click.echo(f"{'NAME':24} {'SCOPES':28} {'STATE':8} {'CREATED':16} {'LAST USED':16} EXPIRES")
    for token in all_tokens():
        click.echo(f"{token.name:24} {','.join(token.scopes):28} {state(token):8} "
                   f"{_when(token.created_at):16} {_when(token.last_used_at):16} "
                   f"{_when(token.expires_at)}")


@tokens_cli.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Stop a token from working, at once."""
    try:
        token = revoke_token(name)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Token {token.name} revoked.")
