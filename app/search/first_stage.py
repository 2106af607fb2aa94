"""Stage 2, the first stage: rank every article the words match; count them.

``rank`` is the stage: BM25F over the fields, then a bonus for matching more of the question's
words (``coordination``) on the first results. The scores come from ``FirstStage`` below, or
from Whoosh's own matchers when arrays cannot be used (another weighting) or for comparison.

Whoosh's BM25F scores for every matching article, computed with numpy:

Whoosh scores a broad OR query one posting at a time in Python (the matcher's id, weight and
next, a field-length lookup and a scorer call per posting): at 5,000 articles that was most of
a first-time search. Here each term's postings (article numbers and term frequencies) are read
once per index version and kept as arrays, as are the field lengths of every article; a query
is then a few array operations: each term's BM25F contribution with Whoosh's own idf, average
field length, B and K1, summed up the query tree with its boosts, filtered, and the best taken
with a sort. The scores are Whoosh's (same formula, same constants, same inputs); the order of
the additions may differ in the last bit, as it does between Whoosh's own matcher types.

Terms and ORs are computed here; any other node (a quoted phrase, a phrase synonym) is scored
by Whoosh itself and added in. Index internals are read only through the pinned Whoosh 2.7.4
block reader; any other matcher is read through its public interface.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import And, Or, Query, Term
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from app.search.schema import FIELD_BOOSTS

MAX_CACHED_TERMS = 50_000  # postings arrays kept per index version (about 8 bytes a posting)
EXACT_COUNT_LIMIT = 1000  # count matches exactly when Whoosh estimates at most this many
RESCORE_WINDOW = 10  # measured: a window of 50 ranked no better on stackfaq or covidfaq
COORDINATION_BONUS = 0.5  # a result matching every word scores up to 1.5x


class Unsupported(Exception):
    """The searcher's weighting is not BM25F: rank with Whoosh."""


def _leaf_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(ids, frequencies) of one segment's postings of a term, read a block at a time."""
    while hasattr(matcher, "child"):  # deleted articles are masked separately
        matcher = matcher.child
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int32))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:
        found = []
        while matcher.is_active():
            found.append((matcher.id(), matcher.weight()))
            matcher.next()
        if found:
            ids.append(np.array([i for i, _ in found], dtype=np.int32))
            weights.append(np.array([w for _, w in found], dtype=np.float32))
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    return np.concatenate(ids), np.concatenate(weights)


