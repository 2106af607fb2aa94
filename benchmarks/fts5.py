"""SQLite FTS5 beside our search, on the same articles and questions, timed turn about.

FTS5 as a well-tuned reference for a first-time search: porter stemming, bm25 with the same
field weights as ours (title 3, tags 2, summary 1.5, body 1), an OR of the question's words,
the top 10 with a snippet. Our side is ``SearchService.search`` without its result cache,
warm searcher, exactly as a question seen for the first time is answered; and the same with
Whoosh's own matchers instead of the array first stage (the figure before first_stage.py);
and ours with the sentence-embedding stage off (words only), which FTS5 has no counterpart of.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.content import Article
from app.content.render import markdown_to_text
from app.search import IndexStore, SearchService

WORD = re.compile(r"\w+")
FTS5_QUERY = """
    SELECT slug, snippet(articles, 3, '<mark>', '</mark>', '…', 24)
    FROM articles WHERE articles MATCH ? ORDER BY bm25(articles, 3.0, 2.0, 1.5, 1.0) LIMIT 10
"""


def build_fts5(articles: list[Article], path: Path) -> sqlite3.Connection:
    """An FTS5 table of the published articles (title, tags, summary, body as plain text)."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE VIRTUAL TABLE articles USING fts5("
                       "title, tags, summary, body, slug UNINDEXED, tokenize='porter unicode61')")
    connection.executemany(
        "INSERT INTO articles (title, tags, summary, body, slug) VALUES (?, ?, ?, ?, ?)",
        [(a.title, " ".join(a.tags), a.summary, markdown_to_text(a.body), a.slug)
         for a in articles if not a.draft])
    connection.commit()
    return connection


def fts5_query(question: str) -> str | None:
    """The question's words OR-ed, each quoted so no word is read as FTS5 syntax."""
    words = dict.fromkeys(word.lower() for word in WORD.findall(question))
    return " OR ".join(f'"{word}"' for word in words) or None


def compare(articles: list[Article], store: IndexStore, questions: list[str], work: Path,
            percentiles: Callable[[list[float]], dict[str, Any]]) -> dict[str, Any]:
    """First-time search p50/p95 of ours and FTS5's, interleaved question by question."""
    started = time.perf_counter()
    connection = build_fts5(articles, work / "fts5.db")
    build_s = time.perf_counter() - started
    ours = SearchService(store, cache_size=0)
    matchers = SearchService(store, cache_size=0)  # the same search with Whoosh's matchers
    matchers.array_first_stage = False
    words = SearchService(store, cache_size=0)  # ours without the sentence-embedding stage
    words.embedding_weight = 0
    for service in (ours, matchers, words):
        service.search("warm up the searcher")
    connection.execute(FTS5_QUERY, ('"warm"',)).fetchall()
    ours_ms, matchers_ms, words_ms, fts5_ms = [], [], [], []
    for question in questions:
        for service, times in ((ours, ours_ms), (matchers, matchers_ms), (words, words_ms)):
            started = time.perf_counter()
            service.search(question)
            times.append((time.perf_counter() - started) * 1000)
        query = fts5_query(question)
        if query:
            started = time.perf_counter()
            connection.execute(FTS5_QUERY, (query,)).fetchall()
            fts5_ms.append((time.perf_counter() - started) * 1000)
    ours.pool.close()
    matchers.pool.close()
    words.pool.close()
    connection.close()
    ours_p, fts5_p = percentiles(ours_ms), percentiles(fts5_ms)
    return {"fts5_build_s": round(build_s, 2), "ours": ours_p, "fts5": fts5_p,
            "whoosh_matchers": percentiles(matchers_ms), "words_only": percentiles(words_ms),
            "p95_ratio": round(ours_p["p95"] / fts5_p["p95"], 2) if fts5_p.get("p95") else None}
