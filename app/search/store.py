"""Where the index lives on disk, and how a new one replaces the old without readers noticing.

Layout of the index directory::

    CURRENT          name of the live generation, replaced atomically (os.replace)
    gen-<stamp>/     one complete Whoosh index per full rebuild
    .lock            held while a process writes (rebuild or incremental update)

A full rebuild writes a new ``gen-*`` folder and then swaps ``CURRENT``; readers keep the
index they opened until they notice the new name. Incremental updates commit into the live
generation under Whoosh's own segment/TOC scheme.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock
from whoosh import index as whoosh_index
from whoosh.index import Index

from app.search.schema import SCHEMA_VERSION

CURRENT_FILE = "CURRENT"
SCHEMA_FILE = "SCHEMA_VERSION"
LOCK_FILE = ".lock"
GENERATION_PATTERN = re.compile(r"^gen-[0-9TZ]+-[0-9a-f]{6}$")
# Readers look at CURRENT and the live TOC at most this often (pool.py); a write made by this
# process is seen at once, another process's within this many seconds.
CHECK_SECONDS = 1.0
_WRITES: dict[str, int] = {}  # index folder -> commits and swaps made by this process


class IndexUnavailable(RuntimeError):
    """There is no usable index: it has not been built, or it cannot be opened."""


class IndexDamaged(IndexUnavailable):
    """The index opened but failed while being read: its files are damaged (or, when a full
    check of every posting then passes, the failure was not the index's)."""


class IndexStore:
    def __init__(self, root: Path, lock_timeout: float = 300.0, embed_titles: bool = True
                 ) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        # False (KB_SEARCH_EMBEDDINGS=off): titles are stored without a sentence embedding, so
        # a process that only indexes never loads the model either.
        self.embed_titles = embed_titles
        self._key = str(self.root.resolve())

    def writes(self) -> int:
        """How many commits and swaps this process has made to this folder (by any store)."""
        return _WRITES.get(self._key, 0)

    def written(self) -> None:
        """Note a commit or swap, so this process's readers look again at once."""
        _WRITES[self._key] = _WRITES.get(self._key, 0) + 1

    def lock(self) -> FileLock:
        """One writer at a time, across processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / LOCK_FILE), timeout=self.lock_timeout)

    def current_generation(self) -> str | None:
        try:
            name = (self.root / CURRENT_FILE).read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name if GENERATION_PATTERN.match(name) else None

    def path_of(self, generation: str) -> Path:
        return self.root / generation

    def files_of(self, generation: str,
                 prefixes: tuple[str, ...]) -> frozenset[tuple[str, int, int]]:
        """(name, size, modification time in ns) of a generation's files whose names start with
        one of ``prefixes`` (an open reader's table of contents and segments): what changes when
        one is overwritten, cut short or removed behind the index's back. A file that goes away
        while listed is left out, like one that is gone."""
        found = set()
        try:
            with os.scandir(self.path_of(generation)) as entries:
                for entry in entries:
                    if entry.name.startswith(prefixes):
                        try:
                            stat = entry.stat()
                        except FileNotFoundError:
                            continue
                        found.add((entry.name, stat.st_size, stat.st_mtime_ns))
        except FileNotFoundError:
            pass
        return frozenset(found)

    def open(self, generation: str | None = None) -> tuple[str, Index]:
        """Open the live index (or a named generation); IndexUnavailable if there is none."""
        generation = generation or self.current_generation()
        if generation is None:
            raise IndexUnavailable(f"no search index in {self.root}")
        path = self.path_of(generation)
        try:
            if (path / SCHEMA_FILE).read_text().strip() != SCHEMA_VERSION:
                raise IndexUnavailable(f"index {generation} was built with another schema")
            return generation, whoosh_index.open_dir(str(path))
        except IndexUnavailable:
            raise
        except Exception as error:  # Whoosh raises many kinds of error for a damaged index
            raise IndexUnavailable(f"index {generation} cannot be opened: {error}") from error

    def new_generation(self) -> tuple[str, Path]:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"gen-{stamp}-{secrets.token_hex(3)}"
        path = self.path_of(name)
        path.mkdir(parents=True)
        (path / SCHEMA_FILE).write_text(SCHEMA_VERSION)
        return name, path

    def publish(self, generation: str) -> None:
        """Make ``generation`` the live index, atomically, then delete the ones before it."""
        previous = self.current_generation()
        draft = self.root / f"{CURRENT_FILE}.{os.getpid()}.tmp"
        with open(draft, "w") as handle:
            handle.write(generation)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(draft, self.root / CURRENT_FILE)
        self.written()
        self._prune(keep={generation, previous})

    def discard(self, generation: str) -> None:
        shutil.rmtree(self.path_of(generation), ignore_errors=True)

    def _prune(self, keep: set[str | None]) -> None:
        # The previous generation is kept one round: a worker may be opening it right now.
        for path in self.root.iterdir():
            if GENERATION_PATTERN.match(path.name) and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
