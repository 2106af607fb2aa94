"""Editors change ``content/_contexts.yml`` from the browser: validated like `content check`,
refused when someone saved after the page was opened, written atomically through the journal
(so every node follows with KB_CONTENT_SOURCE=database)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from app.content.journal import ContentConflict, ContentJournal, FilesOnly
from app.content.writer import write_atomically
from app.widget.contexts import CONTEXTS_FILE, ContextsError, check_references, parse_contexts


@dataclass
class ContextsSave:
    saved: bool = False
    errors: list[str] = field(default_factory=list)  # "_contexts.yml, line N: ..."
    conflict: bool = False  # the file changed since the editor opened it: nothing written


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_contexts(path: Path, text: str, base_hash: str, slugs: set[str], journeys: set[str],
                  journal: ContentJournal | None = None) -> ContextsSave:
    """Write ``text`` to ``path`` unless it has a problem or the file is no longer the one
    ``base_hash`` names (the hash of its text when the editor opened it)."""
    text = text.replace("\r\n", "\n")
    try:
        contexts = parse_contexts(text, CONTEXTS_FILE)
    except ContextsError as error:
        return ContextsSave(errors=[str(error)])
    problems = check_references(contexts, slugs, journeys, CONTEXTS_FILE)
    if problems:
        return ContextsSave(errors=problems)
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text_hash(current) != base_hash:
        return ContextsSave(conflict=True)
    try:
        (journal or FilesOnly()).record([(path.name, text.encode("utf-8"),
                                          text_hash(current) if path.is_file() else None)])
    except ContentConflict:
        return ContextsSave(conflict=True)
    write_atomically(path, text)
    return ContextsSave(saved=True)
