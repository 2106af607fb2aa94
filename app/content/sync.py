"""Keep each node's content folder and index in step with the database (several nodes).

With ``KB_CONTENT_SOURCE=database`` every process pulls what changed: once before its first
request (a node that starts empty catches up before it answers; the first node on an empty
database seeds it from its folder), then every ``KB_CONTENT_SYNC_SECONDS`` in a background
thread, so an idle node is up to date too. A pull that changed files updates the index
(incremental, under the index's writer lock, so the workers of one node share the work).
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from app.content.journal import DatabaseJournal, PullReport
from app.extensions import db

log = logging.getLogger(__name__)


class ContentSync:
    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.center = app.extensions["helpcenter"]
        self.journal: DatabaseJournal = self.center.journal
        self.interval = interval
        self._started_in: int | None = None  # the process (gunicorn forks after loading)
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        """Before a process's first request: seed or catch up, then start pulling."""
        if self._started_in == os.getpid():
            return
        with self._lock:
            if self._started_in == os.getpid():
                return
            seeded = self.journal.seed()
            if seeded:
                log.info("content: the database was empty; %s files loaded from %s", seeded,
                         self.journal.content_dir)
            self.pull()
            self._thread = threading.Thread(target=self._run, name="content-sync", daemon=True)
            self._thread.start()
            self._started_in = os.getpid()

    def pull(self) -> PullReport:
        report = self.journal.pull()
        if report.changed:
            log.info("content: %s files written, %s deleted by other nodes",
                     len(report.written), len(report.deleted))
            self.center.update_index()
        return report

    def stop(self) -> None:
        """End the background pulls and wait for one under way (tests; a process that is
        shutting down), so no connection is left checked out."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            with self.app.app_context():
                try:
                    self.pull()
                except Exception:  # the next round tries again; the site keeps serving
                    log.exception("content sync failed")
                finally:
                    db.session.remove()


def init_app(app: Flask) -> None:
    if app.config["KB_CONTENT_SOURCE"] != "database":
        return
    sync = ContentSync(app, app.config["KB_CONTENT_SYNC_SECONDS"])
    app.extensions["content_sync"] = sync
    app.before_request(sync.ensure_started)
