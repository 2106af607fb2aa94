"""The dashboard on a generated year of events: aggregation time and page p50/p95.

Run: .venv/bin/python -m benchmarks.dashboard [--sessions-per-day 300] [--days 365]
                                              [--requests 30] [--database URL]
Runs on SQLite, and on PostgreSQL too when one answers on 127.0.0.1:5432 (a throw-away
database is created and dropped). The page is timed through the Flask test client after the
daily figures are stored, for the default period (30 days, plus the 30 before for trends)
and for 90 days.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT
from app.events.models import Event, HelpSession, Vote, utcnow
from app.events.recorder import ARTICLE_VIEWED, SEARCH_CLICKED, SEARCH_PERFORMED
from app.extensions import db
from app.metrics.daily import refresh
from app.tickets.models import Ticket

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
QUERIES = ["cancel booking", "refund", "login error", "cant log in", "gift card", "fees",
           "change email", "lost my cat", "delete account", "pronto plus", "invoice",
           "退款", "登录", "取消预订"]


def seed_history(articles, days: int, sessions_per_day: int, now: datetime,
                 seed: int = 7) -> int:
    """Insert ``days`` days of sessions (searches, clicks, views, votes, tickets); commits."""
    rng = random.Random(seed)
    by_lang = {"en": [a for a in articles if a.language == "en"],
               "zh": [a for a in articles if a.language == "zh"] or articles}
    events = 0
    start = now - timedelta(days=days)
    for day in range(days):
        rows, votes, tickets, sessions = [], [], [], []
        for number in range(sessions_per_day):
            session = f"s{day}-{number}-{seed}"
            lang = "zh" if rng.random() < 0.2 else "en"
            at = start + timedelta(days=day, seconds=rng.randrange(86_400))
            sessions.append(HelpSession(id=session, created_at=at, last_seen_at=at))
            pool = by_lang[lang]
            first = rng.choice(pool)
            source = "browse"
            if rng.random() < 0.6:
                query = rng.choice(QUERIES)
                results = 0 if query == "lost my cat" else rng.randrange(1, 9)
                rows.append(Event(name=SEARCH_PERFORMED, occurred_at=at, session_id=session,
                                  query=query, normalized_query=query, result_count=results,
                                  journey=None, source="search", lang=lang))
                at += timedelta(seconds=rng.randrange(3, 40))
                if results:
                    rows.append(Event(name=SEARCH_CLICKED, occurred_at=at, session_id=session,
                                      article_slug=first.slug, query=query,
                                      normalized_query=query, position=1, lang=lang))
                    source = "search"
            elif rng.random() < 0.1:
                source = "contact"
            viewed = [first] + rng.sample(pool, k=min(len(pool), rng.randrange(0, 3)))
            for article in viewed:
                rows.append(Event(name=ARTICLE_VIEWED, occurred_at=at, session_id=session,
                                  article_slug=article.slug, journey=article.journey,
                                  source=source, lang=lang))
                at += timedelta(seconds=rng.randrange(10, 200))
                source = "related"
            last = viewed[-1]
            if rng.random() < 0.35:
                helpful = rng.random() < 0.6
                votes.append(Vote(session_id=session, article_slug=last.slug,
                                  journey=last.journey, helpful=helpful,
                                  reason=None if helpful else "didnt-answer",
                                  comment=None if helpful or rng.random() < 0.8
                                  else "Did not cover my case", created_at=at, updated_at=at))
            if rng.random() < 0.12:
                at += timedelta(minutes=rng.randrange(1, 60 * 30))
                tickets.append(Ticket(
                    reference=secrets.token_hex(6), status_token_hash="x" * 64,
                    email="someone@example.com", subject="Help", description="Please help.",
                    priority=rng.choice(["P1", "P2", "P3", "P3", "P4"]), priority_reason="",
                    journey=last.journey, lang=lang, article_slug=last.slug,
                    session_id=session, context={}, created_at=at, updated_at=at))
        # The last day's sessions can run past now: nothing is recorded in the future.
        rows = [row for row in rows if row.occurred_at < now]
        votes = [vote for vote in votes if vote.updated_at < now]
        tickets = [ticket for ticket in tickets if ticket.created_at < now]
        db.session.add_all(sessions)
        db.session.add_all(rows)
        db.session.add_all(votes)
        db.session.add_all(tickets)
        db.session.commit()
        events += len(rows)
    return events


def _timed_pages(client, path: str, requests: int) -> dict[str, float]:
    client.get(path)  # warm templates and caches
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    ordered = sorted(timings)
    return {"p50": statistics.median(timings),
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


def run(database_url: str, days: int, sessions_per_day: int, requests: int) -> dict:
    with tempfile.TemporaryDirectory() as work:
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench",
                          "KB_INDEX_DIR": str(Path(work) / "index"), "TESTING": True,
                          "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            center = app.extensions["helpcenter"]
            center.ensure_ready()
            started = time.perf_counter()
            events = seed_history(center.catalog.all(), days, sessions_per_day, utcnow())
            seeding = time.perf_counter() - started
            window = timedelta(hours=app.config["KB_TICKET_WINDOW_HOURS"])
            started = time.perf_counter()
            computed = refresh(window, app.config["KB_LANGUAGES"])
            aggregation = time.perf_counter() - started
            started = time.perf_counter()
            refresh(window, app.config["KB_LANGUAGES"])
            second = time.perf_counter() - started
            runner = app.test_cli_runner()
            runner.invoke(args=["users", "create", "boss@example.com", "--role", "manager",
                                "--password-stdin"], input="correct horse battery\n")
        client = app.test_client()
        client.post("/login", data={"email": "boss@example.com",
                                    "password": "correct horse battery"}, headers=BROWSER)
        results = {
            "events": events, "days computed": computed, "seeding s": seeding,
            "aggregation s": aggregation, "refresh with nothing new s": second,
            "/dashboard/ (30 days)": _timed_pages(client, "/dashboard/", requests),
            "/dashboard/?days=90": _timed_pages(client, "/dashboard/?days=90", requests),
            "article detail (90 days)": _timed_pages(
                client, "/dashboard/articles/cancel-a-booking?days=90", requests),
            "/editor/review (30 days against 90)": _timed_pages(client, "/editor/review",
                                                                 requests),
        }
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return results


def _postgres() -> tuple[str, str] | None:
    try:
        import psycopg
    except ImportError:
        return None
    name = f"helpcenter_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return name, POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=2) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _print(label: str, results: dict) -> None:
    print(f"dashboard on {label}: {results['events']} events, {results['days computed']} days")
    print(f"  seeding {results['seeding s']:.1f} s; aggregation (all days) "
          f"{results['aggregation s']:.2f} s; refresh with nothing new "
          f"{results['refresh with nothing new s'] * 1000:.1f} ms")
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"  {key:28} p50 {value['p50']:7.1f} ms   p95 {value['p95']:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sessions-per-day", type=int, default=300)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", default=None, help="only this SQLAlchemy URL")
    args = parser.parse_args()
    if args.database:
        _print(args.database.split(":")[0], run(args.database, args.days,
                                                args.sessions_per_day, args.requests))
        return
    with tempfile.TemporaryDirectory() as work:
        _print("sqlite", run(f"sqlite:///{Path(work) / 'bench.db'}", args.days,
                             args.sessions_per_day, args.requests))
    created = _postgres()
    if created is None:
        print("PostgreSQL: no server on 127.0.0.1:5432, skipped")
        return
    name, url = created
    try:
        _print("postgresql", run(url, args.days, args.sessions_per_day, args.requests))
    finally:
        _drop(name)


if __name__ == "__main__":
    main()
