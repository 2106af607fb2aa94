"""``make load``: locust against gunicorn and PostgreSQL, then an exactly-once check.

Starts a throw-away PostgreSQL database (SQLite when none answers), gunicorn with 3 workers
on the demo content, and locust headless (50 users, 60 s; see benchmarks/locustfile.py), each
pinned to its own core where ``taskset`` exists. Prints requests/s and p50/p95/p99 per
endpoint, then reads the database: every acknowledged vote and ticket must be stored exactly
once, nothing refused may be stored, and no request may have answered 5xx.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pinned(core: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(core), *command] if shutil.which("taskset") else command


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_database(folder: Path) -> tuple[str, str | None]:
    name = f"helpcenter_load_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        print("PostgreSQL did not answer: using SQLite (figures not comparable)")
        return f"sqlite:///{folder / 'load.db'}", None
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", name


def published_slugs(content: Path) -> list[str]:
    sys.path.insert(0, str(PROJECT_ROOT))
    from app.content import load_content

    return [article.slug for article in load_content(content).published]


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def prepare_site(env: dict[str, str]) -> None:
    """The database schema and the search index of the site ``env`` describes."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for step in (["db", "upgrade"], ["index", "rebuild"]):
        subprocess.run([*flask, *step], cwd=PROJECT_ROOT, env=env, check=True,
                       capture_output=True)


def start_gunicorn(port: int, workers: int, env: dict[str, str],
                   options: tuple[str, ...] = (), core: int | None = 0) -> subprocess.Popen:
    """gunicorn from the project folder (so gunicorn.conf.py applies unless ``options`` give
    another --config), pinned to ``core`` where taskset exists; returns once /healthz answers."""
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", *options, "wsgi:app"]
    server = subprocess.Popen(pinned(core, command) if core is not None else command,
                              cwd=PROJECT_ROOT, env=env)
    wait_for(f"http://127.0.0.1:{port}/healthz")
    return server


def print_stats(prefix: Path) -> int:
    """The per-endpoint table; returns how many requests failed."""
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    print(f"{'endpoint':<34}{'requests':>9}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}")
    for row in rows:
        print(f"{row['Type'] + ' ' + row['Name']:<34}{row['Request Count']:>9}"
              f"{row['Failure Count']:>6}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}")
    print("(response times in ms)")
    return int(next(r for r in rows if r["Name"] == "Aggregated")["Failure Count"])


def check_exactly_once(database_url: str, record: list[dict]) -> list[str]:
    """Problems found, empty when every acknowledged write is stored once and no other."""
    import sqlalchemy as sa

    from app.config import sqlalchemy_url

    engine = sa.create_engine(sqlalchemy_url(database_url))
    problems = []
    with engine.connect() as conn:
        stored_tickets = Counter(subject for (subject,) in conn.execute(sa.text(
            "SELECT subject FROM tickets WHERE subject LIKE 'Load test %'")))
        votes = {(session, slug): helpful for session, slug, helpful in conn.execute(
            sa.text("SELECT session_id, article_slug, helpful FROM votes"))}
    engine.dispose()
    record = [{**r, "status": r["status"] or 0} for r in record]  # 0: no answer
    tickets = [r for r in record if r["kind"] == "ticket"]
    acknowledged = {r["subject"] for r in tickets if r["status"] in (200, 201)}
    # 4xx: refused, must not be stored. A 503 or a lost answer may or may not have been
    # stored (the client retries with its key); only a duplicate would be wrong there.
    refused = {r["subject"] for r in tickets if 400 <= r["status"] < 500}
    problems += [f"ticket {s!r} stored {n} times" for s, n in stored_tickets.items() if n > 1]
    problems += [f"acknowledged ticket {s!r} not stored" for s in acknowledged
                 if s not in stored_tickets]
    problems += [f"refused ticket {s!r} was stored" for s in refused if s in stored_tickets]
    expected: dict[tuple[str, str], bool] = {}
    for r in record:
        if r["kind"] == "vote" and r["status"] == 200 and r["token"]:
            expected[(hashlib.sha256(r["token"].encode()).hexdigest(), r["slug"])] = r["helpful"]
    problems += [f"acknowledged vote {k} stored as {votes.get(k)}" for k, v in expected.items()
                 if votes.get(k) is not v]
    unknown = {(hashlib.sha256(r["token"].encode()).hexdigest(), r["slug"]) for r in record
               if r["kind"] == "vote" and r["token"] and (not r["status"] or r["status"] >= 500)}
    # A first request that got no answer has no session cookie to name it by: allow as many
    # unnamed stored votes as there were such requests.
    unnamed = sum(1 for r in record if r["kind"] == "vote" and not r["token"]
                  and (not r["status"] or r["status"] >= 500))
    extra = [k for k in votes if k not in expected and k not in unknown]
    if len(extra) > unnamed:
        problems += [f"vote {k} stored but never acknowledged" for k in extra]
    print(f"tickets: {len(acknowledged)} acknowledged, {sum(stored_tickets.values())} stored, "
          f"{len(refused)} refused; votes: {len(expected)} acknowledged (session, article) "
          f"pairs, {len(votes)} stored, "
          f"{sum(1 for r in record if r['kind'] == 'vote' and r['status'] == 429)} refused")
    return problems


