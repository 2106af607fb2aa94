"""Full-text search over the articles, backed by Whoosh; no Flask in here."""

from app.search.searcher import QueryError, SearchHit, SearchPage, SearchService
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