class FirstStage:
    """Arrays of one index version: field lengths, live articles, postings by term."""

    def __init__(self, searcher: Searcher) -> None:
        weighting = searcher.weighting
        if type(weighting) is not BM25F or weighting._field_B:
            raise Unsupported(type(weighting).__name__)
        self.B, self.K1 = weighting.B, weighting.K1
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            self.live[[d for d in range(self.size) if reader.is_deleted(d)]] = False
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = (
            OrderedDict())
        self._filters: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        # The reader's language first, then the rest: one query ranked twice with other
        # filters. Its scores are kept per thread for the second ranking.
        self._last = threading.local()

    def lengths(self, searcher: Searcher, field: str) -> np.ndarray:
        """Every article's length of ``field`` as the scorer sees it (Whoosh's byte-coded)."""
        found = self._lengths.get(field)
        if found is None:
            reader = searcher.reader()
            found = np.array([reader.doc_field_length(d, field, 1) for d in range(self.size)],
                             dtype=np.float64)
            self._lengths[field] = found
        return found

    def postings(self, searcher: Searcher, field: str, text: str
                 ) -> tuple[np.ndarray, np.ndarray]:
        """(article numbers, term frequencies) of a term across all segments."""
        key = (field, text)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        ids, weights = [], []
        for leaf, offset in searcher.reader().leaf_readers():
            try:
                leaf_ids, leaf_weights = _leaf_postings(leaf.postings(field, text))
            except TermNotFound:
                continue
            ids.append(leaf_ids + offset)
            weights.append(leaf_weights)
        found = ((np.concatenate(ids), np.concatenate(weights)) if ids
                 else (np.zeros(0, np.int32), np.zeros(0, np.float32)))
        with self._lock:
            self._postings[key] = found
            while len(self._postings) > MAX_CACHED_TERMS:
                self._postings.popitem(last=False)
        return found

    def has(self, searcher: Searcher, field: str, text: str, docnums: np.ndarray) -> np.ndarray:
        """Which of ``docnums`` hold the term (postings are in ascending article order)."""
        ids = self.postings(searcher, field, text)[0]
        if not len(ids):
            return np.zeros(len(docnums), dtype=bool)
        at = np.minimum(np.searchsorted(ids, docnums), len(ids) - 1)
        return ids[at] == docnums

    def matches(self, searcher: Searcher, node: Query, docnums: np.ndarray) -> np.ndarray:
        """Which of ``docnums`` (ascending) the query matches."""
        if isinstance(node, Term):
            return self.has(searcher, node.fieldname, node.text, docnums)
        if isinstance(node, Or):
            found = np.zeros(len(docnums), dtype=bool)
            for sub in node.subqueries:
                found |= self.matches(searcher, sub, docnums)
            return found
        matcher, found = node.matcher(searcher), []
        for docnum in docnums.tolist():
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            found.append(matcher.is_active() and matcher.id() == docnum)
        return np.array(found, dtype=bool)

    def _term(self, searcher: Searcher, term: Term) -> tuple[np.ndarray, np.ndarray]:
        """(article numbers, scores) of one term, as whoosh.scoring.BM25FScorer computes them."""
        field, text = term.fieldname, term.text
        if field not in searcher.schema or not searcher.schema[field].scorable:
            raise Unsupported(field)
        ids, weights = self.postings(searcher, field, text)
        if not len(ids):
            return ids, np.zeros(0)
        idf = searcher.idf(field, text)
        average = searcher.avg_field_length(field) or 1
        tf = weights.astype(np.float64)
        length = self.lengths(searcher, field)[ids]
        B, K1 = self.B, self.K1
        scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))
        return ids, scores * term.boost if term.boost != 1.0 else scores

    def _scores(self, searcher: Searcher, node: Query) -> tuple[np.ndarray, np.ndarray]:
        """Dense (scores, matched) arrays of a query node over every article."""
        scores = np.zeros(self.size)
        matched = np.zeros(self.size, dtype=bool)
        if isinstance(node, Term):
            ids, found = self._term(searcher, node)
            scores[ids] = found
            matched[ids] = True
        elif isinstance(node, Or) and node.scale is None:
            for sub in node.subqueries:
                sub_scores, sub_matched = self._scores(searcher, sub)
                scores += sub_scores
                matched |= sub_matched
            if node.boost != 1.0:
                scores *= node.boost
        else:
            for score, docnum in searcher.search(node, limit=None).top_n:
                scores[docnum] = score
                matched[docnum] = True
        return scores, matched

    def allowed(self, searcher: Searcher, query: Query | None) -> np.ndarray:
        """The articles a filter query admits (cached per index version)."""
        if query is None:
            return self.live
        key = repr(query)
        found = self._filters.get(key)
        if found is None:
            if isinstance(query, Term):
                found = np.zeros(self.size, dtype=bool)
                found[self.postings(searcher, query.fieldname, query.text)[0]] = True
            elif isinstance(query, And):
                found = self.live.copy()
                for sub in query.subqueries:
                    found &= self.allowed(searcher, sub)
            else:
                found = np.zeros(self.size, dtype=bool)
                found[list(searcher.docs_for_query(query))] = True
            found &= self.live
            self._filters[key] = found
        return found

    def rank(self, searcher: Searcher, query: Query, limit: int, filter: Query | None = None,
             mask: Query | None = None) -> tuple[list[tuple[int, float]], int]:
        """The first ``limit`` (docnum, score) pairs, best first (ties: lower docnum, as
        Whoosh), among the articles ``filter`` admits and ``mask`` does not; and how many
        articles match in all (exact)."""
        if getattr(self._last, "query", None) is query:
            scores, matched = self._last.arrays
        else:
            scores, matched = self._scores(searcher, query)
            self._last.query, self._last.arrays = query, (scores, matched)
        admitted = matched & self.allowed(searcher, filter)
        if mask is not None:
            admitted &= ~self.allowed(searcher, mask)
        candidates = np.flatnonzero(admitted)
        if len(candidates) > limit:
            # The limit-th best score; everything at least as good is sorted exactly.
            cut = np.partition(scores[candidates], len(candidates) - limit)[-limit]
            candidates = candidates[scores[candidates] >= cut]
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:limit]
        return ([(int(docnum), float(scores[docnum])) for docnum in order],
                int(np.count_nonzero(admitted)))


def coordination(searcher: Searcher, query: Query, docnums: list[int],
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


def unmatched(searcher: Searcher, query: Query, docnums: set[int],
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


def has_several_languages(searcher: Searcher) -> bool:
    languages = iter(searcher.reader().lexicon("language"))
    return next(languages, None) is not None and next(languages, None) is not None


def rank(
    searcher: Searcher, query: Query, limit: int, filter: Query | None, mask: Query | None = None,
    stage: FirstStage | None = None,
) -> tuple[list[tuple[int, float]], int, bool]:
    """The first ``limit`` (docnum, score) pairs, the match count and whether it is exact.

    With ``stage`` the BM25F scores are computed over arrays (``FirstStage``): the same
    scores, and an exact count, without walking every posting in Python. Without it, a plain
    OR lets Whoosh use its fast preloaded union (a coordination factor forces a slower
    matcher tree). Either way the bonus for matching more of the words is applied afterwards
    to the first RESCORE_WINDOW results (see ``coordination``).
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
    bonus = coordination(searcher, query, [docnum for docnum, _ in scored[:RESCORE_WINDOW]],
                         stage)
    head = sorted(((docnum, score * (1 + COORDINATION_BONUS * bonus.get(docnum, 0.0)))
                   for docnum, score in scored[:RESCORE_WINDOW]),
                  key=lambda item: item[1], reverse=True)
    return head + scored[RESCORE_WINDOW:], total, exact
