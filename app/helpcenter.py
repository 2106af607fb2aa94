"""The help center's content and search, wired from configuration; no Flask requests here."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.content import Article, ContentSet, Journey, load_content
from app.content.journal import journal_for
from app.content.journeys import JOURNEYS_FILE, load_journeys
from app.search import (
    IndexDamaged,
    IndexStore,
    IndexUnavailable,
    SearchPage,
    SearchService,
    encoders,
    indexer,
    learning,
)
from app.search.catalog import Catalog
from app.search.suggest import DEFAULT_SUGGESTIONS, SuggestPage, SuggestService
from app.search.synonyms import SYNONYMS_FILE, SynonymsFile

log = logging.getLogger(__name__)


class HelpCenter:
    def __init__(
        self,
        content_dir: Path,
        index_dir: Path,
        page_size: int = 10,
        max_query_length: int = 300,
        default_language: str = "en",
        content_source: str = "files",
    ) -> None:
        self.content_dir = Path(content_dir)
        self.content_source = content_source
        self.journal = journal_for(content_source, self.content_dir)
        self.store = IndexStore(Path(index_dir))
        self.search_service = SearchService(self.store, page_size, max_query_length)
        self.search_service.synonyms = SynonymsFile(self.content_dir / SYNONYMS_FILE)
        self.catalog = Catalog(self.search_service, default_language)
        self.suggestions = SuggestService(self.catalog.versioned,
                                          self.content_dir / SYNONYMS_FILE, max_query_length)
        self._journeys: tuple[float, list[Journey]] | None = None
        self._journeys_lock = threading.Lock()
        self._index_verified = False
        self._verify_deep = False

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> HelpCenter:
        center = cls(
            content_dir=config["KB_CONTENT_DIR"],
            index_dir=config["KB_INDEX_DIR"],
            page_size=config["KB_SEARCH_PAGE_SIZE"],
            max_query_length=config["KB_MAX_QUERY_LENGTH"],
            default_language=config.get("KB_DEFAULT_LANGUAGE", "en"),
            content_source=config.get("KB_CONTENT_SOURCE", "files"),
        )
        if not config.get("KB_SEARCH_EMBEDDINGS", True):
            center.search_service.embedding_weight = 0.0
            center.search_service.chinese_weights = replace(
                center.search_service.chinese_weights, embedding=0.0)
            center.store.embed_titles = False
            encoders.use(encoders.shipped())
        else:  # a configured model is checked here: a bad one stops the start, named
            encoders.use(encoders.from_config({**{key: value for key, value in os.environ.items()
                                                  if key.startswith("KB_SEARCH_MODEL_")},
                                               **config}))
        if config.get("KB_SEARCH_LEARNING", False):
            center.search_service.learned = learning.database_boosts(
                float(config.get("KB_SEARCH_LEARNING_HALF_LIFE_DAYS") or learning.HALF_LIFE_DAYS))
        return center

    def load_content(self) -> ContentSet:
        return load_content(self.content_dir)

    def ensure_index(self, deep: bool = False) -> indexer.IndexReport | None:
        """Build the index if it is missing or unreadable; other processes wait, then reuse it."""
        report = indexer.ensure_index(self.store, self.load_content, deep)
        if report:
            log.warning(report.summary())
        return report

    def ensure_ready(self) -> None:
        """Cheap per-request check (CURRENT read at most every CHECK_SECONDS, see pool.py);
        the full readability check runs once per process."""
        if self._index_verified and (self.search_service.pool.fresh_version() is not None
                                     or self.store.current_generation() is not None):
            return
        self.search_service.pool.close()
        self.ensure_index(self._verify_deep)
        self._index_verified, self._verify_deep = True, False

    def index_failed(self, error: Exception | None = None) -> None:
        """Called when the index could not be read: verify (and rebuild) on the next request;
        after a read failure (damage), every posting is checked."""
        self._index_verified = False
        self._verify_deep = self._verify_deep or isinstance(error, IndexDamaged)
        self.search_service.pool.close()

    def recover(self, error: IndexUnavailable) -> None:
        """Rebuild a missing or damaged index now. A read failure on an index that passes the
        full check was not damage: it is raised again (a bug must not hide as a rebuild)."""
        self.index_failed(error)
        report = self.ensure_index(self._verify_deep)
        if report is None and isinstance(error, IndexDamaged) and error.__cause__ is not None:
            raise error.__cause__
        self._index_verified, self._verify_deep = True, False

    def rebuild_index(self) -> indexer.IndexReport:
        return indexer.rebuild(self.store, self.load_content())

    def index_article(self, article: Article) -> None:
        """Replace one article in the live index (an editor's save)."""
        indexer.index_article(self.store, article)

    def update_index(self) -> indexer.IndexReport:
        return indexer.update(self.store, self.load_content())

    def search(self, text: str, journey: str | None = None, page: int = 1,
               page_size: int | None = None, lang: str | None = None) -> SearchPage:
        """Search, results in ``lang`` first; a vanished or damaged index is rebuilt once,
        then the query is retried."""
        try:
            return self.search_service.search(text, journey, page, page_size, lang)
        except IndexUnavailable as error:
            self.recover(error)
            return self.search_service.search(text, journey, page, page_size, lang)

    def suggest(self, text: str, lang: str | None = None,
                limit: int = DEFAULT_SUGGESTIONS) -> SuggestPage:
        """Articles for a half-typed question (search as you type), ``lang`` first."""
        try:
            return self.suggestions.suggest(text, lang, limit)
        except IndexUnavailable:
            self.index_failed()
            self.ensure_ready()
            return self.suggestions.suggest(text, lang, limit)

    def journeys(self) -> list[Journey]:
        """Journeys in display order, re-read when ``journeys.yml`` changes."""
        path = self.content_dir / JOURNEYS_FILE
        try:
            stamp = path.stat().st_mtime
        except FileNotFoundError:
            stamp = -1.0
        cached = self._journeys
        if cached and cached[0] == stamp:
            return cached[1]
        with self._journeys_lock:
            journeys, problems = load_journeys(self.content_dir)
            for problem in problems:
                log.warning("journeys: %s", problem)
            self._journeys = (stamp, journeys)
            return journeys

    def journey(self, slug: str) -> Journey | None:
        return next((j for j in self.journeys() if j.slug == slug), None)
