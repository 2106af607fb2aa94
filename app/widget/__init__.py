"""The help widget other sites embed with one tag: ``/widget.js``, its contexts, the demo page.
Routes live in views.py."""

from flask import Blueprint

widget = Blueprint("widget", __name__)

from app.widget import views  # noqa: E402,F401  (routes register on import)
