"""The published articles as the index holds them, for pages that list or show articles.

Pages read articles from the index rather than from ``content/`` so that every worker serves
exactly what search finds, and an edit becomes visible everywhere with the index commit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from app.content import Article
from app.search.indexer import article_from_document
from app.search.searcher import SearchService


@dataclass(frozen=True)
class _Snapshot:
    version: tuple[str, int] | None
    by_slug: dict[str, Article] = field(default_factory=dict)


class Catalog:
    def __init__(self, search: SearchService) -> None:
        self.search = search
        self._snapshot = _Snapshot(None)
        self._lock = threading.Lock()

    def _current(self) -> _Snapshot:
        version = self.search.index_version()
        snapshot = self._snapshot
        if snapshot.version == version:
            return snapshot
        with self._lock:
            if self._snapshot.version != version:
                version, documents = self.search.stored_documents()
                articles = (article_from_document(doc) for doc in documents)
                self._snapshot = _Snapshot(version, {a.slug: a for a in articles})
            return self._snapshot

    def get(self, slug: str) -> Article | None:
        return self._current().by_slug.get(slug)

    def all(self) -> list[Article]:
        return sorted(self._current().by_slug.values(), key=lambda a: a.title.lower())

    def in_journey(self, journey: str) -> list[Article]:
        return [article for article in self.all() if article.journey == journey]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for article in self._current().by_slug.values():
            counts[article.journey] = counts.get(article.journey, 0) + 1
        return counts

    def recently_updated(self, limit: int = 5) -> list[Article]:
        dated = [a for a in self._current().by_slug.values() if a.updated]
        return sorted(dated, key=lambda a: (a.updated, a.title), reverse=True)[:limit]
