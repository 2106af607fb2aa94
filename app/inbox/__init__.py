"""The ticket inbox for agents (and managers, admins): the blueprint; routes live in views.py."""

from flask import Blueprint

inbox_blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")

from app.inbox import views  # noqa: E402,F401  (routes register on import)
