"""The public help center blueprint: pages for end users (no account needed)."""

from flask import Blueprint

from app.lru import LRU

site = Blueprint("site", __name__)
PAGE_PARTS_KEPT = 2048  # rendered article parts kept (app/site/parts.py)


@site.record_once
def _keep_page_parts(state) -> None:
    state.app.extensions["page_parts"] = LRU(PAGE_PARTS_KEPT)


from app.site import contact, feedback, self_service, seo, ticket_page, views  # noqa: E402,F401  (routes register on import)
