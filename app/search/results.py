"""Stage 4, the page: the ranked articles of one page as hits with snippets.

Results become plain values (``SearchHit``, ``SearchPage``) before views see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from math import ceil

from whoosh.lang import porter2
from whoosh.query import Query
from whoosh.searching import Searcher

from app.search.snippets import make_snippet

MAX_PAGE_SIZE = 50

_stem = lru_cache(maxsize=100_000)(porter2.stem)  # as Whoosh's StemFilter caches its stems


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


def page_hits(searcher: Searcher, query: Query, ranked: list[tuple[int, float]], page: int,
              page_size: int) -> tuple[SearchHit, ...]:
    """The hits of page ``page``, each with a snippet around the question's body words (the
    summary when the body holds none)."""
    body_words = frozenset(word for field, word in query.iter_all_terms() if field == "body")
    start = (page - 1) * page_size
    hits = []
    for position, (docnum, score) in enumerate(ranked[start : start + page_size],
                                               start=start + 1):
        stored = searcher.stored_fields(docnum)
        snippet = make_snippet(stored["body"], body_words, _stem) or escape(stored["summary"])
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
    return tuple(hits)
