"""Synonyms editors manage in ``content/_synonyms.yml``, expanded into queries at a lower weight.

The file is a YAML list of groups, each a list of words or phrases that mean the same thing::

    - [refund, money back, reimbursement]
    - [退款, 退钱]

A question containing one member of a group (compared after analysis, so "refunds" matches
"refund" and Chinese is segmented) also searches the others at SYNONYM_WEIGHT.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

import yaml
from whoosh.query import Or, Phrase, Query, Term

from app.content.journal import ContentJournal, save_if_unchanged, text_hash
from app.search.rerank import terms
from app.text import Text

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


# The editor's page shows one group per line, members separated by commas (Chinese commas too).
_SEPARATORS = re.compile(r"[,，、]")


def as_lines(groups: list[list[str]]) -> str:
    """Groups as the editor's page shows them: ``refund, money back, reimbursement``."""
    return "".join(", ".join(group) + "\n" for group in groups)


def parse_lines(text: str) -> tuple[list[list[str]], dict[int, Text]]:
    """The groups written one per line, and a message per line that cannot be used."""
    groups: list[list[str]] = []
    errors: dict[int, Text] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        members = list(dict.fromkeys(m.strip() for m in _SEPARATORS.split(line) if m.strip()))
        if not members:
            continue  # blank lines are allowed
        unsearchable = [member for member in members if not _terms(member)]
        if unsearchable:
            errors[number] = Text("Line %(line)s: “%(word)s” is never searched (a word such as "
                                  "“the” or “how” is left out of every search).",
                                  line=number, word=unsearchable[0])
        elif len(members) < 2:
            errors[number] = Text("Line %(line)s: a group needs at least two words or phrases, "
                                  "separated by commas.", line=number)
        else:
            groups.append(members)
    return groups, errors


def file_text(groups: list[list[str]], header: str = "") -> str:
    """The synonyms file for ``groups``, after ``header`` (the file's leading comments)."""
    lines = [f"- {yaml.safe_dump(group, default_flow_style=True, allow_unicode=True, width=10**6)}"
             for group in groups]
    return header + "".join(lines)


def leading_comments(text: str) -> str:
    """The comment and blank lines at the top of a synonyms file (kept when it is rewritten)."""
    kept = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(kept)


@dataclass
class SynonymsSave:
    saved: bool = False
    errors: dict[int, Text] = dataclass_field(default_factory=dict)  # line -> why not usable
    conflict: bool = False  # the file changed since the editor opened it: nothing written
    previous: str = ""  # the file's text before a save
    text: str = ""  # the file's text after it


def save_lines(path: Path, lines: str, base_hash: str,
               journal: ContentJournal | None = None) -> SynonymsSave:
    """Write the groups in ``lines`` to ``path`` unless a line is unusable or the file is no
    longer the one ``base_hash`` names (the hash of its text when the editor opened it)."""
    groups, errors = parse_lines(lines)
    if errors:
        return SynonymsSave(errors=errors)
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text_hash(current) != base_hash:
        return SynonymsSave(conflict=True)
    text = file_text(groups, leading_comments(current))
    if parse_synonyms(text, str(path)) != groups:  # the YAML must read back as written
        raise SynonymsError(f"{path}: the groups did not survive writing")
    if save_if_unchanged(path, text, base_hash, journal) is None:
        return SynonymsSave(conflict=True)
    return SynonymsSave(saved=True, previous=current, text=text)


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
