"""Lever experiments on labelled questions: k-fold cross-validation of second-stage settings,
and learning from outcomes simulated as sessions.

The first stage runs once per question; each setting of a second-stage lever is then scored on
the same candidates, so a k-fold run costs one pass of searches.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.content import ContentSet
from app.content.render import markdown_to_text
from app.search import encoders as models
from app.search import indexer
from app.search.evaluation import Queries, Ranker, Scores, score
from app.search.learning import NO, SILENT, YES, LearnedBoosts, Outcome
from app.search.query import QueryError
from app.search.rerank import (
    RERANK_WINDOW,
    WEIGHTS,
    TitleSimilarity,
    Weights,
    vector_spaces,
)
from app.search.searcher import SearchService
from app.search.store import IndexStore

Candidates = dict[str, list[tuple[str, float]]]
TITLE_WEIGHTS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
EMBEDDING_WEIGHTS = (0.0, 5.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0, 120.0, 200.0)


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    held_out: Scores  # each question scored by the setting chosen on the other folds
    chosen: tuple[float, ...]  # the setting each fold chose
    by_setting: dict[float, Scores]  # every setting on all of dev (for the record, not choosing)


def first_stage(content: ContentSet, queries: Queries, directory: Path) -> Candidates:
    """The production search's first RERANK_WINDOW results, second stage off."""
    store = IndexStore(directory)
    indexer.rebuild(store, content)
    service = SearchService(store, cache_size=0)
    service.title_weight = 0.0
    service.embedding_weight = 0.0
    service.chinese_weights = Weights(0.0, 0.0)
    found: Candidates = {}
    for query, _ in queries:
        try:
            page = service.search(query[: service.max_query_length], page_size=RERANK_WINDOW)
            found[query] = [(hit.slug, hit.score) for hit in page.hits]
        except QueryError:
            found[query] = []
    return found


def title_model(content: ContentSet, with_summary: bool = True) -> TitleSimilarity:
    return TitleSimilarity((a.slug, f"{a.title}\n{a.summary}" if with_summary else a.title)
                           for a in content.articles)


def embedding_model(content: ContentSet, chosen: models.Encoders | None = None,
                    passages: str | None = models.PASSAGE_SOURCE) -> TitleSimilarity:
    """Title terms and each language's embeddings, as the production second stage has them
    (``passages``: ``summary``, ``body`` or None for titles alone)."""
    chosen = chosen or models.encoders()
    articles = content.published
    texts = [(a.language, a.title,
              models.passage_text(a.title, a.summary, markdown_to_text(a.body), passages)
              if passages else "") for a in articles]
    rows = [{"language": a.language, **vectors}
            for a, vectors in zip(articles, models.article_vectors(texts, chosen=chosen),
                                  strict=True)]
    return TitleSimilarity(((a.slug, a.title) for a in articles),
                           spaces=vector_spaces(rows, chosen))


def question_vectors(queries: list[str], chosen: models.Encoders | None = None) -> dict:
    """Each question's embedding by its language's encoder (None where there is none)."""
    chosen = chosen or models.encoders()
    vectors: dict = {}
    for language in models.LANGUAGES:
        asked = [q for q in queries if models.question_language(q) == language]
        encoder = chosen.get(language)
        try:
            found = encoder.encode(asked, query=True) if encoder and asked else []
        except models.EmbeddingUnavailable:
            found = []
        vectors |= dict(zip(asked, found, strict=False))
    return vectors


def second_stage(model: TitleSimilarity, query: str, found: list[tuple[str, float]],
                 weights: Weights, question) -> list[str]:
    """The production second stage (second_stage.SecondStage.reorder, no filters) over ``found``."""
    return [slug for slug, _ in model.second_stage_for(
        models.question_language(query), query, found, question, weights)]


def folds(queries: Queries, k: int) -> list[Queries]:
    """k interleaved folds (every k-th question): deterministic, no shuffling needed."""
    return [queries[i::k] for i in range(k)]


