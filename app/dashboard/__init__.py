"""The managers' dashboard."""
from app.dashboard import search_quality  # noqa: F401, E402 - registers its routes on the blueprint
