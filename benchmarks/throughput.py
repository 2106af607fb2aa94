"""Throughput of whole pages: gunicorn (3 workers, SQLite, the demo content) driven by locust.

Each endpoint is driven in turn at the same fixed concurrency, closed loop (no think time):
``/healthz`` (the framework's floor: one index read and ``SELECT 1``), an article page (a
reader's view recorded in the database) and a search page (the questions repeat, so ranking is
served from the result cache: what is measured is the page around it). Prints req/s, p50, p95
and the ratio to ``/healthz``, then checks every article page served was recorded exactly once.
gunicorn and locust are pinned to different cores where ``taskset`` exists.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.load import (
    BIN,
    PROJECT_ROOT,
    free_port,
    pinned,
    prepare_site,
    published_slugs,
    start_gunicorn,
)

QUESTIONS = ["refund", "reset password", "cancel order", "delivery late", "change email",
             "two factor", "invoice", "payment failed", "track parcel", "退款"]


def drive(port: int, name: str, paths: list[str], users: int, seconds: int, folder: Path,
          env: dict[str, str]) -> dict[str, float]:
    """Run locust against ``paths`` and return its aggregated figures."""
    prefix = folder / f"locust-{name}"
    subprocess.run(pinned(1, [str(BIN / "locust"), "-f",
                              str(PROJECT_ROOT / "benchmarks" / "throughput_locustfile.py"),
                              "--headless", "-u", str(users), "-r", str(users), "-t",
                              f"{seconds}s", "--stop-timeout", "10",
                              "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
                              "--only-summary", "--loglevel", "WARNING"]),
                   cwd=PROJECT_ROOT, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL,
                   env={**env, "THROUGHPUT_PATHS": ",".join(paths), "THROUGHPUT_NAME": name,
                        "THROUGHPUT_RECORD": str(folder / f"{prefix.name}.answered")})
    rows = list(csv.DictReader((folder / f"{prefix.name}_stats.csv").open()))
    row = next(r for r in rows if r["Name"] == "Aggregated")
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "answered": int((folder / f"{prefix.name}.answered").read_text())}


def recorded_views(database: Path) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE name = 'article.viewed'"
                            ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--seconds", type=int, default=15, help="per endpoint (default 15)")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="helpcenter-throughput-"))
    content = folder / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    database = folder / "throughput.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "KB_CONTENT_DIR": str(content),
           "KB_INDEX_DIR": str(folder / "index"), "SECRET_KEY": secrets.token_hex(16),
           "KB_TICKET_DELIVERY": "off", "KB_RATELIMIT_ENABLED": "off"}
    port = free_port()
    server = None
    try:
        prepare_site(env)
        server = start_gunicorn(port, args.workers, env)
        slugs = [slug for slug in published_slugs(content)][:40]
        endpoints = {
            "/healthz": ["/healthz"],
            "article page": [f"/articles/{slug}" for slug in slugs],
            "search page": [f"/search?q={question}" for question in QUESTIONS],
        }
        # Warm every worker: models loaded, catalog and result cache filled.
        for name, paths in endpoints.items():
            drive(port, f"warm-{name.strip('/').replace(' ', '-')}", paths, args.users, 3,
                  folder, env)
        views_before = recorded_views(database)
        figures = {name: drive(port, name.strip("/").replace(" ", "-"), paths, args.users,
                               args.seconds, folder, env)
                   for name, paths in endpoints.items()}
        views = recorded_views(database) - views_before
        floor = figures["/healthz"]["rps"] or 1.0
        print(f"throughput: locust {args.users} users, no think time, {args.seconds} s each, "
              f"against gunicorn ({args.workers} workers, SQLite, demo content)")
        print(f"{'endpoint':<16}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'failed':>8}"
              f"{'of /healthz':>13}")
        for name, row in figures.items():
            print(f"{name:<16}{row['rps']:>9.1f}{row['p50']:>8.0f}{row['p95']:>8.0f}"
                  f"{row['failures']:>8}{row['rps'] / floor:>12.0%}")
        served = figures["article page"]["answered"]
        print(f"article views recorded: {views} for {served} pages served"
              + (" (exactly once)" if views == served else " (MISMATCH)"))
        if views != served or any(row["failures"] for row in figures.values()):
            raise SystemExit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
