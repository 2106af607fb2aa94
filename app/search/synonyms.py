"""Synonyms editors manage in ``content/_synonyms.yml``, expanded into queries at a lower weight.

The file is a YAML list of groups, each a list of words or phrases that mean the same thing::

    - [refund, money back, reimbursement]
    - [退款, 退钱]

A question containing one member of a group (compared after analysis, so "refunds" matches
"refund" and Chinese is segmented) also searches the others at SYNONYM_WEIGHT.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml
from whoosh.query import Or, Phrase, Query, Term

from app.search.rerank import terms

SYNONYMS_FILE = "_synonyms.yml"
SYNONYM_WEIGHT = 0.5  # a synonym counts half as much as the word the user typed


class SynonymsError(ValueError):
    """The synonyms file is malformed; the message names the file and line."""


def _terms(text: str) -> tuple[str, ...]:
    return tuple(terms(text))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    width = len(needle)
    return any(haystack[i:i + width] == needle for i in range(len(haystack) - width + 1))


@dataclass(frozen=True)
class SynonymSet:
    groups: tuple[tuple[tuple[str, ...], ...], ...]  # each member as its analyzed terms

    @classmethod
    def from_groups(cls, groups: list[list[str]]) -> SynonymSet:
        analyzed = []
        for group in groups:
            members = tuple(dict.fromkeys(t for t in (_terms(m) for m in group) if t))
            if len(members) > 1:
                analyzed.append(members)
        return cls(tuple(analyzed))

    def alternatives(self, text: str) -> list[tuple[str, ...]]:
        """Members of the groups the query touches that the query does not already contain."""
        if not self.groups:
            return []
        query = _terms(text)
        found: list[tuple[str, ...]] = []
        for group in self.groups:
            if any(_contains(query, member) for member in group):
                found.extend(m for m in group if not _contains(query, m) and m not in found)
        return found

    def expand(self, text: str, query: Query, boosts: dict[str, float]) -> Query:
        """``query`` OR the synonyms, searched in the weighted fields at SYNONYM_WEIGHT."""
        extra = []
        for member in self.alternatives(text):
            for field, boost in boosts.items():
                if boost <= 0 or field == "cjk":  # word fields only, not character pairs
                    continue
                sub = Term(field, member[0]) if len(member) == 1 else Phrase(field, list(member))
                extra.append(sub.with_boost(boost * SYNONYM_WEIGHT))
        return Or([query, *extra]) if extra else query


def parse_synonyms(text: str, source: str = SYNONYMS_FILE) -> list[list[str]]:
    """The groups in ``text``; SynonymsError naming ``source`` and the line on any problem."""
    try:
        data = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise SynonymsError(f"{source}, line {line}: not valid YAML "
                            f"({getattr(error, 'problem', error)})") from None
    if data is None:
        return []
    if not isinstance(data, yaml.SequenceNode):
        raise SynonymsError(f"{source}, line {data.start_mark.line + 1}: "
                            "expected a list of groups like `- [refund, money back]`")
    groups = []
    for node in data.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.SequenceNode):
            raise SynonymsError(f"{source}, line {line}: each group must be a list of words, "
                                "like `- [refund, money back]`")
        words = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                raise SynonymsError(f"{source}, line {item.start_mark.line + 1}: "
                                    "a synonym must be a non-empty word or phrase")
            words.append(str(item.value).strip())
        if len(words) < 2:
            raise SynonymsError(f"{source}, line {line}: a group needs at least two entries")
        groups.append(words)
    return groups


def load_synonyms(path: Path) -> SynonymSet:
    """The synonyms in ``path`` (an empty set when the file is absent)."""
    if not path.is_file():
        return SynonymSet(())
    return SynonymSet.from_groups(parse_synonyms(path.read_text(encoding="utf-8"), str(path)))


class SynonymsFile:
    """The synonyms file, read again when its modification time changes.

    A file that becomes invalid keeps the last good synonyms in service; ``error`` says why.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._current = SynonymSet(())
        self.error: str | None = None

    def current(self) -> SynonymSet:
        try:
            stat = os.stat(self.path)
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (0, 0)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    try:
                        self._current, self.error = load_synonyms(self.path), None
                    except (SynonymsError, OSError) as error:
                        self.error = str(error)
                    self._stamp = stamp
        return self._current

    def version(self) -> tuple[int, int] | None:
        """Changes whenever the file does: part of the search cache key."""
        self.current()
        return self._stamp

    def expand(self, text: str, query: Query, boosts: dict[str, float]) -> Query:
        return self.current().expand(text, query, boosts)
