"""The guide editor for editors (and admins): the blueprint; routes live in the *_views modules."""

from flask import Blueprint

editor = Blueprint("editor", __name__, url_prefix="/editor")

from app.editor import (  # noqa: E402,F401  (routes register on import)
    contexts_views,
    history_views,
    queue_views,
    synonyms_views,
    tools,
    views,
    workflow_views,
)
