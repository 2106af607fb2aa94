"""The managers' dashboard: the blueprint; routes live in views.py and search_quality.py."""

from flask import Blueprint

dashboard = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from app.dashboard import search_quality, views  # noqa: E402,F401  (routes register on import)
