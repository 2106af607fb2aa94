"""Searchers shared by the threads of one process, reopened when the index changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from app.search.query import QueryError
from app.search.store import CHECK_SECONDS, IndexDamaged, IndexStore, IndexUnavailable


class SearcherPool:
    """Searchers shared by the threads of one process, reopened when the index changes.

    A Whoosh searcher is not thread-safe and opening one costs milliseconds, so idle ones are
    kept; one that is out of date (another process committed) is closed and replaced. A new
    generation (full rebuild) replaces the whole index object. ``refresh()`` is never used.

    Reading CURRENT and asking a searcher whether it is up to date cost a file read and a
    folder listing each; a page asks several times. So once a check found the open index
    current, none is made for CHECK_SECONDS, unless this process wrote to the index since
    (``IndexStore.writes``): another process's commit is seen within that time, this one's at
    once. An idle searcher older than the newest one handed out is never handed out again.
    """

    MAX_IDLE = 8

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._index: Any = None
        self._idle: list[Searcher] = []
        self._checked: tuple[float, int] | None = None  # (when, store writes) of the last check
        self._newest = -1  # the newest reader generation handed out

    @contextmanager
    def searcher(self) -> Iterator[tuple[Searcher, tuple[str, int]]]:
        """Yield an up-to-date searcher and the index version it reads."""
        generation, searcher = self._acquire()
        damaged = False
        try:
            yield searcher, (generation, searcher.reader().generation())
        except (QueryError, IndexUnavailable):
            raise
        except Exception as error:
            # Any failure while reading counts as damage: the caller verifies and rebuilds.
            damaged = True
            raise IndexDamaged(f"index {generation} could not be read: {error!r}") from error
        finally:
            with self._lock:
                if damaged:
                    searcher.close()
                elif generation == self._generation and len(self._idle) < self.MAX_IDLE:
                    self._idle.append(searcher)
                else:
                    searcher.close()

    def _fresh(self) -> bool:
        """Whether the last check that found the open index current is recent enough."""
        checked = self._checked
        return (checked is not None and self._generation is not None
                and time.monotonic() - checked[0] < CHECK_SECONDS
                and checked[1] == self.store.writes())

    def fresh_version(self) -> tuple[str, int] | None:
        """The live index version without opening a searcher, when a recent check knows it."""
        with self._lock:
            if self._fresh() and self._newest >= 0:
                return self._generation, self._newest
        return None

    def _acquire(self) -> tuple[str, Searcher]:
        # A full rebuild may delete a generation between our reading CURRENT and opening its
        # files; reading CURRENT again finds the one that replaced it.
        for attempt in range(3):
            started, writes = time.monotonic(), self.store.writes()
            fresh = self._fresh()
            current = self._generation if fresh else self.store.current_generation()
            try:
                with self._lock:
                    if current is None or current != self._generation:
                        self._reopen(current)
                    generation, index = self._generation, self._index
                    searcher = self._idle.pop() if self._idle else None
                if searcher is not None and (searcher.reader().generation() < self._newest
                                             or not (fresh or searcher.up_to_date())):
                    searcher.close()
                    searcher = None
                if searcher is None:
                    searcher = index.searcher()
                with self._lock:
                    if generation == self._generation:
                        self._newest = max(self._newest, searcher.reader().generation())
                        if not fresh:
                            self._checked = (started, writes)
                return generation, searcher
            except (IndexUnavailable, EmptyIndexError, OSError) as error:
                with self._lock:
                    self._forget()
                if attempt == 2:
                    if isinstance(error, IndexUnavailable):
                        raise
                    raise IndexUnavailable(f"index {current} vanished while opening") from error
            except Exception as error:  # Whoosh fails in many ways on damaged files
                with self._lock:
                    self._forget()
                raise IndexDamaged(f"index {current} could not be opened: {error!r}") from error
        raise AssertionError("unreachable")

    def _reopen(self, generation: str | None) -> None:
        self._forget()
        self._generation, self._index = self.store.open(generation)

    def _forget(self) -> None:
        for idle in self._idle:
            idle.close()
        self._idle.clear()
        self._generation = self._index = None
        self._checked, self._newest = None, -1

    def close(self) -> None:
        with self._lock:
            self._forget()
