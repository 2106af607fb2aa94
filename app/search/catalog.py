"""The published articles as the index holds them, for pages that list or show articles.

Pages read articles from the index rather than from ``content/`` so that every worker serves
exactly what search finds, and an edit becomes visible everywhere with the index commit.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field

from app.content import Article
from app.search.indexer import article_from_document
from app.search.searcher import SearchService


@dataclass(frozen=True)
class _Snapshot:
    version: tuple[str, int] | None
    by_slug: dict[str, Article] = field(default_factory=dict)
    # translation group -> {language: article}
    groups: dict[str, dict[str, Article]] = field(default_factory=dict)


def _groups(articles: list[Article]) -> dict[str, dict[str, Article]]:
    groups: dict[str, dict[str, Article]] = {}
    for article in sorted(articles, key=lambda a: a.slug):
        groups.setdefault(article.translation_group, {}).setdefault(article.language, article)
    return groups


def reader_first(articles, lang: str | None) -> list[Article]:
    """The articles written in ``lang`` first, each part in its own order kept."""
    articles = list(articles)
    if not lang:
        return articles
    return sorted(articles, key=lambda a: a.language != lang)


class Catalog:
    """Articles by slug, and by language: pages show one version of each article, the one in
    the reader's language when it exists, else the one in the default language."""

    def __init__(self, search: SearchService, default_language: str = "en") -> None:
        self.search = search
        self.default_language = default_language
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
                articles = [article_from_document(doc) for doc in documents]
                self._snapshot = _Snapshot(version, {a.slug: a for a in articles},
                                           _groups(articles))
            return self._snapshot

    def versioned(self) -> tuple[tuple[str, int] | None, Collection[Article]]:
        """The index version and every article it holds (one consistent snapshot)."""
        snapshot = self._current()
        return snapshot.version, snapshot.by_slug.values()

    def get(self, slug: str) -> Article | None:
        return self._current().by_slug.get(slug)

    def all(self, lang: str | None = None) -> list[Article]:
        """Every article; with ``lang``, one version of each (see ``localized``)."""
        articles = self._current().by_slug.values()
        if lang:
            articles = self.localized(articles, lang)
        return reader_first(sorted(articles, key=lambda a: a.title.lower()), lang)

    def translations(self, article: Article) -> dict[str, Article]:
        """The article in each language it exists in, its own included."""
        return dict(self._current().groups.get(article.translation_group, {}))

    def translation(self, article: Article, lang: str) -> Article | None:
        return self.translations(article).get(lang)

    def localized(self, articles, lang: str) -> list[Article]:
        """One article per translation group, in ``lang`` when translated, else the default
        language's version; groups in neither language are left out. Order kept."""
        groups = self._current().groups
        chosen: list[Article] = []
        seen: set[str] = set()
        for article in articles:
            group = article.translation_group
            if group in seen:
                continue
            seen.add(group)
            versions = groups.get(group, {})
            version = versions.get(lang) or versions.get(self.default_language)
            if version is not None:
                chosen.append(version)
        return chosen

    def in_journey(self, journey: str, lang: str | None = None) -> list[Article]:
        return [article for article in self.all(lang) if article.journey == journey]

    def counts(self, lang: str | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for article in self.all(lang):
            counts[article.journey] = counts.get(article.journey, 0) + 1
        return counts

    def recently_updated(self, limit: int = 5, lang: str | None = None) -> list[Article]:
        dated = [a for a in self.all(lang) if a.updated]
        newest = sorted(dated, key=lambda a: (a.updated, a.title), reverse=True)
        return reader_first(newest, lang)[:limit]
