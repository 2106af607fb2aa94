"""Full-text search over the articles, backed by Whoosh; no Flask in here."""

from app.search.query import QueryError
from app.search.results import SearchHit, SearchPage
from app.search.searcher import SearchService
from app.search.store import IndexDamaged, IndexStore, IndexUnavailable

__all__ = [
    "IndexStore",
    "IndexDamaged",
    "IndexUnavailable",
    "QueryError",
    "SearchHit",
    "SearchPage",
    "SearchService",
]
