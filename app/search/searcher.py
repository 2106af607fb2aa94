"""Answer a question: the search pipeline, one stage per module.

1. ``query.py``        the text normalised and parsed (synonyms, common words pruned)
2. ``first_stage.py``  every matching article ranked by BM25F and counted
3. ``second_stage.py`` the first results reordered by meaning and learned outcomes
4. ``results.py``      the page's hits with snippets
5. ``spelling.py``     "did you mean" when few articles match

Around them: ``pool.py`` (searchers per index version) and a result cache per index version.
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from typing import Any

from whoosh.query import And, Term
from whoosh.searching import Searcher

from app.lru import LRU
from app.search.analysis import has_chinese
from app.search.first_stage import (
    RESCORE_WINDOW,
    FirstStage,
    Unsupported,
    has_several_languages,
    rank,
    unmatched,
)
from app.search.pool import SearcherPool
from app.search.query import QueryError, QueryParser, normalize_query, without_common_terms
from app.search.rerank import (
    EMBEDDING_WEIGHT,
    RERANK_WINDOW,
    TITLE_SIMILARITY_WEIGHT,
    WEIGHTS,
    Weights,
)
from app.search.results import MAX_PAGE_SIZE, SearchHit, SearchPage, page_hits
from app.search.schema import spelling_analyzer
from app.search.second_stage import SecondStage, admits, embed, weights_for
from app.search.spelling import FEW_RESULTS, did_you_mean
from app.search.store import IndexDamaged, IndexStore, IndexUnavailable
from app.text import Text

__all__ = ["MAX_PAGE_SIZE", "QueryError", "SearchHit", "SearchPage", "SearchService",
           "normalize_query"]


class SearchService:
    def __init__(
        self,
        store: IndexStore,
        page_size: int = 10,
        max_query_length: int = 300,
        cache_size: int = 1024,
    ) -> None:
        self.store = store
        self.pool = SearcherPool(store)
        # Readers health() has read through, with the files they were read from.
        self._verified: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.page_size = page_size
        self.max_query_length = max_query_length
        self.parser = QueryParser()
        self.second_stage = SecondStage()
        self._words = spelling_analyzer()
        self._cache: LRU[SearchPage] = LRU(cache_size)
        self.title_weight = TITLE_SIMILARITY_WEIGHT  # 0 turns the title-terms cosine off
        self.embedding_weight = EMBEDDING_WEIGHT  # 0 turns the sentence embeddings off
        self.chinese_weights = WEIGHTS["zh"]  # the second stage for Chinese questions
        self.array_first_stage = True  # False ranks with Whoosh's matchers (for comparison)
        self._first_stage: tuple[tuple[str, int], FirstStage | None] | None = None

    @property
    def synonyms(self):
        """A synonyms.SynonymSet expanded into queries, or None."""
        return self.parser.synonyms

    @synonyms.setter
    def synonyms(self, value) -> None:
        self.parser.synonyms = value

    @property
    def learned(self):
        """A learning.LearnedBoosts applied to the first results, or None."""
        return self.second_stage.learned

    @learned.setter
    def learned(self, value) -> None:
        self.second_stage.learned = value

    def parse(self, text: str):
        return self.parser.parse(text)

    def _stage(self, searcher: Searcher, version: tuple[str, int]) -> FirstStage | None:
        """The first stage's arrays for the index version ``searcher`` reads."""
        if not self.array_first_stage:
            return None
        current = self._first_stage
        if current is None or current[0] != version:
            try:
                current = (version, FirstStage(searcher))
            except Unsupported:
                current = (version, None)
            self._first_stage = current
        return current[1]

    def _weights(self, text: str) -> Weights:
        return weights_for(text, Weights(self.title_weight, self.embedding_weight),
                           self.chinese_weights)

    def search(
        self,
        text: str,
        journey: str | None = None,
        page: int = 1,
        page_size: int | None = None,
        lang: str | None = None,
    ) -> SearchPage:
        """One page of ranked results, those in ``lang`` (a primary language code) first.

        Raises QueryError or IndexUnavailable.
        """
        text = normalize_query(text, self.max_query_length)
        page_size = page_size or self.page_size
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise QueryError(Text("Page size must be between 1 and %(limit)s.",
                                  limit=MAX_PAGE_SIZE))
        if page < 1:
            raise QueryError(Text("Page numbers start at 1."))
        with self.pool.searcher() as (searcher, version):
            synonyms = self.synonyms.version() if hasattr(self.synonyms, "version") else None
            key = (version, synonyms, text.lower(), journey, page, page_size, lang)
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            result = self._run(searcher, version, text, journey, page, page_size, lang)
            if result.total < FEW_RESULTS:
                suggestion = did_you_mean(searcher, text, self._words)
                if suggestion:
                    result = self._with_suggestion(searcher, version, result, suggestion, lang)
            self._cache.put(key, result)
            return result

    def _run(
        self, searcher: Searcher, version: tuple[str, int], text: str, journey: str | None,
        page: int, page_size: int, lang: str | None = None,
    ) -> SearchPage:
        query = full_query = self.parse(text)
        weights = self._weights(text)
        embedding = embed(text, weights)
        if has_chinese(text):
            query = without_common_terms(searcher, query)
        journey_filter = Term("journey", journey) if journey else None
        limit = max(RESCORE_WINDOW, RERANK_WINDOW, page * page_size)
        stage = self._stage(searcher, version)
        second = self.second_stage
        if lang and has_several_languages(searcher):
            # The user's language first, then the rest: two rankings, one after the other.
            mine = Term("language", lang)
            first, total, exact = rank(searcher, query, limit,
                                       And([journey_filter, mine]) if journey_filter else mine,
                                       stage=stage)
            rest, more, more_exact = rank(searcher, query, limit, journey_filter, mask=mine,
                                          stage=stage)
            found = {docnum for docnum, _ in first + rest}
            ranked = (second.reorder(searcher, version, text, first, weights, embedding,
                                     admits(journey, lang, True))
                      + second.reorder(searcher, version, text, rest, weights, embedding,
                                       admits(journey, lang, False)))
            total, exact = total + more, exact and more_exact
        else:
            ranked, total, exact = rank(searcher, query, limit, journey_filter, stage=stage)
            found = {docnum for docnum, _ in ranked}
            ranked = second.reorder(searcher, version, text, ranked, weights, embedding,
                                    admits(journey))
        if exact:  # articles the embedding added that the words do not match are not counted yet
            total += unmatched(searcher, query, {docnum for docnum, _ in ranked} - found, stage)
        hits = page_hits(searcher, full_query, ranked, page, page_size)
        return SearchPage(text, journey, page, page_size, total, hits, total_is_exact=exact)

    def _with_suggestion(self, searcher: Searcher, version: tuple[str, int], result: SearchPage,
                         suggestion: str, lang: str | None = None) -> SearchPage:
        if result.total == 0:
            alternative = self._run(searcher, version, suggestion, result.journey, result.page,
                                    result.page_size, lang)
            if alternative.total:
                return replace(alternative, query=result.query, did_you_mean=suggestion,
                               showing_suggestion=True)
        return replace(result, did_you_mean=suggestion)

    def stored_documents(self) -> tuple[tuple[str, int], list[dict[str, Any]]]:
        """Every stored article record and the index version they come from."""
        with self.pool.searcher() as (searcher, version):
            return version, list(searcher.all_stored_fields())

    def index_version(self) -> tuple[str, int]:
        """The live index version (checked at most every CHECK_SECONDS, see pool.py)."""
        version = self.pool.fresh_version()
        if version is not None:
            return version
        with self.pool.searcher() as (_, version):
            return version

    def health(self) -> dict[str, Any]:
        """Whether the live index reads: its first stored article and the first postings of
        every field are read, so damaged files are noticed, not only a missing index.

        Segments are never changed once written, so each opened reader is read through once,
        and again, wholly, when one of its own files (its table of contents and segments, not a
        writer's new files or lock) changed size or time or went away under it: overwritten or
        cut short in place. Later probes list the folder and stay cheap."""
        from app.search.indexer import check_readable

        try:
            with self.pool.searcher() as (searcher, version):
                reader = searcher.reader()
                files = self.store.files_of(version[0], reader_files(reader))
                checked = self._verified.get(reader)
                if checked != files:
                    # Files changed under an open reader: read every posting, not the first.
                    check_readable(searcher, deep=checked is not None)
                    self._verified[reader] = files
                return {"ok": True, "generation": version[0], "articles": searcher.doc_count()}
        except IndexUnavailable as error:
            return {"ok": False, "damaged": isinstance(error, IndexDamaged), "error": str(error)}


def reader_files(reader: Any) -> tuple[str, ...]:
    """Name prefixes of the files an open reader reads: its generation's table of contents
    and each of its segments."""
    return (f"_MAIN_{reader.generation()}.toc",
            *(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()))
