"""``/healthz`` for load balancers and probes: the blueprint; the route lives in views.py."""

from flask import Blueprint

health = Blueprint("health", __name__)

from app.health import views  # noqa: E402,F401  (routes register on import)