def cross_validate(queries: Queries, candidates: Candidates, model: TitleSimilarity,
                   weights: tuple[float, ...] = TITLE_WEIGHTS, k: int = 5) -> CrossValidation:
    """Choose the title-similarity weight on k-1 folds by MRR@10, score the held-out fold."""
    reranked = {weight: {query: [slug for slug, _ in model.rerank(query, found, weight)]
                         for query, found in candidates.items()} for weight in weights}

    def ranker(weight: float) -> Ranker:
        return lambda query: reranked[weight].get(query, [])

    parts = folds(queries, k)
    chosen, held = [], []
    for i, part in enumerate(parts):
        train = [pair for j, other in enumerate(parts) if j != i for pair in other]
        best = max(weights, key=lambda w: (score(ranker(w), train).mrr_at_10, -w))
        chosen.append(best)
        held.append((best, part))
    totals = [0.0, 0.0, 0.0]
    for weight, part in held:
        part_scores = score(ranker(weight), part)
        totals[0] += part_scores.p_at_1 * len(part)
        totals[1] += part_scores.mrr_at_10 * len(part)
        totals[2] += part_scores.hit_at_5 * len(part)
    n = max(len(queries), 1)
    return CrossValidation(
        k, Scores(len(queries), totals[0] / n, totals[1] / n, totals[2] / n), tuple(chosen),
        {weight: score(ranker(weight), queries) for weight in weights})


def lever_report(content: ContentSet, queries: Queries, k: int = 5
                 ) -> tuple[dict[str, CrossValidation], dict[str, tuple[Scores, Scores]]]:
    """k-fold CV of the title-similarity rerank (title+summary, title only) and the
    learning simulation, all over one pass of first-stage searches."""
    with tempfile.TemporaryDirectory() as work:
        candidates = first_stage(content, queries, Path(work))
    titles = title_model(content, False)
    return ({"title+summary": cross_validate(queries, candidates, title_model(content), k=k),
             "title only": cross_validate(queries, candidates, titles, k=k)},
            simulate_learning(queries, production_ranking(content, candidates)))


def production_ranking(content: ContentSet, candidates: Candidates) -> Candidates:
    """Each question's candidates as the production second stage orders them, with scores:
    title terms and embeddings in each question's language."""
    model = embedding_model(content)
    questions = question_vectors(list(candidates))
    ranked: Candidates = {}
    for query, found in candidates.items():
        language = models.question_language(query)
        head = model.second_stage_for(language, query, found, questions.get(query),
                                      WEIGHTS[language])
        moved = {slug for slug, _ in head}
        ranked[query] = head + [item for item in found[RERANK_WINDOW:] if item[0] not in moved]
    return ranked


def simulate_learning(queries: Queries, second: Candidates, seed: int = 7
                      ) -> dict[str, tuple[Scores, Scores]]:
    """Replay every other question as sessions, learn, and score before/after.

    Each replayed question gets three sessions that clicked the right article and voted Yes,
    one noisy session that clicked a wrong first-page result and left silently, and one
    adversarial session voting Yes for a wrong article twenty times (it counts once). Returns
    (before, after) for the replayed questions and for the other half, which was never replayed.
    ``second``: each question's ranking before learning (see ``production_ranking``).
    """
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    replayed, held_out = queries[0::2], queries[1::2]
    outcomes = []
    for n, (query, gold) in enumerate(replayed):
        at = now - timedelta(days=rng.uniform(0, 60))
        right = sorted(gold)[0]
        outcomes += [Outcome(f"{n}-good-{i}", query, right, YES, at) for i in range(3)]
        wrong = [slug for slug, _ in second[query][:10] if slug not in gold]
        if wrong:
            outcomes.append(Outcome(f"{n}-noise", query, rng.choice(wrong), SILENT, at))
            outcomes += [Outcome(f"{n}-adversary", query, wrong[0], YES, at)] * 20
        outcomes.append(Outcome(f"{n}-unhappy", query, right, NO, at - timedelta(days=90)))
    boosts = LearnedBoosts.from_outcomes(outcomes, now)

    def before(query: str) -> list[str]:
        return [slug for slug, _ in second.get(query, [])]

    def after(query: str) -> list[str]:
        return [slug for slug, _ in boosts.rerank(query, second.get(query, []))]

    return {"replayed": (score(before, replayed), score(after, replayed)),
            "not replayed": (score(before, held_out), score(after, held_out))}


