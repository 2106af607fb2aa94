"""Searchers shared by the threads of one process, reopened when the index changes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from app.search.query import QueryError
from app.search.store import IndexDamaged, IndexStore, IndexUnavailable


class SearcherPool:
    """Searchers shared by the threads of one process, reopened when the index changes.

    A Whoosh searcher is not thread-safe and opening one costs milliseconds, so idle ones are
    kept; one that is out of date (another process committed) is closed and replaced. A new
    generation (full rebuild) replaces the whole index object. ``refresh()`` is never used.
    """

    MAX_IDLE = 8

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._index: Any = None
        self._idle: list[Searcher] = []

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

    def _acquire(self) -> tuple[str, Searcher]:
        # A full rebuild may delete a generation between our reading CURRENT and opening its
        # files; reading CURRENT again finds the one that replaced it.
        for attempt in range(3):
            current = self.store.current_generation()
            try:
                with self._lock:
                    if current is None or current != self._generation:
                        self._reopen(current)
                    generation, index = self._generation, self._index
                    searcher = self._idle.pop() if self._idle else None
                if searcher is None or not searcher.up_to_date():
                    if searcher is not None:
                        searcher.close()
                    searcher = index.searcher()
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

    def close(self) -> None:
        with self._lock:
            self._forget()
