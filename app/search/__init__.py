"""Full-text search over the articles, backed by Whoosh; no Flask in here."""

from app.search.searcher import QueryError, SearchHit, SearchPage, SearchService
from app.search.store import IndexStore, IndexUnavailable

__all__ = [
    "IndexStore",
    "IndexUnavailable",
    "QueryError",
    "SearchHit",
    "SearchPage",
    "SearchService",
]
