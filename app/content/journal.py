"""Where the truth about content lives: the content folder alone, or the database.

``KB_CONTENT_SOURCE=files`` (the default, one node): ``content/`` is the truth; editors' saves
write its files and nothing else is kept.

``KB_CONTENT_SOURCE=database`` (several nodes): every file under the content folder (articles,
drafts, ``journeys.yml``, ``_synonyms.yml``, images) is kept in the database, and each node's
content folder is its working copy. A save claims its change in the database first, by a
compare-and-swap on the file's hash, so two editors on two nodes get the same conflict as on
one; then the node writes its file. Every node pulls what changed (``pull``) and re-indexes.
The first node to start on an empty database seeds it from its folder; ``content export``
writes the database's files back to a folder, so nothing is locked in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import BigInteger, LargeBinary, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.content.writer import write_atomically, write_bytes_atomically
from app.events.models import BigId, UTCDateTime, utcnow
from app.extensions import db

# (path relative to the content folder, new bytes or None to delete, hash of the version the
# change was made from or None for a file that must not exist yet)
Change = tuple[str, bytes | None, str | None]


class ContentConflict(RuntimeError):
    """Someone saved the file meanwhile (maybe on another node): nothing was written."""

    def __init__(self, path: str, current: bytes | None) -> None:
        super().__init__(f"{path} was changed meanwhile")
        self.path, self.current = path, current


class ContentJournal(Protocol):
    def record(self, changes: Iterable[Change]) -> None:
        """Claim these changes before their files are written; all or none. Raises
        ContentConflict when a file is no longer the version a change was made from."""


class FilesOnly:
    """``KB_CONTENT_SOURCE=files``: the folder is the truth; writers check it themselves."""

    def record(self, changes: Iterable[Change]) -> None:
        return None


class ContentFile(db.Model):
    """The current version of one file of the content folder (``data`` None: deleted)."""

    __tablename__ = "content_files"

    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    change_id: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContentChange(db.Model):
    """One change, in order: nodes compare the count and latest id to know they are behind."""

    __tablename__ = "content_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    path: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass
class PullReport:
    written: list[str]
    deleted: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_content_file(path: Path, root: Path) -> bool:
    """Files the journal keeps: not hidden or temporary ones (the atomic writer's)."""
    return path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)