def status_counts(prefix: Path) -> Counter:
    """Failed requests by HTTP status, from locust's failures file."""
    import re

    counts: Counter = Counter()
    for row in csv.DictReader((prefix.parent / f"{prefix.name}_failures.csv").open()):
        found = re.search(r"\b([1-5]\d\d)\b", row["Error"])
        counts[found.group(1) if found else "no answer"] += int(row["Occurrences"])
    return counts


class Fault:
    """Something that goes wrong during the run (docs/reliability.md)."""

    def __init__(self, name: str, server: subprocess.Popen, database_name: str | None,
                 index_dir: Path) -> None:
        self.name, self.server, self.database = name, server, database_name
        self.index_dir = index_dir
        self.log: list[str] = []

    def run(self, seconds: int) -> None:
        import random
        import signal
        import threading

        def act() -> None:
            time.sleep(seconds / 3)
            if self.name == "kill-worker":
                children = subprocess.run(["pgrep", "-P", str(self.server.pid)],
                                          capture_output=True, text=True).stdout.split()
                victim = int(random.choice(children))
                os.kill(victim, signal.SIGKILL)
                self.log.append(f"SIGKILL worker {victim} at {seconds / 3:.0f} s")
            elif self.name == "kill-db":
                started = time.monotonic()
                while time.monotonic() - started < seconds / 2:
                    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                        killed = conn.execute(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()",
                            (self.database,)).fetchone()[0]
                    self.log.append(f"terminated {killed} connections")
                    time.sleep(2)
            elif self.name == "delete-index":
                shutil.rmtree(self.index_dir)
                self.log.append(f"deleted {self.index_dir} at {seconds / 3:.0f} s")
            elif self.name == "damage-index":
                current = (self.index_dir / "CURRENT").read_text().strip()
                for segment in (self.index_dir / current).glob("*.seg"):
                    size = segment.stat().st_size
                    with segment.open("r+b") as handle:
                        handle.seek(size // 3)
                        handle.write(os.urandom(size - size // 3))
                self.log.append(f"damaged {current} in place at {seconds / 3:.0f} s")

        threading.Thread(target=act, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--fault", choices=["kill-worker", "kill-db", "delete-index",
                                            "damage-index"],
                        help="Something to go wrong during the run (docs/reliability.md).")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="helpcenter-load-"))
    content = folder / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    database_url, database_name = make_database(folder)
    env = {**os.environ, "DATABASE_URL": database_url, "KB_CONTENT_DIR": str(content),
           "KB_INDEX_DIR": str(folder / "index"), "SECRET_KEY": secrets.token_hex(16),
           "KB_TRUSTED_PROXIES": "1", "KB_TICKET_DELIVERY": "off"}
    port = free_port()
    server = None
    try:
        prepare_site(env)
        server = start_gunicorn(port, args.workers, env)
        record_path, prefix = folder / "record.json", folder / "locust"
        locust_env = {**env, "LOAD_RECORD": str(record_path),
                      "LOAD_ARTICLES": ",".join(published_slugs(content))}
        print(f"locust: {args.users} users for {args.seconds} s against gunicorn "
              f"({args.workers} workers) on {database_url.split('://')[0]}"
              + (f", fault: {args.fault}" if args.fault else ""))
        fault = Fault(args.fault, server, database_name, folder / "index") if args.fault else None
        if fault:
            fault.run(args.seconds)
        subprocess.run(pinned(1, [str(BIN / "locust"), "-f", str(PROJECT_ROOT / "benchmarks" /
                                                                   "locustfile.py"),
                                  "--headless", "-u", str(args.users), "-r", "25", "-t",
                                  f"{args.seconds}s", "--stop-timeout", "30",
                                  "--host", f"http://127.0.0.1:{port}",
                                  "--csv", str(prefix), "--only-summary", "--loglevel",
                                  "WARNING"]),
                       cwd=PROJECT_ROOT, env=locust_env, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        failures = print_stats(prefix)
        statuses = status_counts(prefix)
        if fault:
            print("fault:", "; ".join(fault.log[:3]) + (" …" if len(fault.log) > 3 else ""),
                  f"({len(fault.log)} actions)")
        if failures:
            print("failed requests by status:", dict(statuses))
        problems = check_exactly_once(database_url, json.loads(record_path.read_text()))
        if statuses.get("500"):
            problems.append(f"{statuses['500']} requests answered 500")
        if failures and not fault:
            problems.append(f"{failures} requests failed (5xx or no answer)")
        for problem in problems[:20]:
            print("FAIL:", problem)
        print("exactly-once check:", "passed" if not problems else f"{len(problems)} problems")
        if problems:
            raise SystemExit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if database_name:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
