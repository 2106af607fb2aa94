"""Editors change ``content/_contexts.yml`` from the browser: validated like `content check`,
refused when someone saved after the page was opened, written atomically through the journal
(so every node follows with KB_CONTENT_SOURCE=database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.content.journal import ContentJournal, save_if_unchanged
from app.widget.contexts import CONTEXTS_FILE, ContextsError, check_references, parse_contexts


@dataclass
class ContextsSave:
    saved: bool = False
    errors: list[str] = field(default_factory=list)  # "_contexts.yml, line N: ..."
    conflict: bool = False  # the file changed since the editor opened it: nothing written


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
    if save_if_unchanged(path, text, base_hash, journal) is None:
        return ContextsSave(conflict=True)
    return ContextsSave(saved=True)
