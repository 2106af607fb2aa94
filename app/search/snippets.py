"""Result snippets: the passage of an article where the query's words are, with <mark>s.

Words are matched exactly as the index matches them (same tokenizer, same stemmer), but
without Whoosh's token-object highlighter, which costs several milliseconds per result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape

from app.search.analysis import TOKEN_PATTERN, has_chinese

WORD = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)  # the index's tokenizer pattern
SCAN_LIMIT = 20_000  # characters of an article searched for a passage
BEFORE, AFTER = 60, 160  # characters of context around the first match of a passage


def make_snippet(
    text: str,
    stems: Iterable[str],
    stem: Callable[[str], str],
    passages: int = 2,
) -> str | None:
    """Up to ``passages`` non-overlapping passages, best first by distinct words; None if none."""
    wanted = frozenset(stems)
    if not wanted:
        return None
    text = text[:SCAN_LIMIT]
    if has_chinese(text):
        matches = _mixed_matches(text, wanted, stem)
    else:
        matches = [(m.start(), m.end(), key) for m in WORD.finditer(text)
                   if (key := stem(m.group().lower())) in wanted]
    if not matches:
        return None
    candidates = []
    for index, (start, _, _) in enumerate(matches):
        window_end = start + AFTER
        inside = [m for m in matches[index:] if m[1] <= window_end]
        candidates.append((len({m[2] for m in inside}), len(inside), -start, start))
    chosen: list[int] = []
    for *_, start in sorted(candidates, reverse=True):
        if all(abs(start - other) > BEFORE + AFTER for other in chosen):
            chosen.append(start)
        if len(chosen) == passages:
            break
    return " … ".join(_passage(text, start, matches) for start in sorted(chosen))


def _mixed_matches(text: str, wanted: frozenset[str], stem: Callable[[str], str]
                   ) -> list[tuple[int, int, str]]:
    """Matches in text with Chinese: other words as above, Chinese words found as substrings.

    Segmenting a whole long article to find a few words cost tens of milliseconds per result;
    Chinese words are not stemmed, so finding them verbatim marks the same places (a word may
    also be marked where the segmenter would have cut differently, which reads fine).
    """
    matches = []
    for match in TOKEN_PATTERN.finditer(text):
        word = match.group("word")
        if word and (key := stem(word.lower())) in wanted:
            matches.append((match.start(), match.end(), key))
    for word in (w for w in wanted if has_chinese(w)):
        start = text.find(word)
        while start >= 0:
            matches.append((start, start + len(word), word))
            start = text.find(word, start + len(word))
    matches.sort(key=lambda m: (m[0], -m[1]))
    kept, end = [], -1
    for match in matches:  # longest first at a position; no overlaps
        if match[0] >= end:
            kept.append(match)
            end = match[1]
    return kept


def _passage(text: str, first_match: int, matches: list[tuple[int, int, str]]) -> str:
    begin = max(0, first_match - BEFORE)
    end = min(len(text), first_match + AFTER)
    if begin > 0 and not has_chinese(text[begin:first_match]):  # start and end on word boundaries
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < first_match else begin
    if end < len(text):
        space = text.rfind(" ", first_match, end)
        end = space if space > first_match else end
    parts, cursor = [], begin
    for start, stop, _ in matches:
        if start < begin or stop > end:
            continue
        parts += [escape(text[cursor:start]), f"<mark>{escape(text[start:stop])}</mark>"]
        cursor = stop
    parts.append(escape(text[cursor:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(parts).strip() + suffix
