"""Second stage: reorder the first results by how closely the question matches the title.

FAQ questions are usually paraphrases of an article's title; BM25F over the whole article lets
a long body that repeats a word outrank the article whose title *is* the question. The rerank
mixes the first-stage score (scaled to the best result) with an IDF-weighted cosine between the
question's terms and the title's, and with the cosine between sentence embeddings of the
question and the title (embedding.py), which matches paraphrases that share no word; the
titles nearest the question by embedding join the candidates. Title only beat title+summary,
and the weights were chosen, by 5-fold cross-validation on the evaluation sets. Each language
has its own encoder and so its own vector space (encoders.py) and its own weights: a Chinese
article is embedded by its title and its body's first passage, the better cosine counting
(docs/search-quality.md).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from math import log, sqrt

import numpy as np

from app.search.analysis import text_analyzer
from app.search.encoders import Encoders, article_language

RERANK_WINDOW = 20
TITLE_SIMILARITY_WEIGHT = 0.5  # every fold of a 5-fold CV over both English sets chose it
# Large on purpose: the embedding decides, the first stage and title terms break near-ties.
# With the title weight 0.5, 4 of 5 folds of a pooled 5-fold CV chose it (the fifth: 0 and 30).
EMBEDDING_WEIGHT = 60.0
EMBEDDING_NEIGHBOURS = 5  # titles nearest the question by embedding added to the candidates,
EMBEDDING_MIN_SIMILARITY = 0.4  # if this close: 3 of 5 folds; keeps unrelated titles out


@dataclass(frozen=True)
class Weights:
    """One language's second stage: title-terms cosine, embedding cosine, nearest titles."""

    title: float
    embedding: float
    neighbours: int = EMBEDDING_NEIGHBOURS
    min_similarity: float = EMBEDDING_MIN_SIMILARITY
    # True: the first-stage score divided by the best one (English). False: the BM25 score as
    # it is, so a question whose words match strongly (long, specific) keeps its lexical order
    # and a short, colloquial one whose words barely match is decided by meaning.
    relative: bool = True


# Chinese (the shipped multilingual encoder, title and summary embedded): BM25 as it is plus
# 96 x the better cosine; every fold of a pooled 5-fold CV on bq-faq and ncp-policies chose it
# (docs/search-quality.md).
WEIGHTS = {"en": Weights(TITLE_SIMILARITY_WEIGHT, EMBEDDING_WEIGHT),
           "zh": Weights(0.0, 96.0, EMBEDDING_NEIGHBOURS, EMBEDDING_MIN_SIMILARITY,
                         relative=False)}
Space = tuple[np.ndarray, np.ndarray | None]  # vectors, and the document of each row (None: i)


def terms(text: str) -> list[str]:
    """The analyzed terms of ``text`` (stemmed, stop words out, Chinese segmented)."""
    return list(_terms(text))


@lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    return tuple(token.text for token in _analyzer()(text))


@lru_cache(maxsize=1)
def _analyzer():
    return text_analyzer()


