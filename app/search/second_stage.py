"""Stage 3, the second stage: reorder the first results by meaning, then by what was learned.

The titles nearest the question by sentence embedding join the first results (those the
journey and language partition admit), then title and embedding similarity reorder them
(``rerank.py``), then learned boosts (``learning.py``). The question is embedded in the
background while the first stage ranks.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from whoosh.searching import Searcher

from app.search.embedding import EmbeddingUnavailable
from app.search.encoders import encoders, question_language
from app.search.rerank import RERANK_WINDOW, SimilarityCache, Weights

# The question is embedded while Whoosh ranks (onnxruntime releases the GIL): 3-4 ms off p95.
_EMBEDDING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="embed")


def admits(journey: str | None, language: str | None = None, same: bool = True
           ) -> Callable[[dict], bool]:
    """Whether an article (its stored fields) may join a result list: in the journey asked
    for, and in (``same``) or not in the reader's language when results are split by it."""
    def admitted(fields: dict) -> bool:
        if journey and fields.get("journey") != journey:
            return False
        return language is None or (fields.get("language") == language) == same
    return admitted


def weights_for(text: str, english: Weights, chinese: Weights) -> Weights:
    """The second stage's weights for this question: by its language, without neighbours for
    a quoted phrase, with a configured model's own embedding weight."""
    weights = chinese if question_language(text) == "zh" else english
    if '"' in text:  # a quoted phrase asks for those words: nothing is added by meaning
        weights = replace(weights, neighbours=0)
    encoder = encoders().for_question(text)
    if weights.embedding > 0 and encoder is not None and encoder.spec.weight is not None:
        return replace(weights, embedding=encoder.spec.weight)  # a configured model's own
    return weights


def embed(text: str, weights: Weights) -> Future | None:
    """The question's embedding, computed in the background; None when not used."""
    encoder = encoders().for_question(text)
    if weights.embedding <= 0 or encoder is None or not encoder.available:
        return None  # words alone when the model could not load
    return _EMBEDDING.submit(encoder.encode, [text], query=True)


class SecondStage:
    """The second stage over one index version's titles (their similarity model cached)."""

    def __init__(self) -> None:
        self.similarity = SimilarityCache()
        self.learned = None  # a learning.LearnedBoosts, applied to the first results when set

    def reorder(self, searcher: Searcher, version: tuple[str, int], text: str,
                ranked: list[tuple[int, float]], weights: Weights,
                embedding: Future | None = None,
                admits: Callable[[dict], bool] = lambda fields: True
                ) -> list[tuple[int, float]]:
        """``ranked`` with the nearest titles added and the first RERANK_WINDOW reordered."""
        if not ranked or (len(ranked) < 2 and embedding is None) or (
                weights.title <= 0 and embedding is None and self.learned is None):
            return ranked
        model = self.similarity.get(
            version, lambda: list(searcher.reader().iter_docs()), encoders())
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
