"""The public help center blueprint: pages for end users (no account needed)."""

from flask import Blueprint

site = Blueprint("site", __name__)

from app.site import contact, feedback, self_service, seo, ticket_page, views  # noqa: E402,F401  (routes register on import)
