"""JSON API, version 1: the blueprints. ``api`` holds the endpoints the OpenAPI document
describes: views.py (reading), writes.py (votes, tickets), contexts.py and widget_session.py
(the help widget); ``reference`` serves that document
and its reference page (reference.py), which are not endpoints of the API themselves;
``webhooks`` takes replies from mail providers (inbound_mail.py, docs/deploy.md)."""

from flask import Blueprint

from app.api.openapi import ApiBlueprint

api = ApiBlueprint("api", __name__, url_prefix="/api/v1",
                   description="Public endpoints: no token needed.")
integration = ApiBlueprint("integration", __name__, url_prefix="/api/v1",
                           description="Integration endpoints: an API token with the scope "
                                       "each names (`Authorization: Bearer …`).")
reference = Blueprint("api_reference", __name__, url_prefix="/api/v1")
# Calls from mail providers, not from readers or integrations: outside the document.
webhooks = Blueprint("webhooks", __name__, url_prefix="/api/v1")

from app.api import (  # noqa: E402,F401,I001  (routes register on import)
    contexts,
    inbound_mail,
    integration_routes,
    reference_views,
    views,
    widget_session,
    writes,
)
