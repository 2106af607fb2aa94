"""The help center application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from app.config import PROJECT_ROOT, load_config
from app.extensions import configure_sqlite, csrf, db, login_manager, migrate
from app.helpcenter import HelpCenter
from app.urls import LinkKeepingFlask

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` overrides environment variables (same keys)."""
    app = LinkKeepingFlask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.update(load_config(config, Path(app.instance_path)))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.debug:
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    from app.accounts import models as _accounts  # noqa: F401
    from app.content import journal as _journal  # noqa: F401
    from app.editor import models as _editor  # noqa: F401
    from app.events import models as _events  # noqa: F401  (register tables with SQLAlchemy)
    from app.metrics import models as _metrics  # noqa: F401
    from app.tickets import models as _tickets  # noqa: F401
    from app.tokens import models as _tokens  # noqa: F401

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.accounts.service import session_user

        return session_user(user_id)

    center = HelpCenter.from_config(app.config)
    app.extensions["helpcenter"] = center
    # A missing, damaged or outdated index is rebuilt before the first request is served.
    app.before_request(center.ensure_ready)

    from app import cli, cross_origin, errors, i18n, input_guard, ratelimit, security, tokens
    from app.api import api, integration, openapi, reference, webhooks
    from app.auth import auth
    from app.content import sync as content_sync
    from app.dashboard import dashboard
    from app.editor import editor
    from app.health import health
    from app.inbox import inbox_blueprint
    from app.sessions import web as session_web
    from app.site import site
    from app.tickets.desk import TicketDesk
    from app.widget import widget

    app.register_blueprint(site)
    app.register_blueprint(health)
    app.register_blueprint(auth)
    app.register_blueprint(dashboard)
    app.register_blueprint(editor)
    app.register_blueprint(inbox_blueprint)
    openapi.init_app(app, [api, integration])  # the API's blueprints, described by their schemas
    app.register_blueprint(reference)
    app.register_blueprint(webhooks)
    csrf.exempt(webhooks)  # a mail provider proves itself with KB_INBOUND_MAIL_SECRET
    csrf.exempt(api)  # JSON-only endpoints: see app/api/writes.py for why that is safe
    csrf.exempt(integration)  # no cookie: a bearer token, which no other page can send
    tokens.init_app(app)
    app.register_blueprint(widget)
    app.extensions["tickets"] = TicketDesk(app)
    session_web.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    input_guard.init_app(app)
    cross_origin.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    ratelimit.init_app(app)  # after the blueprints: it limits their views
    content_sync.init_app(app)
    return app


def helpcenter() -> HelpCenter:
    """The HelpCenter of the running app."""
    return current_app.extensions["helpcenter"]
