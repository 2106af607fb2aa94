"""Search quality on labelled questions: P@1, MRR@10 and hit@5, beside a plain BM25 baseline.

The production path is measured exactly as it serves users (same loader, indexer, searcher);
the baseline is the reference the evaluation sets quote: BM25 (k1 1.2, b 0.75) over title and
body, lower-cased word tokens, no stemming, no stop words (Chinese: character pairs).
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from whoosh.analysis import LowercaseFilter, NgramFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import create_in
from whoosh.qparser import OrGroup, QueryParser
from whoosh.scoring import BM25F

from app.content import ContentSet
from app.content.render import markdown_to_text
from app.search import indexer
from app.search.analysis import has_chinese
from app.search.embedding import encoder
from app.search.learning import NO, SILENT, YES, LearnedBoosts, Outcome
from app.search.rerank import (
    RERANK_WINDOW,
    TitleSimilarity,
)
from app.search.searcher import QueryError, SearchService
from app.search.store import IndexStore

Ranker = Callable[[str], list[str]]


@dataclass(frozen=True)
class Scores:
    queries: int
    p_at_1: float
    mrr_at_10: float
    hit_at_5: float


def read_queries(path: Path) -> list[tuple[str, frozenset[str]]]:
    """``query<TAB>slug[,slug…]`` lines; blank lines and lines without a tab are skipped."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        query, _, gold = line.partition("\t")
        if query.strip() and gold.strip():
            pairs.append((query.strip(), frozenset(s.strip() for s in gold.split(","))))
    return pairs


def score(rank: Ranker, queries: list[tuple[str, frozenset[str]]]) -> Scores:
    p_at_1 = mrr = hit_at_5 = 0.0
    for query, gold in queries:
        ranked = rank(query)[:10]
        if ranked and ranked[0] in gold:
            p_at_1 += 1
        first = next((i for i, slug in enumerate(ranked) if slug in gold), None)
        if first is not None:
            mrr += 1 / (first + 1)
            hit_at_5 += first < 5
    n = max(len(queries), 1)
    return Scores(len(queries), p_at_1 / n, mrr / n, hit_at_5 / n)


def production_ranker(content: ContentSet, directory: Path) -> Ranker:
    store = IndexStore(directory)
    indexer.rebuild(store, content)
    service = SearchService(store, cache_size=0)

    def rank(query: str) -> list[str]:
        try:
            return [hit.slug for hit in service.search(query[: service.max_query_length],
                                                       page_size=10).hits]
        except QueryError:
            return []

    return rank


def baseline_ranker(content: ContentSet, directory: Path) -> Ranker:
    chinese = sum(article.language == "zh" for article in content.articles) * 2 > len(
        content.articles)
    # Chinese: character pairs, as the evaluation sets' quoted baseline.
    analyzer = (RegexTokenizer(r"\w+") | LowercaseFilter() | NgramFilter(2, 2) if chinese
                else RegexTokenizer() | LowercaseFilter())
    schema = Schema(slug=ID(stored=True, unique=True), text=TEXT(analyzer=analyzer))
    ix = create_in(str(directory), schema)
    writer = ix.writer(limitmb=256)
    for article in content.articles:
        writer.add_document(slug=article.slug,
                            text=f"{article.title}\n{markdown_to_text(article.body)}")
    writer.commit()
    parser = QueryParser("text", schema, group=OrGroup, plugins=[])
    searcher = ix.searcher(weighting=BM25F(K1=1.2, B=0.75))

    def rank(query: str) -> list[str]:
        return [hit["slug"] for hit in searcher.search(parser.parse(query), limit=10)]

    return rank


def evaluate(content: ContentSet, queries: list[tuple[str, frozenset[str]]]
             ) -> dict[str, Scores]:
    """Scores for the production search and the baseline, each in a temporary index."""
    with tempfile.TemporaryDirectory() as work:
        production = production_ranker(content, Path(work) / "production")
        (Path(work) / "baseline").mkdir()
        baseline = baseline_ranker(content, Path(work) / "baseline")
        return {"production": score(production, queries), "baseline": score(baseline, queries)}


# Lever experiments: the first stage runs once per question; each setting of a second-stage
# lever is then scored on the same candidates, so a k-fold run costs one pass of searches.
Queries = list[tuple[str, frozenset[str]]]
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


def embedding_model(content: ContentSet) -> TitleSimilarity:
    """Title terms and title embeddings, as the production second stage has them."""
    titles = [a.title for a in content.articles]
    return TitleSimilarity(((a.slug, a.title) for a in content.articles),
                           encoder().encode(titles))


def second_stage(model: TitleSimilarity, query: str, found: list[tuple[str, float]],
                 title_weight: float, embedding_weight: float, question) -> list[str]:
    """The production second stage (SearchService._reorder, no filters) over ``found``."""
    return [slug for slug, _ in model.second_stage(query, found, question, title_weight,
                                                   embedding_weight)]


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
    title terms and embeddings for English questions, the first stage alone for Chinese."""
    model = embedding_model(content)
    english = [query for query in candidates if not has_chinese(query)]
    questions = dict(zip(english, encoder().encode(english), strict=True))
    ranked: Candidates = {}
    for query, found in candidates.items():
        if query not in questions:
            ranked[query] = list(found)
            continue
        head = model.second_stage(query, found, questions[query])
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


Setting = tuple[float, float]  # (title weight, embedding weight)


def pooled_cross_validation(sets: dict[str, tuple[ContentSet, Queries]], k: int = 5,
                            weights: tuple[float, ...] = TITLE_WEIGHTS,
                            embedding_weights: tuple[float, ...] = EMBEDDING_WEIGHTS
                            ) -> tuple[tuple[Setting, ...], dict[str, Scores]]:
    """One (title weight, embedding weight) for several sets: each fold chooses it by the sum
    of the sets' MRR@10 on their other folds; returns the choices and each set's held-out
    scores."""
    settings = [(w, e) for w in weights for e in embedding_weights]
    reranked: dict[str, dict[Setting, dict[str, list[str]]]] = {}
    for name, (content, queries) in sets.items():
        with tempfile.TemporaryDirectory() as work:
            candidates = first_stage(content, queries, Path(work))
        model = embedding_model(content)
        questions = dict(zip(candidates, encoder().encode(list(candidates)), strict=True))
        reranked[name] = {setting: {q: second_stage(model, q, found, *setting, questions[q])
                                    for q, found in candidates.items()}
                          for setting in settings}
    chosen: list[Setting] = []
    held: dict[str, list[tuple[str, frozenset[str], Setting]]] = {name: [] for name in sets}
    for i in range(k):
        def train_mrr(setting: Setting, i: int = i) -> tuple[float, float, float]:
            total = 0.0
            for name, (_, queries) in sets.items():
                train = [pair for j, part in enumerate(folds(queries, k)) if j != i
                         for pair in part]
                ranks = reranked[name][setting]
                total += score(ranks.__getitem__, train).mrr_at_10
            return total, -setting[1], -setting[0]

        best = max(settings, key=train_mrr)
        chosen.append(best)
        for name, (_, queries) in sets.items():
            held[name] += [(q, gold, best) for q, gold in folds(queries, k)[i]]
    results = {}
    for name, items in held.items():
        ranks = {q: reranked[name][w][q] for q, _, w in items}
        results[name] = score(ranks.__getitem__, [(q, g) for q, g, _ in items])
    return tuple(chosen), results
