"""Closed-loop readers for ``benchmarks/throughput.py``: each user asks for the next page as
soon as the last one answered (no think time), so the figure is the server's throughput.

``THROUGHPUT_PATHS`` is a comma-separated list of paths taken in turn by each user. Users keep
their cookies (one help session each) and send a browser User-Agent, so every article view is
recorded as a reader's would be.
"""

from __future__ import annotations

import itertools
import os
import random

from locust import FastHttpUser, constant, events, task

PATHS = os.environ.get("THROUGHPUT_PATHS", "/healthz").split(",")
ANSWERED = {"ok": 0}  # pages answered 200, including those finished while the run stops


class Reader(FastHttpUser):
    wait_time = constant(0)
    default_headers = {"User-Agent": "Mozilla/5.0 (throughput benchmark) Firefox/130.0"}

    def on_start(self) -> None:
        start = random.randrange(len(PATHS))
        self.paths = itertools.islice(itertools.cycle(PATHS), start, None)

    @task
    def page(self) -> None:
        self.client.get(next(self.paths), name=os.environ.get("THROUGHPUT_NAME", "page"))


@events.request.add_listener
def count(response=None, exception=None, **_kwargs) -> None:
    if exception is None and response is not None and response.status_code == 200:
        ANSWERED["ok"] += 1


@events.quitting.add_listener
def write_count(environment, **_kwargs) -> None:
    if os.environ.get("THROUGHPUT_RECORD"):
        with open(os.environ["THROUGHPUT_RECORD"], "w", encoding="utf-8") as out:
            out.write(str(ANSWERED["ok"]))
