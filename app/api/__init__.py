"""JSON API, version 1: the blueprint; routes live in views.py."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import inbound_mail, views  # noqa: E402,F401  (routes register on import)
