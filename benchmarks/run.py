"""Measure loading, indexing, search and page rendering on three corpora; see docs/performance.md.

    python -m benchmarks.run [--only demo,officedocs,generated,chinese] [--generated-count 5000]
                             [--queries 300] [--pages 200]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.content import ContentSet, load_content
from app.search import IndexStore, SearchService, indexer
from app.search.catalog import Catalog
from app.search.suggest import SuggestService
from app.search.synonyms import SYNONYMS_FILE
from benchmarks import fts5
from benchmarks.corpora import SEED, chinese_questions, make_queries, prepare, zipf_stream

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT_FILE = Path(__file__).resolve().parent / "out" / "latest.json"
CORPORA = ("demo", "officedocs", "generated", "chinese")
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"}
TARGETS = {"search_p95_ms": 30.0, "rebuild_5000_s": 15.0, "update_one_ms": 200.0,
           "suggest_p95_ms": 5.0, "fts5_ratio": 1.5}
SUGGEST_QUERIES = 100  # questions typed keystroke by keystroke for the suggest figures

# ---------------------------------------------------------------- measuring
def timed(action: Callable[[], Any]) -> float:
    """Milliseconds taken by ``action()``."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def percentiles(samples: Iterable[float]) -> dict[str, float | int]:
    values = sorted(samples)
    if len(values) < 2:
        return {"n": len(values)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": round(cuts[49], 2), "p95": round(cuts[94], 2),
            "p99": round(cuts[98], 2), "max": round(values[-1], 2)}


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1_000_000


def measure_search(store: IndexStore, queries: list[str], rng: random.Random) -> dict[str, Any]:
    cold = SearchService(store, cache_size=0)
    first_query_ms = timed(lambda: cold.search(queries[0]))  # opens the index
    cold_ms, matches = [], []
    for query in queries[1:]:
        started = time.perf_counter()
        matches.append(cold.search(query).total)
        cold_ms.append((time.perf_counter() - started) * 1000)
    cold.pool.close()

    warm = SearchService(store)
    warm.search("warm up the searcher")
    seen: set[str] = set()
    first_hit, repeat = [], []
    for query in zipf_stream(queries, len(queries) * 3, rng):
        elapsed = timed(lambda q=query: warm.search(q))
        (repeat if query in seen else first_hit).append(elapsed)
        seen.add(query)
    warm.pool.close()
    return {"first_query_ms": round(first_query_ms, 1),
            "median_matches": statistics.median(matches), "cold": percentiles(cold_ms),
            "first_hit": percentiles(first_hit), "warm": percentiles(repeat)}


def keystrokes(queries: list[str]) -> list[str]:
    """What a search box holds after each keystroke of each question, as typed."""
    return [query[:end] for query in queries for end in range(1, len(query) + 1)
            if query[:end].strip()]


def measure_suggest(store: IndexStore, content_dir: Path, typed: list[str],
                    lang: str) -> dict[str, Any]:
    """SuggestService.suggest for every keystroke: the prefix index built once per version."""
    catalog = Catalog(SearchService(store))
    service = SuggestService(catalog.versioned, content_dir / SYNONYMS_FILE)
    catalog_ms = timed(catalog.versioned)
    build_ms = timed(service.prefix_index)
    found, elapsed = [], []
    for text in typed:
        started = time.perf_counter()
        found.append(len(service.suggest(text, lang).suggestions))
        elapsed.append((time.perf_counter() - started) * 1000)
    catalog.search.pool.close()
    return {"catalog_ms": round(catalog_ms, 1), "build_ms": round(build_ms, 1),
            "keystrokes": percentiles(elapsed),
            "with_suggestions": round(sum(1 for n in found if n) / max(1, len(found)), 2)}


