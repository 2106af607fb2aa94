"""Result snippets: the passage of an article where the query's words are, with <mark>s.

Words are matched exactly as the index matches them (same tokenizer, same stemmer), but
without Whoosh's token-object highlighter, which costs several milliseconds per result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape

from app.search.analysis import MixedTokenizer, has_chinese

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
    matches = [(start, end, key) for start, end, word in _words(text)
               if (key := stem(word.lower())) in wanted]
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


def _words(text: str) -> Iterable[tuple[int, int, str]]:
    if has_chinese(text):  # Chinese words come from the segmenter, as in the index
        for token in MixedTokenizer()(text, chars=True, mode="query"):
            yield token.startchar, token.endchar, token.text
    else:
        for match in WORD.finditer(text):
            yield match.start(), match.end(), match.group()


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
