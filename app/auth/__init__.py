"""Sign-in for staff: /login and /logout. The blueprint; routes live in views.py."""

from flask import Blueprint

auth = Blueprint("auth", __name__)

from app.auth import views  # noqa: E402,F401  (routes register on import)