class TitleSimilarity:
    """IDF-weighted cosine between a question and each article's title."""

    def __init__(self, documents: Iterable[tuple[str, str]],
                 embeddings: np.ndarray | None = None,
                 spaces: dict[str, Space] | None = None) -> None:
        """``documents``: (slug, title) for every article in the index; ``embeddings``: their
        titles' unit vectors, one row per document in the same order (None: not used), the
        English space; ``spaces``: per language, vectors and the document index of each row
        (a document may have several rows: the best counts)."""
        documents = list(documents)
        self.vectors: dict[str, Counter] = {slug: Counter(terms(text)) for slug, text in documents}
        self.order = [slug for slug, _ in documents]  # row -> slug
        self.rows = {slug: row for row, slug in enumerate(self.order)}
        self.spaces: dict[str, Space] = dict(spaces or {})
        if embeddings is not None:
            self.spaces["en"] = (embeddings, None)
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

    @property
    def embeddings(self) -> np.ndarray | None:
        return self.spaces["en"][0] if "en" in self.spaces else None

    def embedding_similarity(self, question: np.ndarray, space: str = "en") -> np.ndarray:
        """Cosine between the question's vector and every document's (its best row), by
        document; 0 for documents without a vector in ``space``."""
        vectors, owners = self.spaces.get(space, (None, None))
        if vectors is None or not len(vectors) or vectors.shape[1] != question.shape[0]:
            return np.zeros(len(self.rows), dtype=np.float32)
        cosines = vectors @ question
        if owners is None:
            return cosines
        best = np.zeros(len(self.rows), dtype=np.float32)
        starts = np.concatenate(([0], np.flatnonzero(np.diff(owners)) + 1))  # owners ascend
        best[owners[starts]] = np.maximum.reduceat(cosines, starts)
        return best

    def neighbours(self, question: np.ndarray, present: set[str],
                   admits: Callable[[str], bool] = lambda slug: True,
                   count: int = EMBEDDING_NEIGHBOURS,
                   minimum: float = EMBEDDING_MIN_SIMILARITY, space: str = "en") -> list[str]:
        """Up to ``count`` slugs, closest first, of titles at least ``minimum`` similar to the
        question by embedding, not ``present`` already and accepted by ``admits``."""
        similarity = self.embedding_similarity(question, space)
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
               embedding_weight: float = EMBEDDING_WEIGHT, space: str = "en",
               relative: bool = True) -> list[tuple[str, float]]:
        """``ranked``: (slug, score) best first; the first ``window`` are reordered.

        ``question``: the question's embedding; None leaves the embedding out."""
        if question is None or space not in self.spaces:
            embedding_weight = 0.0
        if (weight <= 0 and embedding_weight <= 0) or len(ranked) < 2:
            return ranked
        query_terms = Counter(terms(text))
        head, tail = ranked[:window], ranked[window:]
        top = (head[0][1] or 1.0) if relative else 1.0
        embedded = (self.embedding_similarity(question, space) if embedding_weight > 0
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
                     admits: Callable[[str], bool] = lambda slug: True,
                     space: str = "en", neighbours: int = EMBEDDING_NEIGHBOURS,
                     minimum: float = EMBEDDING_MIN_SIMILARITY, relative: bool = True
                     ) -> list[tuple[str, float]]:
        """The first results, with the titles nearest ``question`` added (those ``admits``
        accepts), reordered by title terms and embeddings; what search and evaluation run."""
        head = list(ranked[:RERANK_WINDOW])
        if head and question is not None and embedding_weight > 0 and neighbours:
            head += [(slug, 0.0) for slug in self.neighbours(
                question, {slug for slug, _ in head}, admits, neighbours, minimum, space)]
        return self.rerank(text, head, weight, window=len(head), question=question,
                           embedding_weight=embedding_weight, space=space, relative=relative)

    def second_stage_for(self, language: str, text: str, ranked: list[tuple[str, float]],
                         question: np.ndarray | None, weights: Weights,
                         admits: Callable[[str], bool] = lambda slug: True
                         ) -> list[tuple[str, float]]:
        """``second_stage`` with one language's ``weights``, in its vector space."""
        return self.second_stage(text, ranked, question, weights.title, weights.embedding,
                                 admits, language, weights.neighbours, weights.min_similarity,
                                 weights.relative)


def vector_spaces(rows: list[dict], chosen: Encoders) -> dict[str, Space]:
    """Per language, the stored vectors of the articles (``rows``, in document order) that the
    language's current encoder made: a title vector and a passage vector each."""
    found: dict[str, tuple[list[np.ndarray], list[int]]] = {}
    for number, fields in enumerate(rows):
        language = article_language(fields.get("language") or "en")
        encoder = chosen.get(language)
        if encoder is None or fields.get("vector_model") != encoder.model_id:
            continue
        vectors, owners = found.setdefault(language, ([], []))
        for name in ("title_vector", "passage_vector"):
            data = fields.get(name)
            if data and len(data) % 4 == 0:
                vector = np.frombuffer(data, dtype=np.float32)
                if vectors and vector.shape != vectors[0].shape:
                    continue
                vectors.append(vector)
                owners.append(number)
    spaces: dict[str, Space] = {}
    for language, (vectors, owners) in found.items():
        one_each = owners == list(range(len(rows)))  # one vector per article: row = document
        spaces[language] = (np.vstack(vectors), None if one_each else np.asarray(owners))
    return spaces


class SimilarityCache:
    """One TitleSimilarity per index version, built on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: object = None
        self._model: TitleSimilarity | None = None

    def get(self, version: object, documents, chosen: Encoders) -> TitleSimilarity:
        """``documents()`` gives (docnum, stored fields); called only when the version or the
        encoders changed."""
        version = (version, id(chosen))
        with self._lock:
            if self._model is None or version != self._version:
                rows = list(documents())
                fields = [stored for _, stored in rows]
                self._model = TitleSimilarity(
                    ((stored["slug"], stored["title"]) for stored in fields),
                    spaces=vector_spaces(fields, chosen))
                self._model.slugs = {docnum: stored["slug"] for docnum, stored in rows}
                self._model.docnums = {stored["slug"]: docnum for docnum, stored in rows}
                self._version = version
            return self._model
