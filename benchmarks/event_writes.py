"""What recording a view costs a page: article pages timed with and without the event write.

Run: .venv/bin/python -m benchmarks.event_writes [--requests 400] [--database URL]
A crawler user agent skips the write (crawlers are not counted), so the difference between the
two runs is the cost of the session touch + event insert + commit.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT
from app.extensions import db

PERSON = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
CRAWLER = {"User-Agent": "Googlebot/2.1"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(client, slugs: list[str], headers: dict[str, str], requests: int) -> list[float]:
    timings = []
    for number in range(requests):
        started = time.perf_counter()
        response = client.get(f"/articles/{slugs[number % len(slugs)]}", headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def run(database_url: str | None, requests: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as work:
        app = create_app({
            "DATABASE_URL": database_url or f"sqlite:///{Path(work) / 'bench.db'}",
            "KB_INDEX_DIR": str(Path(work) / "index"),
            "SECRET_KEY": "bench",
        })
        with app.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            app.extensions["helpcenter"].ensure_ready()
            # English versions: a Chinese article redirects an English reader to its translation.
            slugs = [a.slug for a in app.extensions["helpcenter"].catalog.all("en")]
        client = app.test_client()
        measure(client, slugs, CRAWLER, 50)  # warm caches (index, rendering, templates)
        figures = {}
        for label, headers in (("no write (crawler)", CRAWLER), ("with write (person)", PERSON)):
            timings = measure(client, slugs, headers, requests)
            figures[label] = {"p50": statistics.median(timings),
                              "p95": percentile(timings, 0.95)}
        with app.app_context():
            db.engine.dispose()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: SQLite)")
    args = parser.parse_args()
    figures = run(args.database, args.requests)
    print(f"article page, {args.requests} requests each, database "
          f"{(args.database or 'sqlite').split(':')[0]}")
    for label, values in figures.items():
        print(f"  {label:22} p50 {values['p50']:6.2f} ms   p95 {values['p95']:6.2f} ms")


if __name__ == "__main__":
    main()
