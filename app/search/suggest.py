"""Search as you type: the articles whose title, tags or synonyms start with what is typed.

Each word typed is matched as the start of a word of a title, a tag or a synonym of them
("refu" finds refund articles, "passw" password ones, never "passes"); Chinese is matched
anywhere inside a title or tag ("退" finds 退款). Every word must match. The structure is
built once per index version and synonyms file version: the words of every title, tag and
synonym, sorted, each with a bit set of the articles holding it, so a prefix is a binary
search and a few integer ORs and ANDs, whatever the number of articles.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import reduce
from html import escape
from operator import and_, or_
from pathlib import Path
from typing import Any

from app.content import Article
from app.search.analysis import CJK_CHARACTER, STOP_WORDS, TOKEN_PATTERN, has_chinese
from app.search.query import normalize_query
from app.search.rerank import terms
from app.search.synonyms import SynonymsError, parse_synonyms

log = logging.getLogger(__name__)
MAX_SUGGESTIONS = 10
DEFAULT_SUGGESTIONS = 5
CHINESE_KEY_LENGTH = 12  # characters kept of each Chinese suffix key
PREFIX_END = "\U0010ffff"  # sorts after every character: the end of a prefix's key range
TITLE, TAG, SYNONYM = "title", "tag", "synonym"
Marks = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Match:
    """Where the typed words were found when not all of them are in the title."""

    field: str  # TAG or SYNONYM
    text: str  # the tag or synonym, as written
    marks: Marks  # [start, end) code point offsets of the typed parts in ``text``

    @property
    def html(self) -> str:
        return marked_html(self.text, self.marks)


@dataclass(frozen=True)
class Suggestion:
    slug: str
    title: str
    language: str
    journey: str
    marks: Marks  # [start, end) code point offsets of the typed parts in the title
    via: Match | None = None  # set when a word matched a tag or synonym, not the title

    @property
    def title_html(self) -> str:
        """The title, escaped, with <mark> around the typed parts."""
        return marked_html(self.title, self.marks)


def merge_marks(marks: Iterable[tuple[int, int]]) -> Marks:
    """Sorted ranges, those touching or overlapping joined into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(marks):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def marked_html(text: str, marks: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, with each [start, end) range wrapped in <mark>."""
    parts, cursor = [], 0
    for start, end in merge_marks(marks):
        parts += [escape(text[cursor:start]), "<mark>", escape(text[start:end]), "</mark>"]
        cursor = end
    parts.append(escape(text[cursor:]))
    return "".join(parts)


def _words(text: str) -> list[tuple[str, int, int]]:
    """(lower-cased word, start, end) for the non-Chinese words and the Chinese runs."""
    return [(match.group().lower(), match.start(), match.end())
            for match in TOKEN_PATTERN.finditer(text)]


def _keys(text: str) -> set[str]:
    """The keys a text is found by: its words, and every suffix of its Chinese runs, so that
    a prefix search over keys finds Chinese anywhere inside."""
    keys = set()
    for word, _, _ in _words(text):
        if CJK_CHARACTER.match(word):
            keys.update(word[i:i + CHINESE_KEY_LENGTH] for i in range(len(word)))
        else:
            keys.add(word)
    return keys


def query_words(text: str) -> list[str]:
    """The typed words to match: lower case, Chinese segmented, stop words left out (a
    question of stop words alone, "how do i", matches nothing until a real word is typed)."""
    words = []
    for word, _, _ in _words(text):
        if CJK_CHARACTER.match(word):
            words += [piece for piece in terms(word) if piece] or [word]
        else:
            words.append(word)
    kept = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or has_chinese(w))]
    if words and words[-1] not in kept and words[-1] not in STOP_WORDS:
        kept.append(words[-1])  # a single letter being typed
    if not kept and len(words) == 1:
        kept = words  # "how" alone may be the start of a title
    return list(dict.fromkeys(kept))


def _find(text: str, word: str, words: list[tuple[str, int, int]] | None = None
          ) -> tuple[int, int] | None:
    """Where ``word`` matches in ``text`` (whose ``_words`` may be given): the start of a
    word, or inside Chinese."""
    if CJK_CHARACTER.match(word):
        start = text.find(word)
        return (start, start + len(word)) if start >= 0 else None
    for candidate, start, end in words if words is not None else _words(text):
        if candidate.startswith(word):
            return start, min(end, start + len(word))
    return None


def _bits(documents: Iterable[int]) -> int:
    return reduce(or_, (1 << number for number in documents), 0)


class PrefixIndex:
    """Sorted keys, each with the bit sets of the articles holding it in a title, as the
    title's first word, in a tag, or in a synonym of the title or tags."""

    def __init__(self, articles: Iterable[Article], groups: list[list[str]] = ()) -> None:
        # Bit n is article n; articles are numbered shortest title first, so among equal
        # matches a short, direct title is suggested first.
        self.articles = sorted(articles, key=lambda a: (len(a.title), a.title.lower(), a.slug))
        self.synonyms: list[tuple[str, ...]] = [() for _ in self.articles]
        postings: dict[str, list[set[int]]] = {}

        def add(keys: Iterable[str], number: int, kind: int) -> None:
            for key in keys:
                postings.setdefault(key, [set(), set(), set(), set()])[kind].add(number)

        group_terms = [[(member, frozenset(terms(member))) for member in group]
                       for group in groups]
        self.title_words = [_words(article.title) for article in self.articles]
        for number, article in enumerate(self.articles):
            add(_keys(article.title), number, 0)
            # The title's first word (of Chinese, the first run itself, not its suffixes).
            add({word[:CHINESE_KEY_LENGTH] for word, _, _ in self.title_words[number][:1]},
                number, 1)
            for tag in article.tags:
                add(_keys(tag), number, 2)
            if group_terms:
                own = set(terms(" ".join([article.title, *article.tags])))
                found = tuple(member for group in group_terms
                              if any(t and t <= own for _, t in group)
                              for member, t in group if not (t and t <= own))
                self.synonyms[number] = found
                for member in found:
                    add(_keys(member), number, 3)
        self.keys = sorted(postings)
        self._sets = [tuple(map(_bits, postings[key])) for key in self.keys]
        self.languages: dict[str, int] = {}
        self.groups: list[str] = []
        for number, article in enumerate(self.articles):
            self.languages[article.language] = self.languages.get(article.language, 0) | (
                1 << number)
            self.groups.append(article.translation_group)

    def lookup(self, prefix: str) -> tuple[int, int, int, int]:
        """Bit sets of the articles with a key starting with ``prefix``: in the title, as the
        title's first word, in a tag, in a synonym."""
        low = bisect_left(self.keys, prefix)
        high = bisect_left(self.keys, prefix + PREFIX_END, low)
        found = self._sets[low:high]
        if not found:
            return 0, 0, 0, 0
        if len(found) == 1:
            return found[0]
        columns = zip(*found, strict=True)
        return tuple(reduce(or_, column) for column in columns)  # type: ignore[return-value]

    def suggest(self, words: list[str], lang: str | None, limit: int) -> list[Suggestion]:
        """The first ``limit`` articles matching every word, the reader's language first,
        then by where the words matched (title start, title, title or tags, synonyms)."""
        if not words or not self.articles:
            return []
        found = [self.lookup(word) for word in words]
        title = reduce(and_, (sets[0] for sets in found))
        tiers = [
            title & found[0][1],  # the title starts with the first word
            title,
            reduce(and_, (sets[0] | sets[2] for sets in found)),
            reduce(and_, (sets[0] | sets[2] | sets[3] for sets in found)),
        ]
        if not tiers[-1]:
            return []
        mine = self.languages.get(lang or "", 0)
        order = [tier & mine for tier in tiers] + [tier & ~mine for tier in tiers]
        chosen: list[int] = []
        groups: set[str] = set()
        seen = 0
        for bits in order:
            bits &= ~seen
            while bits and len(chosen) < limit:
                lowest = bits & -bits
                bits ^= lowest
                seen |= lowest
                number = lowest.bit_length() - 1
                if self.groups[number] not in groups:  # one version of a translated article
                    groups.add(self.groups[number])
                    chosen.append(number)
            if len(chosen) >= limit:
                break
        return [self._suggestion(number, words) for number in chosen]

    def _suggestion(self, number: int, words: list[str]) -> Suggestion:
        article = self.articles[number]
        marks, missing = [], []
        for word in words:
            span = _find(article.title, word, self.title_words[number])
            if span:
                marks.append(span)
            else:
                missing.append(word)
        via = None
        if missing:
            for field, texts in ((TAG, article.tags), (SYNONYM, self.synonyms[number])):
                for text in texts:
                    spans = [span for word in words if (span := _find(text, word))]
                    if any(_find(text, word) for word in missing):
                        via = Match(field, text, merge_marks(spans))
                        break
                if via:
                    break
        return Suggestion(article.slug, article.title, article.language, article.journey,
                          merge_marks(marks), via)


@dataclass(frozen=True)
class SuggestPage:
    query: str
    lang: str | None
    suggestions: tuple[Suggestion, ...]


class SuggestService:
    """Suggestions over the catalog's articles, the prefix index rebuilt when the index or
    the synonyms file changes (both versions are checked on every call, cheaply)."""

    def __init__(self, articles: Callable[[], tuple[Any, Collection[Article]]],
                 synonyms_path: Path | None = None, max_query_length: int = 300) -> None:
        """``articles`` returns the index version and its articles (Catalog.versioned)."""
        self._articles = articles
        self.synonyms_path = synonyms_path
        self.max_query_length = max_query_length
        self._index: tuple[Any, PrefixIndex] | None = None
        self._lock = threading.Lock()

    def _synonyms_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.synonyms_path.stat() if self.synonyms_path else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def _groups(self) -> list[list[str]]:
        try:
            return parse_synonyms(self.synonyms_path.read_text(encoding="utf-8"),
                                  str(self.synonyms_path))
        except (OSError, SynonymsError, AttributeError) as error:
            if self.synonyms_path and self.synonyms_path.exists():
                log.warning("suggestions without synonyms: %s", error)
            return []

    def prefix_index(self) -> PrefixIndex:
        """The prefix index of the current index version and synonyms file."""
        version, articles = self._articles()
        key = (version, self._synonyms_stamp())
        built = self._index
        if built is not None and built[0] == key:
            return built[1]
        with self._lock:
            if self._index is None or self._index[0] != key:
                self._index = (key, PrefixIndex(articles, self._groups()))
            return self._index[1]

    def suggest(self, text: str, lang: str | None = None,
                limit: int = DEFAULT_SUGGESTIONS) -> SuggestPage:
        """Up to ``limit`` articles for what is typed. Raises QueryError (empty, too long)."""
        text = normalize_query(text, self.max_query_length)
        limit = max(1, min(limit, MAX_SUGGESTIONS))
        found = self.prefix_index().suggest(query_words(text), lang, limit)
        return SuggestPage(text, lang, tuple(found))
