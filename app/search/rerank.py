"""Second stage: reorder the first results by how closely the question matches the title.

FAQ questions are usually paraphrases of an article's title; BM25F over the whole article lets
a long body that repeats a word outrank the article whose title *is* the question. The rerank
mixes the first-stage score (scaled to the best result) with an IDF-weighted cosine between the
question's terms and the title's, and with the cosine between sentence embeddings of the
question and the title (embedding.py), which matches paraphrases that share no word; the
titles nearest the question by embedding join the candidates. Title only beat title+summary,
and the weights were chosen, by 5-fold cross-validation on the evaluation sets; Chinese
questions gained nothing from the title cosine and the embedding model is English, so they are
left as they are (docs/search-quality.md).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from math import log, sqrt

import numpy as np

from app.search.analysis import text_analyzer
from app.search.embedding import DIMENSIONS, from_bytes

RERANK_WINDOW = 20
TITLE_SIMILARITY_WEIGHT = 0.5  # every fold of a 5-fold CV over both English sets chose it
# Large on purpose: the embedding decides, the first stage and title terms break near-ties.
# With the title weight 0.5, 4 of 5 folds of a pooled 5-fold CV chose it (the fifth: 0 and 30).
EMBEDDING_WEIGHT = 60.0
EMBEDDING_NEIGHBOURS = 5  # titles nearest the question by embedding added to the candidates,
EMBEDDING_MIN_SIMILARITY = 0.4  # if this close: 3 of 5 folds; keeps unrelated titles out


def terms(text: str) -> list[str]:
    """The analyzed terms of ``text`` (stemmed, stop words out, Chinese segmented)."""
    return [token.text for token in _analyzer()(text)]


@lru_cache(maxsize=1)
def _analyzer():
    return text_analyzer()


class TitleSimilarity:
    """IDF-weighted cosine between a question and each article's title."""

    def __init__(self, documents: Iterable[tuple[str, str]],
                 embeddings: np.ndarray | None = None) -> None:
        """``documents``: (slug, title) for every article in the index; ``embeddings``: their
        titles' unit vectors, one row per document in the same order (None: not used)."""
        documents = list(documents)
        self.vectors: dict[str, Counter] = {slug: Counter(terms(text)) for slug, text in documents}
        self.order = [slug for slug, _ in documents]  # row -> slug
        self.rows = {slug: row for row, slug in enumerate(self.order)}
        self.embeddings = embeddings
        self.slugs: dict[int, str] = {}  # docnum -> slug, filled by SimilarityCache
        self.docnums: dict[str, int] = {}  # slug -> docnum, filled by SimilarityCache
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

    def embedding_similarity(self, question: np.ndarray) -> np.ndarray:
        """Cosine between the question's vector and every title's, by row."""
        if self.embeddings is None:
            return np.zeros(len(self.rows), dtype=np.float32)
        return self.embeddings @ question

    def neighbours(self, question: np.ndarray, present: set[str],
                   admits: Callable[[str], bool] = lambda slug: True,
                   count: int = EMBEDDING_NEIGHBOURS,
                   minimum: float = EMBEDDING_MIN_SIMILARITY) -> list[str]:
        """Up to ``count`` slugs, closest first, of titles at least ``minimum`` similar to the
        question by embedding, not ``present`` already and accepted by ``admits``."""
        similarity = self.embedding_similarity(question)
        close = np.flatnonzero(similarity >= minimum)  # usually a few rows: sort only those
        found: list[str] = []
        for row in close[np.argsort(-similarity[close], kind="stable")]:
            if len(found) == count:
                break
            slug = self.order[row]
            if slug not in present and admits(slug):
                found.append(slug)
        return found

    def rerank(self, text: str, ranked: list[tuple[str, float]],
               weight: float = TITLE_SIMILARITY_WEIGHT,
               window: int = RERANK_WINDOW, question: np.ndarray | None = None,
               embedding_weight: float = EMBEDDING_WEIGHT) -> list[tuple[str, float]]:
        """``ranked``: (slug, score) best first; the first ``window`` are reordered.

        ``question``: the question's embedding; None leaves the embedding out."""
        if question is None or self.embeddings is None:
            embedding_weight = 0.0
        if (weight <= 0 and embedding_weight <= 0) or len(ranked) < 2:
            return ranked
        query_terms = Counter(terms(text))
        head, tail = ranked[:window], ranked[window:]
        top = head[0][1] or 1.0
        embedded = (self.embedding_similarity(question) if embedding_weight > 0
                    else np.zeros(len(self.rows)))
        rescored = [(slug, score / top + weight * self.similarity(query_terms, slug)
                     + embedding_weight * float(embedded[self.rows[slug]]))
                    for slug, score in head]
        rescored.sort(key=lambda item: item[1], reverse=True)
        # Scores stay comparable with the tail: keep the first stage's scale.
        return [(slug, score * top) for slug, score in rescored] + tail


    def second_stage(self, text: str, ranked: list[tuple[str, float]],
                     question: np.ndarray | None, weight: float = TITLE_SIMILARITY_WEIGHT,
                     embedding_weight: float = EMBEDDING_WEIGHT,
                     admits: Callable[[str], bool] = lambda slug: True
                     ) -> list[tuple[str, float]]:
        """The first results, with the titles nearest ``question`` added (those ``admits``
        accepts), reordered by title terms and embeddings; what search and evaluation run."""
        head = list(ranked[:RERANK_WINDOW])
        if head and question is not None and embedding_weight > 0:
            head += [(slug, 0.0) for slug in self.neighbours(
                question, {slug for slug, _ in head}, admits)]
        return self.rerank(text, head, weight, window=len(head), question=question,
                           embedding_weight=embedding_weight)


class SimilarityCache:
    """One TitleSimilarity per index version, built on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: object = None
        self._model: TitleSimilarity | None = None

    def get(self, version: object, documents) -> TitleSimilarity:
        """``documents()`` gives (docnum, slug, title, title vector as bytes); called only when
        the version changed."""
        with self._lock:
            if self._model is None or version != self._version:
                rows = list(documents())
                vectors = (np.vstack([from_bytes(vector) for *_, vector in rows]) if rows
                           else np.zeros((0, DIMENSIONS), dtype=np.float32))
                self._model = TitleSimilarity(((slug, title) for _, slug, title, _ in rows),
                                              vectors)
                self._model.slugs = {docnum: slug for docnum, slug, _, _ in rows}
                self._model.docnums = {slug: docnum for docnum, slug, _, _ in rows}
                self._version = version
            return self._model
