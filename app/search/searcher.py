"""Answer a query: parse it safely, rank with BM25F, highlight, suggest a spelling."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape
from math import ceil
from typing import Any

import numpy as np
from whoosh.index import EmptyIndexError
from whoosh.lang import porter2
from whoosh.qparser import (
    MultifieldParser,
    OrGroup,
    PhrasePlugin,
)
from whoosh.query import And, Or, Query, Term
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from app.search.analysis import has_chinese
from app.search.embedding import EmbeddingUnavailable
from app.search.encoders import encoders, question_language
from app.search.first_stage import FirstStage, Unsupported
from app.search.rerank import (
    EMBEDDING_WEIGHT,
    RERANK_WINDOW,
    TITLE_SIMILARITY_WEIGHT,
    WEIGHTS,
    SimilarityCache,
    Weights,
)
from app.search.schema import (
    CHINESE_FIELD_BOOSTS,
    FIELD_BOOSTS,
    build_schema,
    spelling_analyzer,
)
from app.search.snippets import make_snippet
from app.search.store import IndexDamaged, IndexStore, IndexUnavailable
from app.text import Text

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
FEW_RESULTS = 3  # below this, a spelling suggestion is worth showing
MAX_PAGE_SIZE = 50
EXACT_COUNT_LIMIT = 1000  # count matches exactly when Whoosh estimates at most this many
RESCORE_WINDOW = 10  # measured: a window of 50 ranked no better on stackfaq or covidfaq
COORDINATION_BONUS = 0.5  # a result matching every word scores up to 1.5x
# A Chinese question's words and character pairs found in more than this share of the articles
# (疫情, 防控 in a set of epidemic policies) are left out of its query: they barely rank, yet
# their postings are most of the work. Chosen by 5-fold CV on ncp-policies (docs/search-quality.md).
COMMON_TERM_SHARE = 0.7
COMMON_TERM_MIN_DOCS = 100  # below this a share says little about a word


_stem = lru_cache(maxsize=100_000)(porter2.stem)  # as Whoosh's StemFilter caches its stems
# The question is embedded while Whoosh ranks (onnxruntime releases the GIL): 3-4 ms off p95.
_EMBEDDING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="embed")


class QueryError(ValueError):
    """The query cannot be run; the message is fit to show the user."""


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    summary: str
    journey: str
    urgent: bool
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words
    position: int  # 1-based rank across pages
    language: str = ""  # primary language code of the article


@dataclass(frozen=True)
class SearchPage:
    query: str
    journey: str | None
    page: int
    page_size: int
    total: int
    hits: tuple[SearchHit, ...]
    did_you_mean: str | None = None
    # When nothing matched but the suggestion did, its hits are shown instead.
    showing_suggestion: bool = False
    # Counting every match of a broad OR query costs more than ranking it; past the first
    # results the total is Whoosh's estimate (an upper bound), flagged here.
    total_is_exact: bool = True

    @property
    def page_count(self) -> int:
        return max(1, ceil(self.total / self.page_size))


def normalize_query(text: str, max_length: int) -> str:
    """NFKC, no control characters, single spaces; QueryError if empty or too long."""
    text = CONTROL_CHARACTERS.sub(" ", unicodedata.normalize("NFKC", text or ""))
    text = " ".join(text.split())
    if not text:
        raise QueryError(Text("Type a few words describing your problem."))
    if len(text) > max_length:
        raise QueryError(Text(
            "Your search is %(length)s characters long; please keep it under %(limit)s.",
            length=len(text), limit=max_length,
        ))
    return text


def _coordination(searcher: Searcher, query: Query, docnums: list[int],
                  stage: FirstStage | None = None) -> dict[int, float]:
    """For each document, the share of the query's distinct words it matches (0..1).

    Walks each query term's postings once with skip_to over the sorted candidates, which is
    far cheaper than asking Whoosh to record matched terms for every matching document; with
    the first stage's arrays, looks the candidates up in its postings instead.
    """
    terms = {(field, word) for field, word in query.iter_all_terms()
             if field in FIELD_BOOSTS}  # words, not the character pairs of the cjk field
    words = {word for _, word in terms}
    if len(words) < 2 or not docnums:
        return {}
    reader = searcher.reader()
    ordered = sorted(docnums)
    matched: dict[int, set] = {docnum: set() for docnum in ordered}
    if stage is not None:
        candidates = np.array(ordered)
        for field, word in terms:
            for docnum in candidates[stage.has(searcher, field, word, candidates)].tolist():
                matched[docnum].add(word)
        return {docnum: len(found) / len(words) for docnum, found in matched.items()}
    for field, word in terms:
        try:
            postings = reader.postings(field, word)
        except TermNotFound:
            continue
        for docnum in ordered:
            if not postings.is_active():
                break
            if postings.id() < docnum:
                postings.skip_to(docnum)
            if postings.is_active() and postings.id() == docnum:
                matched[docnum].add(word)
    return {docnum: len(found) / len(words) for docnum, found in matched.items()}


def _without_common_terms(searcher: Searcher, query: Query,
                          share: float = COMMON_TERM_SHARE) -> Query:
    """The query without its plain terms found in more than ``share`` of the documents.

    Phrases are kept; an OR (the question's, or the one synonyms wrap around it) that would be
    left empty is kept whole.
    """
    count = searcher.doc_count()
    if count < COMMON_TERM_MIN_DOCS:
        return query
    reader = searcher.reader()

    def prune(node: Query) -> Query | None:
        if isinstance(node, Term):
            common = reader.doc_frequency(node.fieldname, node.text) > share * count
            return None if common else node
        if not isinstance(node, Or):
            return node
        kept = [sub for sub in map(prune, node.subqueries) if sub is not None]
        if not kept:
            return None
        return node if kept == node.subqueries else Or(kept, boost=node.boost)

    return prune(query) or query


def _unmatched(searcher: Searcher, query: Query, docnums: set[int],
               stage: FirstStage | None = None) -> int:
    """How many of ``docnums`` the query does not match."""
    if not docnums:
        return 0
    if stage is not None:
        return int(np.count_nonzero(~stage.matches(searcher, query, np.array(sorted(docnums)))))
    matcher = query.matcher(searcher)
    missing = 0
    for docnum in sorted(docnums):
        if matcher.is_active() and matcher.id() < docnum:
            matcher.skip_to(docnum)
        missing += not (matcher.is_active() and matcher.id() == docnum)
    return missing


def _admits(journey: str | None, language: str | None = None, same: bool = True
            ) -> Callable[[dict], bool]:
    """Whether an article (its stored fields) may join a result list: in the journey asked
    for, and in (``same``) or not in the reader's language when results are split by it."""
    def admits(fields: dict) -> bool:
        if journey and fields.get("journey") != journey:
            return False
        return language is None or (fields.get("language") == language) == same
    return admits


def _has_several_languages(searcher: Searcher) -> bool:
    languages = iter(searcher.reader().lexicon("language"))
    return next(languages, None) is not None and next(languages, None) is not None


def _rank(
    searcher: Searcher, query: Query, limit: int, filter: Query | None, mask: Query | None = None,
    stage: FirstStage | None = None,
) -> tuple[list[tuple[int, float]], int, bool]:
    """The first ``limit`` (docnum, score) pairs, the match count and whether it is exact.

    With ``stage`` the BM25F scores are computed over arrays (first_stage.py): the same
    scores, and an exact count, without walking every posting in Python. Without it, a plain
    OR lets Whoosh use its fast preloaded union (a coordination factor forces a slower
    matcher tree). Either way the bonus for matching more of the words is applied afterwards
    to the first RESCORE_WINDOW results (see _coordination).
    """
    if stage is not None:
        scored, total = stage.rank(searcher, query, limit, filter, mask)
        exact = True
    elif searcher.doc_count() <= EXACT_COUNT_LIMIT:
        # Whoosh's preloaded union scores every match anyway; in a small index taking them all
        # makes the count exact for free, where len() on a limited result walks the postings
        # again (20 ms for a long Chinese question over 599 articles).
        results = searcher.search(query, limit=None, filter=filter, mask=mask)
        scored = [(docnum, score) for score, docnum in results.top_n[:limit]]
        total, exact = results.scored_length(), True
    else:
        results = searcher.search(query, limit=limit, filter=filter, mask=mask)
        scored = [(hit.docnum, hit.score) for hit in results]
        estimate = results.estimated_length()
        exact = results.scored_length() < limit or estimate <= EXACT_COUNT_LIMIT
        total = len(results) if exact else min(estimate, searcher.doc_count())
    bonus = _coordination(searcher, query, [docnum for docnum, _ in scored[:RESCORE_WINDOW]],
                          stage)
    head = sorted(((docnum, score * (1 + COORDINATION_BONUS * bonus.get(docnum, 0.0)))
                   for docnum, score in scored[:RESCORE_WINDOW]),
                  key=lambda item: item[1], reverse=True)
    return head + scored[RESCORE_WINDOW:], total, exact


class SearcherPool:
    """Searchers shared by the threads of one process, reopened when the index changes.

    A Whoosh searcher is not thread-safe and opening one costs milliseconds, so idle ones are
    kept; one that is out of date (another process committed) is closed and replaced. A new
    generation (full rebuild) replaces the whole index object. ``refresh()`` is never used.
    """

    MAX_IDLE = 8

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._index: Any = None
        self._idle: list[Searcher] = []

    @contextmanager
    def searcher(self) -> Iterator[tuple[Searcher, tuple[str, int]]]:
        """Yield an up-to-date searcher and the index version it reads."""
        generation, searcher = self._acquire()
        damaged = False
        try:
            yield searcher, (generation, searcher.reader().generation())
        except (QueryError, IndexUnavailable):
            raise
        except Exception as error:
            # Any failure while reading counts as damage: the caller verifies and rebuilds.
            damaged = True
            raise IndexDamaged(f"index {generation} could not be read: {error!r}") from error
        finally:
            with self._lock:
                if damaged:
                    searcher.close()
                elif generation == self._generation and len(self._idle) < self.MAX_IDLE:
                    self._idle.append(searcher)
                else:
                    searcher.close()

    def _acquire(self) -> tuple[str, Searcher]:
        # A full rebuild may delete a generation between our reading CURRENT and opening its
        # files; reading CURRENT again finds the one that replaced it.
        for attempt in range(3):
            current = self.store.current_generation()
            try:
                with self._lock:
                    if current is None or current != self._generation:
                        self._reopen(current)
                    generation, index = self._generation, self._index
                    searcher = self._idle.pop() if self._idle else None
                if searcher is None or not searcher.up_to_date():
                    if searcher is not None:
                        searcher.close()
                    searcher = index.searcher()
                return generation, searcher
            except (IndexUnavailable, EmptyIndexError, OSError) as error:
                with self._lock:
                    self._forget()
                if attempt == 2:
                    if isinstance(error, IndexUnavailable):
                        raise
                    raise IndexUnavailable(f"index {current} vanished while opening") from error
            except Exception as error:  # Whoosh fails in many ways on damaged files
                with self._lock:
                    self._forget()
                raise IndexDamaged(f"index {current} could not be opened: {error!r}") from error
        raise AssertionError("unreachable")

    def _reopen(self, generation: str | None) -> None:
        self._forget()
        self._generation, self._index = self.store.open(generation)

    def _forget(self) -> None:
        for idle in self._idle:
            idle.close()
        self._idle.clear()
        self._generation = self._index = None

    def close(self) -> None:
        with self._lock:
            self._forget()


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
        self.page_size = page_size
        self.max_query_length = max_query_length
        self._parser = self._make_parser(FIELD_BOOSTS)
        self._chinese_parser = self._make_parser(CHINESE_FIELD_BOOSTS)
        self._words = spelling_analyzer()
        self._cache: OrderedDict[tuple, SearchPage] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self.title_weight = TITLE_SIMILARITY_WEIGHT  # 0 turns the title-terms cosine off
        self.embedding_weight = EMBEDDING_WEIGHT  # 0 turns the sentence embeddings off
        self.chinese_weights = WEIGHTS["zh"]  # the second stage for Chinese questions
        self._similarity = SimilarityCache()
        self.array_first_stage = True  # False ranks with Whoosh's matchers (for comparison)
        self._first_stage: tuple[tuple[str, int], FirstStage | None] | None = None
        self.synonyms = None  # a synonyms.SynonymSet, expanded into queries when set
        self.learned = None  # a learning.LearnedBoosts, applied to the first results when set

    @staticmethod
    def _make_parser(boosts: dict[str, float]) -> MultifieldParser:
        """Plain words and "quoted phrases" only: no field names, wildcards or operators."""
        boosts = {field: boost for field, boost in boosts.items() if boost > 0}
        return MultifieldParser(
            list(boosts), build_schema(), fieldboosts=boosts,
            group=OrGroup, plugins=[PhrasePlugin()],
        )

    def parse(self, text: str) -> Query:
        chinese = has_chinese(text)
        query = (self._chinese_parser if chinese else self._parser).parse(text)
        if self.synonyms is not None:
            query = self.synonyms.expand(
                text, query, CHINESE_FIELD_BOOSTS if chinese else FIELD_BOOSTS)
        return query

    def _stage(self, searcher: Searcher) -> FirstStage | None:
        """The first stage's arrays for the index version ``searcher`` reads."""
        if not self.array_first_stage:
            return None
        version = (self.pool._generation, searcher.reader().generation())
        current = self._first_stage
        if current is None or current[0] != version:
            try:
                current = (version, FirstStage(searcher))
            except Unsupported:
                current = (version, None)
            self._first_stage = current
        return current[1]

    def _weights(self, text: str) -> Weights:
        weights = (self.chinese_weights if question_language(text) == "zh"
                   else Weights(self.title_weight, self.embedding_weight))
        if '"' in text:  # a quoted phrase asks for those words: nothing is added by meaning
            weights = replace(weights, neighbours=0)
        encoder = encoders().for_question(text)
        if weights.embedding > 0 and encoder is not None and encoder.spec.weight is not None:
            return replace(weights, embedding=encoder.spec.weight)  # a configured model's own
        return weights

    def _embed(self, text: str) -> Future | None:
        """The question's embedding, computed in the background; None when not used."""
        encoder = encoders().for_question(text)
        if self._weights(text).embedding <= 0 or encoder is None or not encoder.available:
            return None  # words alone when the model could not load
        return _EMBEDDING.submit(encoder.encode, [text], query=True)

    def _reorder(self, searcher: Searcher, text: str, ranked: list[tuple[int, float]],
                 embedding: Future | None = None,
                 admits: Callable[[dict], bool] = lambda fields: True
                 ) -> list[tuple[int, float]]:
        """Second stage over the first results: the titles nearest the question by embedding
        join them (those ``admits`` accepts: same journey and language partition), then title
        and embedding similarity, then learned boosts."""
        weights = self._weights(text)
        if not ranked or (len(ranked) < 2 and embedding is None) or (
                weights.title <= 0 and embedding is None and self.learned is None):
            return ranked
        model = self._similarity.get(
            (self.pool._generation, searcher.reader().generation()),
            lambda: list(searcher.reader().iter_docs()), encoders())
        by_slug = [(model.slugs[docnum], score) for docnum, score in ranked[:RERANK_WINDOW]]
        try:
            question = embedding.result()[0] if embedding is not None else None
        except EmbeddingUnavailable:
            question = None
        if weights.title > 0 or question is not None:
            by_slug = model.second_stage_for(
                question_language(text), text, by_slug, question, weights,
                lambda slug: admits(searcher.stored_fields(model.docnums[slug])))
        if self.learned is not None:
            by_slug = self.learned.rerank(text, by_slug)
        moved = {model.docnums[slug] for slug, _ in by_slug}
        return ([(model.docnums[slug], score) for slug, score in by_slug]
                + [(docnum, score) for docnum, score in ranked[RERANK_WINDOW:]
                   if docnum not in moved])

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
            cached = self._cache_get(key)
            if cached is not None:
                return cached
            result = self._run(searcher, text, journey, page, page_size, lang)
            if result.total < FEW_RESULTS:
                suggestion = self._suggest(searcher, text)
                if suggestion:
                    result = self._with_suggestion(searcher, result, suggestion, lang)
            self._cache_put(key, result)
            return result

    def _run(
        self, searcher: Searcher, text: str, journey: str | None, page: int, page_size: int,
        lang: str | None = None,
    ) -> SearchPage:
        query = full_query = self.parse(text)
        embedding = self._embed(text)
        if has_chinese(text):
            query = _without_common_terms(searcher, query)
        journey_filter = Term("journey", journey) if journey else None
        limit = max(RESCORE_WINDOW, RERANK_WINDOW, page * page_size)
        stage = self._stage(searcher)
        if lang and _has_several_languages(searcher):
            # The user's language first, then the rest: two rankings, one after the other.
            mine = Term("language", lang)
            first, total, exact = _rank(searcher, query, limit,
                                        And([journey_filter, mine]) if journey_filter else mine,
                                        stage=stage)
            rest, more, more_exact = _rank(searcher, query, limit, journey_filter, mask=mine,
                                           stage=stage)
            found = {docnum for docnum, _ in first + rest}
            ranked = (self._reorder(searcher, text, first, embedding, _admits(journey, lang, True))
                      + self._reorder(searcher, text, rest, embedding,
                                      _admits(journey, lang, False)))
            total, exact = total + more, exact and more_exact
        else:
            ranked, total, exact = _rank(searcher, query, limit, journey_filter, stage=stage)
            found = {docnum for docnum, _ in ranked}
            ranked = self._reorder(searcher, text, ranked, embedding, _admits(journey))
        if exact:  # articles the embedding added that the words do not match are not counted yet
            total += _unmatched(searcher, query, {docnum for docnum, _ in ranked} - found, stage)
        body_words = frozenset(word for field, word in full_query.iter_all_terms()
                               if field == "body")
        start = (page - 1) * page_size
        hits = []
        for position, (docnum, score) in enumerate(ranked[start : start + page_size],
                                                   start=start + 1):
            stored = searcher.stored_fields(docnum)
            snippet = (make_snippet(stored["body"], body_words, _stem)
                       or escape(stored["summary"]))
            hits.append(
                SearchHit(
                    slug=stored["slug"],
                    title=stored["title"],
                    summary=stored["summary"],
                    journey=stored["journey"],
                    urgent=bool(stored.get("urgent")),
                    score=round(score, 4),
                    snippet=snippet,
                    position=position,
                    language=stored.get("language") or "",
                )
            )
        return SearchPage(text, journey, page, page_size, total, tuple(hits),
                          total_is_exact=exact)

    def _suggest(self, searcher: Searcher, text: str) -> str | None:
        """Replace words the index has never seen with the closest word it has."""
        reader = searcher.reader()
        corrector = searcher.corrector("spell")
        corrected = text
        changed = False
        for token in self._words(text):
            word = token.text
            if reader.doc_frequency("spell", word) > 0 or not word.isalpha():
                continue
            suggestions = corrector.suggest(word, limit=1, maxdist=2 if len(word) > 4 else 1)
            if suggestions:
                corrected = re.sub(rf"(?i)\b{re.escape(word)}\b", suggestions[0], corrected)
                changed = True
        return corrected if changed and corrected.lower() != text.lower() else None

    def _with_suggestion(self, searcher: Searcher, result: SearchPage, suggestion: str,
                         lang: str | None = None):
        if result.total == 0:
            alternative = self._run(searcher, suggestion, result.journey, result.page,
                                    result.page_size, lang)
            if alternative.total:
                return replace(alternative, query=result.query, did_you_mean=suggestion,
                               showing_suggestion=True)
        return replace(result, did_you_mean=suggestion)

    def _cache_get(self, key: tuple) -> SearchPage | None:
        with self._cache_lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
            return value

    def _cache_put(self, key: tuple, value: SearchPage) -> None:
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def stored_documents(self) -> tuple[tuple[str, int], list[dict[str, Any]]]:
        """Every stored article record and the index version they come from."""
        with self.pool.searcher() as (searcher, version):
            return version, list(searcher.all_stored_fields())

    def index_version(self) -> tuple[str, int]:
        with self.pool.searcher() as (_, version):
            return version

    def health(self) -> dict[str, Any]:
        """Whether the live index reads: its first stored article and the first postings of
        every field are read, so damaged files are noticed, not only a missing index."""
        from app.search.indexer import check_readable

        try:
            with self.pool.searcher() as (searcher, version):
                check_readable(searcher)
                return {"ok": True, "generation": version[0], "articles": searcher.doc_count()}
        except IndexUnavailable as error:
            return {"ok": False, "damaged": isinstance(error, IndexDamaged), "error": str(error)}