class DatabaseJournal:
    """``KB_CONTENT_SOURCE=database``: the database is the truth; this folder is a copy."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = Path(content_dir)
        self._seen: tuple[int, int] | None = None  # (count, latest id) of changes at last pull
        self._local: dict[str, str] = {}  # path -> hash of this node's file, as last known

    def record(self, changes: Iterable[Change]) -> None:
        changes, now = list(changes), utcnow()
        try:
            for path, data, base_hash in changes:
                self._claim(path, data, base_hash, now)
            db.session.commit()
        except IntegrityError:  # a file created on another node at the same moment
            db.session.rollback()
            raise ContentConflict(path, self._current(path)) from None
        except ContentConflict:
            db.session.rollback()
            raise
        for path, data, _ in changes:
            self._local[path] = sha256(data) if data is not None else ""

    def _claim(self, path: str, data: bytes | None, base_hash: str | None,
               now: datetime) -> None:
        change = ContentChange(path=path, at=now)
        db.session.add(change)
        db.session.flush()
        values = {"data": data, "sha256": sha256(data) if data is not None else None,
                  "change_id": change.id, "updated_at": now}
        expected = (ContentFile.sha256.is_(None) if base_hash is None
                    else ContentFile.sha256 == base_hash)
        claimed = db.session.execute(update(ContentFile).where(
            ContentFile.path == path, expected).values(**values)).rowcount
        if claimed:
            return
        if db.session.get(ContentFile, path) is not None:
            raise ContentConflict(path, self._current(path))
        db.session.add(ContentFile(path=path, **values))
        db.session.flush()

    def _current(self, path: str) -> bytes | None:
        return db.session.scalar(select(ContentFile.data).where(ContentFile.path == path))

    def seed(self) -> int:
        """Load this node's folder into an empty database; 0 when it already holds content
        (or another node seeded it at the same moment)."""
        if db.session.scalar(select(func.count()).select_from(ContentFile)):
            return 0
        files = sorted(p for p in self.content_dir.rglob("*") if is_content_file(p,
                                                                                   self.content_dir))
        try:
            self.record([(p.relative_to(self.content_dir).as_posix(), p.read_bytes(), None)
                         for p in files])
        except ContentConflict:
            return 0
        return len(files)

    def import_folder(self, folder: Path, prune: bool = False) -> int:
        """Make the database hold ``folder``'s files (docs-as-code deploys); with ``prune``,
        files it lacks are deleted. Returns how many files changed."""
        folder = Path(folder)
        wanted = {p.relative_to(folder).as_posix(): p.read_bytes()
                  for p in folder.rglob("*") if is_content_file(p, folder)}
        stored = dict(db.session.execute(select(ContentFile.path, ContentFile.sha256)).all())
        changes: list[Change] = [(path, data, stored.get(path)) for path, data in wanted.items()
                                 if stored.get(path) != sha256(data)]
        if prune:
            changes += [(path, None, digest) for path, digest in stored.items()
                        if digest is not None and path not in wanted]
        if changes:
            self.record(changes)
        return len(changes)

    def files(self) -> list[tuple[str, bytes]]:
        """Every current file, for ``content export``."""
        rows = db.session.execute(select(ContentFile.path, ContentFile.data)
                                  .where(ContentFile.data.is_not(None)).order_by(ContentFile.path))
        return [(path, data) for path, data in rows]

    def pull(self) -> PullReport:
        """Bring this node's folder in step with the database. Cheap when nothing changed:
        one query for the count and latest id of changes (a late commit changes the count)."""
        report = PullReport([], [])
        seen = tuple(db.session.execute(select(func.count(), func.coalesce(
            func.max(ContentChange.id), 0)).select_from(ContentChange)).one())
        if seen == self._seen:
            db.session.rollback()
            return report
        if self._seen is None:
            self._local = {p.relative_to(self.content_dir).as_posix(): sha256(p.read_bytes())
                           for p in self.content_dir.rglob("*")
                           if is_content_file(p, self.content_dir)}
        stored = dict(db.session.execute(select(ContentFile.path, ContentFile.sha256)).all())
        stale = [path for path, digest in stored.items() if self._local.get(path, "") != (digest
                                                                                        or "")]
        for path in stale:
            target = self.content_dir / path
            if stored[path] is None:
                if target.exists():
                    target.unlink()
                    report.deleted.append(path)
                self._local[path] = ""
                continue
            data = self._current(path)
            if data is None:  # deleted between the two queries: the next pull sees it
                continue
            if not target.is_file() or sha256(target.read_bytes()) != sha256(data):
                write_bytes_atomically(target, data)
                report.written.append(path)
            self._local[path] = sha256(data)
        for path in [p for p, digest in self._local.items() if digest and p not in stored]:
            (self.content_dir / path).unlink(missing_ok=True)  # not content any more
            report.deleted.append(path)
            self._local[path] = ""
        db.session.rollback()
        self._seen = seen
        return report


def journal_for(source: str, content_dir: Path) -> ContentJournal:
    return DatabaseJournal(content_dir) if source == "database" else FilesOnly()


def relative(path: Path, content_dir: Path) -> str:
    return Path(path).relative_to(content_dir).as_posix()


def text_hash(text: str) -> str:
    """The hash an editor page keeps of a file's text, to tell whether it changed meanwhile."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_if_unchanged(path: Path, text: str, base_hash: str,
                      journal: ContentJournal | None = None) -> str | None:
    """Write ``text`` to ``path`` (a file at the top of the content folder) through the journal
    if the file is still the one ``base_hash`` names; returns the text it replaced, or None
    when it changed meanwhile (nothing written)."""
    exists = path.is_file()
    current = path.read_text(encoding="utf-8") if exists else ""
    current_hash = text_hash(current)
    if current_hash != base_hash:
        return None
    try:
        (journal or FilesOnly()).record([(path.name, text.encode("utf-8"),
                                          current_hash if exists else None)])
    except ContentConflict:
        return None
    write_atomically(path, text)
    return current
