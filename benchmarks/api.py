"""The API's latency per endpoint: p50/p95/p99 through the WSGI app (Flask's test client), on
the demo content and 30 days of generated traffic. Printed, never asserted.
Run: .venv/bin/python -m benchmarks.api [--requests 200]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import tempfile
import uuid
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT
from app.events.models import utcnow
from benchmarks.dashboard import BROWSER, QUERIES, seed_history
from benchmarks.run import percentiles, timed

TYPED = ["r", "re", "ref", "refu", "can", "cance", "log", "pass", "退", "登"]
# Each search question differs (a cached answer would measure the cache): 14 x 16 questions.
WORDS = ["how", "why", "app", "order", "today", "help", "phone", "card", "email", "week",
         "again", "paid", "store", "online", "account", "money"]


def build_app(work: Path):
    app = create_app({
        "KB_CONTENT_DIR": str(PROJECT_ROOT / "content"), "KB_INDEX_DIR": str(work / "index"),
        "DATABASE_URL": f"sqlite:///{work / 'api.db'}", "SECRET_KEY": "bench",
        "KB_RATELIMIT_ENABLED": "off", "KB_TICKET_DELIVERY": "off",
        "KB_TICKET_RATE_LIMIT": "1000000",
    })
    logging.disable(logging.INFO)  # alembic's env.py configures its own chatty logging
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        center = app.extensions["helpcenter"]
        center.rebuild_index()
        seed_history(center.catalog.all(), 30, 50, utcnow(), seed=11)
    logging.disable(logging.NOTSET)
    return app


def endpoints(app) -> dict[str, object]:
    """name -> a function making one request (each call varies its input)."""
    from app.tokens.service import create_token

    with app.app_context():
        slugs = [a.slug for a in app.extensions["helpcenter"].catalog.all()]
        token = {"Authorization": "Bearer " + create_token("bench", ["metrics:read"]).secret}
    client = app.test_client()
    queries, typed, articles = (itertools.cycle(f"{q} {w}" for w in WORDS for q in QUERIES),
                                itertools.cycle(TYPED),
                                itertools.cycle(slugs))
    reference = {}

    def ticket():
        response = client.post("/api/v1/tickets", headers={**BROWSER,
                                                           "Idempotency-Key": str(uuid.uuid4())},
                               json={"email": "sam@example.com", "subject": "Refund missing",
                                     "description": "I returned the lamp two weeks ago."})
        reference.update(response.get_json())
        return response

    ticket()
    status_url = reference["status_url"].split("/tickets/", 1)[1]
    return {
        "GET /search": lambda: client.get("/api/v1/search", query_string={"q": next(queries)}),
        "GET /suggest": lambda: client.get("/api/v1/suggest", query_string={"q": next(typed)}),
        "GET /journeys": lambda: client.get("/api/v1/journeys"),
        "GET /articles": lambda: client.get("/api/v1/articles?per_page=20&lang=en"),
        "GET /articles/{slug}": lambda: client.get(f"/api/v1/articles/{next(articles)}"),
        "POST /articles/{slug}/votes": lambda: client.post(
            f"/api/v1/articles/{next(articles)}/votes", json={"helpful": True}, headers=BROWSER),
        "POST /tickets": ticket,
        "GET /tickets/{reference}": lambda: client.get(f"/api/v1/tickets/{status_url}"),
        "GET /metrics/articles": lambda: client.get("/api/v1/metrics/articles?days=30",
                                                    headers=token),
        "GET /metrics/gaps": lambda: client.get("/api/v1/metrics/gaps?days=30", headers=token),
        "GET /metrics/funnels": lambda: client.get("/api/v1/metrics/funnels?days=30",
                                                   headers=token),
        "GET /openapi.json": lambda: client.get("/api/v1/openapi.json"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="per endpoint")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        print(f"API through the WSGI app, {args.requests} requests per endpoint (ms)")
        print(f"{'endpoint':30} {'p50':>8} {'p95':>8} {'p99':>8}")
        for name, call in endpoints(app).items():
            first = call()
            if first.status_code >= 400:
                raise RuntimeError(f"{name} answered {first.status_code}")
            for _ in range(5):
                call()  # warm: the first calls load caches
            figures = percentiles(timed(call) for _ in range(args.requests))
            print(f"{name:30} {figures['p50']:8.2f} {figures['p95']:8.2f} {figures['p99']:8.2f}")
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
