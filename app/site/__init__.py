"""The public help center blueprint: pages for end users (no account needed)."""

from flask import Blueprint

from app.site.parts import RenderedParts

site = Blueprint("site", __name__)


@site.record_once
def _keep_page_parts(state) -> None:
    state.app.extensions["page_parts"] = RenderedParts()


from app.site import contact, feedback, self_service, seo, ticket_page, views  # noqa: E402,F401  (routes register on import)
