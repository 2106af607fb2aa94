"""Second stage: reorder the first results by how closely the question matches the title.

FAQ questions are usually paraphrases of an article's title; BM25F over the whole article lets
a long body that repeats a word outrank the article whose title *is* the question. The rerank
mixes the first-stage score (scaled to the best result) with an IDF-weighted cosine between the
question's terms and the title's. Title only beat title+summary, and the weight was chosen, by
5-fold cross-validation on the evaluation sets; Chinese questions gained nothing and are left
as they are (docs/search-quality.md).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from math import log, sqrt

from app.search.analysis import text_analyzer

RERANK_WINDOW = 20
TITLE_SIMILARITY_WEIGHT = 0.5  # every fold of a 5-fold CV over both English sets chose it


def terms(text: str) -> list[str]:
    """The analyzed terms of ``text`` (stemmed, stop words out, Chinese segmented)."""
    return [token.text for token in _analyzer()(text)]


@lru_cache(maxsize=1)
def _analyzer():
    return text_analyzer()


class TitleSimilarity:
    """IDF-weighted cosine between a question and each article's title."""

    def __init__(self, documents: Iterable[tuple[str, str]]) -> None:
        """``documents``: (slug, title) for every article in the index."""
        self.vectors: dict[str, Counter] = {slug: Counter(terms(text)) for slug, text in documents}
        self.slugs: dict[int, str] = {}  # docnum -> slug, filled by SimilarityCache
        frequency: Counter = Counter()
        for vector in self.vectors.values():
            frequency.update(vector.keys())
        count = max(len(self.vectors), 1)
        self.idf = {term: log(1 + count / df) for term, df in frequency.items()}
        self.norms = {slug: sqrt(sum((tf * self.idf[t]) ** 2 for t, tf in vector.items()))
                      for slug, vector in self.vectors.items()}

    def similarity(self, query_terms: Counter, slug: str) -> float:
        vector = self.vectors.get(slug)
        if not vector or not query_terms:
            return 0.0
        dot = sum(qtf * vector[t] * self.idf[t] ** 2 for t, qtf in query_terms.items()
                  if t in vector)
        if not dot:
            return 0.0
        query_norm = sqrt(sum((qtf * self.idf.get(t, 0.0)) ** 2 for t, qtf in query_terms.items()))
        return dot / (query_norm * self.norms[slug]) if query_norm else 0.0

    def rerank(self, text: str, ranked: list[tuple[str, float]],
               weight: float = TITLE_SIMILARITY_WEIGHT,
               window: int = RERANK_WINDOW) -> list[tuple[str, float]]:
        """``ranked``: (slug, score) best first; the first ``window`` are reordered."""
        if weight <= 0 or len(ranked) < 2:
            return ranked
        query_terms = Counter(terms(text))
        head, tail = ranked[:window], ranked[window:]
        top = head[0][1] or 1.0
        rescored = [(slug, score / top + weight * self.similarity(query_terms, slug))
                    for slug, score in head]
        rescored.sort(key=lambda item: item[1], reverse=True)
        # Scores stay comparable with the tail: keep the first stage's scale.
        return [(slug, score * top) for slug, score in rescored] + tail


class SimilarityCache:
    """One TitleSimilarity per index version, built on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: object = None
        self._model: TitleSimilarity | None = None

    def get(self, version: object, documents) -> TitleSimilarity:
        """``documents()`` gives (docnum, slug, title); called only when the version changed."""
        with self._lock:
            if self._model is None or version != self._version:
                rows = list(documents())
                self._model = TitleSimilarity((slug, title) for _, slug, title in rows)
                self._model.slugs = {docnum: slug for docnum, slug, _ in rows}
                self._version = version
            return self._model
