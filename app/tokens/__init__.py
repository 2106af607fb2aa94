"""API tokens: the model, the service (create, list, revoke, authenticate), the bearer check of
the integration endpoints (auth.py), ``flask tokens ...`` (commands.py) and the admin page."""

from flask import Blueprint, Flask

tokens = Blueprint("tokens", __name__, url_prefix="/admin/tokens")


def init_app(app: Flask) -> None:
    from app.tokens.commands import tokens_cli

    app.register_blueprint(tokens)
    app.cli.add_command(tokens_cli)


from app.tokens import views  # noqa: E402,F401  (routes register on import)