def measure_pages(content_dir: Path, index_dir: Path, work: Path,
                  slugs: list[tuple[str, str]], typed: list[str] = ()) -> dict[str, Any]:
    """Article pages through the Flask test client, each view recorded in a fresh SQLite DB."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"KB_CONTENT_DIR": str(content_dir), "KB_INDEX_DIR": str(index_dir),
                      "DATABASE_URL": f"sqlite:///{work / 'bench.db'}", "SECRET_KEY": "bench"})
    logging.disable(logging.INFO)  # alembic's env.py configures its own chatty logging
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    logging.disable(logging.NOTSET)
    client = app.test_client()

    def get(slug: str, language: str) -> None:
        # A reader of the article's language: otherwise a translated article redirects.
        response = client.get(f"/articles/{slug}",
                              headers={**BROWSER, "Accept-Language": language})
        if response.status_code != 200:
            raise RuntimeError(f"/articles/{slug} answered {response.status_code}")

    first_page_ms = timed(lambda: get(*slugs[0]))  # loads the catalog from the index
    pages = [timed(lambda s=s: get(*s)) for s in slugs[1:]]
    suggest_requests = [timed(lambda t=t: client.get("/api/v1/suggest", query_string={"q": t},
                                                     headers=BROWSER)) for t in typed]
    with app.app_context():
        from app.events.models import Event

        views = db.session.query(Event).count()
        db.engine.dispose()
    return {"first_page_ms": round(first_page_ms, 1), "page": percentiles(pages),
            "views_recorded": views, "suggest_request": percentiles(suggest_requests)}


def measure_incremental(store: IndexStore, content: ContentSet) -> dict[str, float]:
    """One article changed, after everything else was measured: as an editor's save
    (``index_article``, median of 5) and as ``index update`` over the whole content."""
    article = content.published[len(content.published) // 2]
    saves = []
    for round_ in range(5):
        edited = replace(article, body=f"{article.body}\n\nEdited {round_}.",
                         content_hash=f"edited-{round_}")
        started = time.perf_counter()
        indexer.index_article(store, edited)
        saves.append((time.perf_counter() - started) * 1000)
    report = indexer.update(store, content)  # the article back as it is on disk
    return {"save_ms": round(statistics.median(saves), 1),
            "update_ms": round(report.seconds * 1000, 1)}


def bench_corpus(content_dir: Path, work: Path, args: argparse.Namespace,
                 name: str = "") -> dict[str, Any]:
    rng = random.Random(SEED)
    started = time.perf_counter()
    content: ContentSet = load_content(content_dir)
    load_s = time.perf_counter() - started
    store = IndexStore(work / "index")
    report = indexer.rebuild(store, content)
    queries = (chinese_questions(args.queries) if name == "chinese"
               else make_queries(content.articles, args.queries, rng))
    slugs = rng.sample([(a.slug, a.language) for a in content.published],
                       min(args.pages, len(content.published)))
    typed = keystrokes(queries[:SUGGEST_QUERIES])
    lang = "zh" if name == "chinese" else "en"
    return {
        "articles": len(content.articles),
        "errors": len(content.errors),
        "words": sum(len(a.body.split()) for a in content.articles),
        "load_s": round(load_s, 2),
        "rebuild_s": round(report.seconds, 2),
        "index_mb": round(folder_mb(store.path_of(store.current_generation())), 1),
        "queries": len(queries),
        "search": measure_search(store, queries, rng),
        "suggest": measure_suggest(store, content_dir, typed, lang),
        # FTS5's tokenizer does not segment Chinese: no like-for-like comparison there.
        "fts5": None if name == "chinese" else fts5.compare(content.published, store, queries,
                                                            work, percentiles),
        **measure_pages(content_dir, store.root, work, slugs, typed[:300]),
        "incremental": measure_incremental(store, content),
    }


# ---------------------------------------------------------------- output
def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("articles", lambda r: f"{r['articles']:,}"),
        ("words (body)", lambda r: f"{r['words']:,}"),
        ("load + validate (s)", lambda r: f"{r['load_s']:.2f}"),
        ("full rebuild (s)", lambda r: f"{r['rebuild_s']:.2f}"),
        ("one article changed: save / index update (ms)",
         lambda r: f"{r['incremental']['save_ms']:.0f} / {r['incremental']['update_ms']:.0f}"),
        ("index size (MB)", lambda r: f"{r['index_mb']:.1f}"),
        ("first query, opens index (ms)", lambda r: f"{r['search']['first_query_ms']:.1f}"),
        ("articles matched per query, median", lambda r: f"{r['search']['median_matches']:,.0f}"),
    ]
    for kind in ("cold", "first_hit", "warm"):
        rows.append((f"search {kind} p50/p95/p99 (ms)", lambda r, k=kind: "{p50:.1f} / {p95:.1f} / "
                     "{p99:.1f}".format(**r["search"][k]) + f"  (n={r['search'][k]['n']})"))
    def versus(result: dict[str, Any]) -> str:
        if not result.get("fts5"):
            return "n/a"
        ours, theirs = result["fts5"]["ours"], result["fts5"]["fts5"]
        return (f"{ours['p50']:.1f}/{ours['p95']:.1f} vs {theirs['p50']:.1f}/{theirs['p95']:.1f}"
                f" = {result['fts5']['p95_ratio']:.1f}x")

    def matchers(result: dict[str, Any]) -> str:
        if not result.get("fts5"):
            return "n/a"
        return "{p50:.1f}/{p95:.1f}".format(**result["fts5"]["whoosh_matchers"])

    def words_only(result: dict[str, Any]) -> str:
        if not result.get("fts5"):
            return "n/a"
        fts5, words = result["fts5"]["fts5"], result["fts5"]["words_only"]
        return f"{words['p50']:.1f}/{words['p95']:.1f} = {words['p95'] / fts5['p95']:.1f}x"

    rows += [
        ("first-time search p50/p95, ours vs FTS5 (ms)", versus),
        ("  same, Whoosh's matchers as first stage (ms)", matchers),
        ("  same, words only: no sentence embedding (ms)", words_only),
        ("FTS5 full build (s)", lambda r: f"{r['fts5']['fts5_build_s']:.2f}" if r.get("fts5")
         else "n/a"),
        ("suggest: prefix index build (ms)", lambda r: f"{r['suggest']['build_ms']:.1f}"),
        ("suggest per keystroke p50/p95/p99 (ms)", lambda r: "{p50:.2f} / {p95:.2f} / {p99:.2f}"
         .format(**r["suggest"]["keystrokes"]) + f"  (n={r['suggest']['keystrokes']['n']})"),
        ("keystrokes with a suggestion", lambda r: f"{r['suggest']['with_suggestions']:.0%}"),
        ("GET /api/v1/suggest p50/p95 (ms)",
         lambda r: "{p50:.2f} / {p95:.2f}".format(**r["suggest_request"])),
    ]
    rows += [("first page, loads catalog (ms)", lambda r: f"{r['first_page_ms']:.1f}"),
             ("article page p50/p95 (ms)", lambda r: "{p50:.1f} / {p95:.1f}".format(**r["page"]))]
    width = max(len(label) for label, _ in rows)
    cells = [[fmt(results[n]) for n in names] for _, fmt in rows]
    col = [max(len(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names)]
    lines = [" " * width + "  " + "  ".join(n.rjust(w) for n, w in zip(names, col, strict=True))]
    for (label, _), row in zip(rows, cells, strict=True):
        lines.append(label.ljust(width) + "  "
                     + "  ".join(c.rjust(w) for c, w in zip(row, col, strict=True)))
    return "\n".join(lines)


def target_lines(results: dict[str, dict[str, Any]], count: int) -> list[str]:
    generated = results.get("generated")
    if not generated:
        return ["targets: the generated corpus was not run"]
    search, limit = generated["search"], TARGETS["search_p95_ms"]
    rebuild, rebuild_limit = generated["rebuild_s"], TARGETS["rebuild_5000_s"]
    incremental = generated["incremental"]
    slowest_change = max(incremental["save_ms"], incremental["update_ms"])
    suggest_limit = TARGETS["suggest_p95_ms"]
    suggest = generated["suggest"]["keystrokes"]["p95"]
    request = generated["suggest_request"]["p95"]
    ratio = generated["fts5"]["p95_ratio"]
    verdict = {True: "PASS", False: "FAIL"}
    return [
        f"target search p95 < {limit:.0f} ms at {count:,} articles, warm (cached repeats): "
        f"{search['warm']['p95']:.1f} ms {verdict[search['warm']['p95'] < limit]}",
        f"    same figure for first hits (uncached, warm searcher): "
        f"{search['first_hit']['p95']:.1f} ms {verdict[search['first_hit']['p95'] < limit]}",
        f"target rebuild of {count:,} <= {rebuild_limit:.0f} s (from nothing, every title "
        f"embedded): {rebuild:.1f} s {verdict[rebuild <= rebuild_limit]}",
        f"target one article changed <= {TARGETS['update_one_ms']:.0f} ms (editor's save / "
        f"index update): {incremental['save_ms']:.0f} / {incremental['update_ms']:.0f} ms "
        f"{verdict[slowest_change <= TARGETS['update_one_ms']]}",
        f"target first-time search p95 <= {TARGETS['fts5_ratio']:.1f} x SQLite FTS5's "
        f"(same run, same questions, interleaved): {ratio:.2f} x "
        f"{verdict[ratio <= TARGETS['fts5_ratio']]}",
        f"target suggest p95 <= {suggest_limit:.0f} ms at {count:,} articles (service, per "
        f"keystroke): {suggest:.2f} ms {verdict[suggest <= suggest_limit]}",
        f"    same through GET /api/v1/suggest (Flask test client): {request:.2f} ms "
        f"{verdict[request <= suggest_limit]}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--only", default=",".join(CORPORA),
                        help="comma-separated corpora to run (default: all)")
    parser.add_argument("--generated-count", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300, help="unique queries per corpus")
    parser.add_argument("--pages", type=int, default=200, help="article pages per corpus")
    args = parser.parse_args(argv)
    selected = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(selected) - set(CORPORA)
    if unknown:
        parser.error(f"unknown corpus: {', '.join(sorted(unknown))} (known: {', '.join(CORPORA)})")
    logging.basicConfig(level=logging.WARNING)

    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="helpcenter-bench-") as tmp:
        for name in selected:
            work = Path(tmp) / f"{name}-run"
            work.mkdir()
            content_dir, note = prepare(name, Path(tmp), args)
            print(f"{name}: {note}", flush=True)
            if content_dir is None:
                skipped[name] = note
                continue
            corpus_started = time.perf_counter()
            results[name] = {"source": note, **bench_corpus(content_dir, work, args, name)}
            print(f"{name}: measured in {time.perf_counter() - corpus_started:.0f} s", flush=True)

    print()
    if results:
        print(table(results))
        print()
    for line in target_lines(results, args.generated_count):
        print(line)
    for name, reason in skipped.items():
        print(f"skipped {name}: {reason}")
    total = time.perf_counter() - started
    print(f"total {total:.0f} s")

    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "machine": platform.platform(), "args": vars(args), "targets": TARGETS,
        "total_s": round(total, 1), "skipped": skipped, "corpora": results,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"written to {OUT_FILE.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