Setting = tuple[str | None, Weights]  # (text embedded beside the title, weights)


def english_settings() -> list[Setting]:
    """The grid the English weights were chosen from: titles alone, default neighbours."""
    return [(None, Weights(t, e)) for t in TITLE_WEIGHTS for e in EMBEDDING_WEIGHTS]


def chinese_settings() -> list[Setting]:
    """Text beside the title, title-terms weight, embedding weight, BM25 as it is or divided by
    the best score (the English way, smaller weights)."""
    absolute = [(passages, Weights(t, e, relative=False)) for passages in ("summary", "body")
                for t in (0.0, 0.5, 1.0)
                for e in (0.0, 48.0, 64.0, 80.0, 96.0, 112.0, 128.0, 192.0, 256.0)]
    relative = [(passages, Weights(0.0, e)) for passages in (None, "summary", "body")
                for e in (1.0, 2.0, 3.0)]
    return absolute + relative


def describe(setting: Setting) -> str:
    passages, w = setting
    return (f"{passages or 'title only'}, title {w.title:g}, embedding {w.embedding:g}, "
            f"nearest {w.neighbours} >= {w.min_similarity:g}"
            + ("" if w.relative else ", BM25 score as it is"))


def pooled_cross_validation(sets: dict[str, tuple[ContentSet, Queries]],
                            settings: list[Setting], k: int = 5
                            ) -> tuple[tuple[Setting, ...], dict[str, Scores]]:
    """One setting for several sets: each fold chooses it by the sum of the sets' MRR@10 on
    their other folds (ties: the smaller weights); returns the choices and each set's
    held-out scores."""
    reranked: dict[str, dict[Setting, dict[str, list[str]]]] = {}
    for name, (content, queries) in sets.items():
        with tempfile.TemporaryDirectory() as work:
            candidates = first_stage(content, queries, Path(work))
        questions = question_vectors(list(candidates))
        built = {passages: embedding_model(content, passages=passages)
                 for passages in {passages for passages, _ in settings}}
        reranked[name] = {setting: {q: second_stage(built[setting[0]], q, found, setting[1],
                                                    questions.get(q))
                                    for q, found in candidates.items()}
                          for setting in settings}
    chosen: list[Setting] = []
    held: dict[str, list[tuple[str, frozenset[str], Setting]]] = {name: [] for name in sets}
    for i in range(k):
        def train_mrr(setting: Setting, i: int = i) -> tuple[float, ...]:
            total = 0.0
            for name, (_, queries) in sets.items():
                train = [pair for j, part in enumerate(folds(queries, k)) if j != i
                         for pair in part]
                ranks = reranked[name][setting]
                total += score(ranks.__getitem__, train).mrr_at_10
            weights = setting[1]
            return (round(total, 9), -weights.embedding, -weights.title, -weights.neighbours,
                    setting[0] is None)

        best = max(settings, key=train_mrr)
        chosen.append(best)
        for name, (_, queries) in sets.items():
            held[name] += [(q, gold, best) for q, gold in folds(queries, k)[i]]
    results = {}
    for name, items in held.items():
        ranks = {q: reranked[name][w][q] for q, _, w in items}
        results[name] = score(ranks.__getitem__, [(q, g) for q, g, _ in items])
    return tuple(chosen), results
