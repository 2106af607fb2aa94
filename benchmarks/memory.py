"""``make bench`` (memory): what each gunicorn worker costs once it has served English and
Chinese searches, with the sentence encoders loaded by each worker on first use (gunicorn
without this project's gunicorn.conf.py) and loaded once in the master before the fork (with
it, as ``make serve`` runs).

Per worker it prints the resident size (RSS, counting every shared page in full), the
proportional size (PSS: shared pages divided among the processes sharing them, the figure
that adds up to the machine's memory) and the private size (USS: what stopping the worker would
free), from /proc/PID/smaps_rollup. Linux only; skips with a message elsewhere.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.load import PROJECT_ROOT, free_port, prepare_site, start_gunicorn

ENGLISH = ["reset password", "refund", "delivery late", "change email", "cancel order",
           "invoice", "account locked", "payment failed", "shipping address", "two factor"]
CHINESE = ["退款", "忘记密码", "修改手机号", "发票", "订单取消", "物流查询", "账号被锁",
           "支付失败", "收货地址", "优惠券"]


def workers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            values[name] = int(rest.split()[0]) / 1024
    return {"rss": values["Rss"], "pss": values["Pss"],
            "uss": values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)}


def drive(base: str, rounds: int) -> None:
    """Every worker serves both languages: many distinct questions from three threads."""

    def ask(offset: int) -> None:
        for number in range(rounds):
            for words in (ENGLISH, CHINESE):
                query = f"{words[(number + offset) % len(words)]} {number}-{offset}"
                url = f"{base}/api/v1/search?q={urllib.parse.quote(query)}"
                with urllib.request.urlopen(url, timeout=60) as answer:
                    answer.read()

    threads = [threading.Thread(target=ask, args=(offset,)) for offset in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(label: str, config: Path | None, env: dict, workers: int, rounds: int) -> None:
    port = free_port()
    options = ("--config", str(config)) if config is not None else ()
    server = start_gunicorn(port, workers, env, options, core=None)
    try:
        started = time.perf_counter()
        drive(f"http://127.0.0.1:{port}", rounds)
        elapsed = time.perf_counter() - started
        figures = [memory(pid) for pid in workers_of(server.pid)]
        master = memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{label} ({rounds * 6} searches in {elapsed:.1f} s)")
    for number, values in enumerate(figures, 1):
        print(f"  worker {number}: RSS {values['rss']:6.0f} MB  PSS {values['pss']:6.0f} MB  "
              f"USS {values['uss']:6.0f} MB")
    total = master["pss"] + sum(values["pss"] for values in figures)
    print(f"  master:   RSS {master['rss']:6.0f} MB  PSS {master['pss']:6.0f} MB; "
          f"all processes together (sum of PSS) {total:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20, help="questions per thread and "
                        "language")
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        print("memory: skipped (needs Linux's /proc/PID/smaps_rollup)")
        return
    folder = Path(tempfile.mkdtemp(prefix="helpcenter-memory-"))
    try:
        shutil.copytree(PROJECT_ROOT / "content", folder / "content")
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'memory.db'}",
               "KB_CONTENT_DIR": str(folder / "content"), "KB_INDEX_DIR": str(folder / "index"),
               "SECRET_KEY": secrets.token_hex(16), "KB_TICKET_DELIVERY": "off",
               "KB_RATELIMIT_ENABLED": "off"}
        prepare_site(env)
        plain = folder / "plain.conf.py"
        plain.write_text("")
        measure("each worker loads the encoders on first use", plain, env, args.workers,
                args.rounds)
        measure("encoders loaded in the master before the fork (gunicorn.conf.py)", None, env,
                args.workers, args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
