"""Search quality on labelled questions: P@1, MRR@10 and hit@5, beside a plain BM25 baseline.

The production path is measured exactly as it serves users (same loader, indexer, searcher),
with the shipped models and, when one is configured, with the operator's; the baseline is the
reference the evaluation sets quote: BM25 (k1 1.2, b 0.75) over title and body, lower-cased
word tokens, no stemming, no stop words (Chinese: character pairs). Where a set has near-copies
(the same text published twice, content/near_copies.py), each figure is also given with a
near-copy of a right answer counted as right: which of two copies comes first is a coin flip.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import LowercaseFilter, NgramFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import create_in
from whoosh.qparser import OrGroup, QueryParser
from whoosh.scoring import BM25F

from app.content import ContentSet
from app.content.near_copies import find_near_copies
from app.content.render import markdown_to_text
from app.search import encoders as models
from app.search import indexer
from app.search.query import QueryError
from app.search.searcher import SearchService
from app.search.store import IndexStore

Ranker = Callable[[str], list[str]]
Queries = list[tuple[str, frozenset[str]]]


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


def near_copy_partners(content: ContentSet) -> dict[str, set[str]]:
    """Each article's near-copies, both ways."""
    partners: dict[str, set[str]] = {}
    for pair in find_near_copies(content.published):
        partners.setdefault(pair.article.slug, set()).add(pair.original.slug)
        partners.setdefault(pair.original.slug, set()).add(pair.article.slug)
    return partners


def with_near_copies(queries: Queries, partners: dict[str, set[str]]) -> Queries:
    """The same questions, a near-copy of a right answer counted as right."""
    return [(query, gold.union(*(partners.get(slug, set()) for slug in gold)))
            for query, gold in queries]


def _ranked(rank: Ranker, queries: Queries) -> Ranker:
    found = {query: rank(query) for query, _ in queries}
    return lambda query: found.get(query, [])


def evaluate(content: ContentSet, queries: Queries,
             configured: models.Encoders | None = None) -> dict[str, Scores]:
    """Scores by label, each search in a temporary index: ``search`` (shipped models),
    ``search, configured model`` (when ``configured`` is not the shipped set), ``plain BM25``;
    the same labels with `` (near-copies count)`` where the set has near-copies."""
    rankers: dict[str, Ranker] = {}
    with tempfile.TemporaryDirectory() as work:
        runs = [("search", models.shipped())]
        languages = {models.article_language(a.language) for a in content.published}
        if configured is not None and any(configured.specs.get(language)
                                          != models.SHIPPED.get(language)
                                          for language in languages):
            runs.append(("search, configured model", configured))
        for label, chosen in runs:
            previous = models.use(chosen)
            try:
                folder = Path(work) / label.replace(" ", "-").replace(",", "")
                rankers[label] = _ranked(production_ranker(content, folder), queries)
            finally:
                models.use(previous)
        (Path(work) / "baseline").mkdir()
        rankers["plain BM25"] = _ranked(baseline_ranker(content, Path(work) / "baseline"),
                                        queries)
    scores = {label: score(rank, queries) for label, rank in rankers.items()}
    partners = near_copy_partners(content)
    if partners:
        lenient = with_near_copies(queries, partners)
        scores |= {f"{label} (near-copies count)": score(rank, lenient)
                   for label, rank in rankers.items()}
    return scores
