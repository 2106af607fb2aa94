"""Result snippets: one or two passages of an article around the query's words, with <mark>s.

Words are matched exactly as the index matches them (same tokenizer, same stemmer), but
without Whoosh's token-object highlighter, which costs several milliseconds per result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from html import escape

from app.search.analysis import TOKEN_PATTERN, has_chinese

WORD = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)  # the index's tokenizer pattern
SCAN_LIMIT = 20_000  # characters of an article searched for a passage
BEFORE, AFTER = 60, 160  # characters of context around the first match of a passage
CHINESE_SHARE = 2  # Chinese says as much in fewer characters: its passages are this much shorter
MIN_AFTER = 60  # a passage ends at a sentence end only if that leaves this much after its match
JOIN_GAP = 60  # passages closer than this (a short sentence) are shown as one
CHINESE_SENTENCE_END = "。！？；"
# The end of a sentence: .!? then a space and a capital, digit or quote (not "password? under"),
# not after a list number ("5. The app"), or a Chinese full stop. match.end() is where the next
# sentence begins.
SENTENCE_BOUNDARY = re.compile(r"(?<!\b\d)(?<!\b\d\d)[.!?](?= [\"'“(]?[A-Z0-9])\s*|[。！？；]")


def make_snippet(
    text: str,
    stems: Iterable[str],
    stem: Callable[[str], str],
    passages: int = 2,
) -> str | None:
    """One or two passages of ``text`` around the matched words, best first by distinct words,
    shown in text order with one " … " wherever text is left out; None if nothing matches.

    A passage starts at the beginning of its sentence when that is near, else at a word; it
    ends at the end of a sentence when one is in reach. Passages that touch or nearly touch
    are joined into one, so no run of ellipses stands for a few skipped words.
    """
    wanted = frozenset(stems)
    if not wanted:
        return None
    text = text[:SCAN_LIMIT]
    before, after = BEFORE, AFTER
    if has_chinese(text):
        matches = _mixed_matches(text, wanted, stem)
        before, after = BEFORE // CHINESE_SHARE, AFTER // CHINESE_SHARE
    else:
        matches = [(m.start(), m.end(), key) for m in _candidates(wanted).finditer(text)
                   if (key := stem(m.group().lower())) in wanted]
    if not matches:
        return None
    candidates, stop = [], 0
    for index, (start, _, _) in enumerate(matches):  # matches do not overlap: ends ascend
        stop = max(stop, index)
        while stop < len(matches) and matches[stop][1] <= start + after:
            stop += 1
        inside = matches[index:stop]
        candidates.append((len({m[2] for m in inside}), len(inside), -start, start))
    chosen: list[int] = []
    for *_, start in sorted(candidates, reverse=True):
        if all(abs(start - other) > before + after for other in chosen):
            chosen.append(start)
        if len(chosen) == passages:
            break
    spans: list[list[int]] = []
    for begin, end in sorted(_span(text, start, before, after) for start in chosen):
        if spans and begin - spans[-1][1] <= JOIN_GAP:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([begin, end])
    parts = [_marked(text, begin, end, matches) for begin, end in spans]
    prefix = "… " if spans[0][0] > 0 and not _starts_sentence(text, spans[0][0]) else ""
    suffix = " …" if spans[-1][1] < len(text) and not _ends_sentence(text, spans[-1][1]) else ""
    return prefix + " … ".join(parts) + suffix


@lru_cache(maxsize=512)
def _candidates(stems: frozenset[str]) -> re.Pattern:
    """The words of a text (as WORD splits it) that may stem to one of ``stems``.

    Stemming every word of every shown article was a quarter of a search's time. A word's
    Porter2 stem keeps the word's start, except for the last letters ("dying" -> "die"), so
    only words starting with a stem less its last two letters are stemmed and compared.
    """
    starts = sorted({re.escape(s[:max(1, len(s) - 2)]) for s in stems}, key=len, reverse=True)
    return re.compile(rf"\b(?<!\w\.)(?:{'|'.join(starts)})\w*(?:\.?\w+)*", re.IGNORECASE)


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


def _starts_sentence(text: str, index: int) -> bool:
    return index == 0 or any(m.end() == index for m in SENTENCE_BOUNDARY.finditer(
        text, max(0, index - 4), index + 3))


def _ends_sentence(text: str, index: int) -> bool:
    return index >= len(text) or text[index - 1] in ".!?" + CHINESE_SENTENCE_END


def _span(text: str, first_match: int, before: int, after: int) -> tuple[int, int]:
    """[begin, end) of the passage around a match: whole sentences when they are in reach,
    else cut at words (Chinese, which has no spaces, at characters)."""
    low = max(0, first_match - before)
    begin = low
    starts = [m.end() for m in SENTENCE_BOUNDARY.finditer(text, low, first_match + 3)
              if m.end() <= first_match]
    if starts or low == 0:
        begin = starts[-1] if starts else 0
    elif not has_chinese(text[low:first_match]):
        space = text.find(" ", low, first_match)
        begin = space + 1 if space >= 0 else low
    high = min(len(text), first_match + after)
    if high == len(text):
        return begin, high
    ends = [m.start() + 1 for m in SENTENCE_BOUNDARY.finditer(text, first_match, high + 3)
            if m.start() < high]
    if ends and ends[-1] - first_match >= min(MIN_AFTER, after // 2):
        return begin, ends[-1]
    space = text.rfind(" ", first_match, high)
    return begin, space if space > first_match else high


def _marked(text: str, begin: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    """``text[begin:end]`` escaped, the matches in it wrapped in <mark>."""
    parts, cursor = [], begin
    for start, stop, _ in matches:
        if start < begin or stop > end:
            continue
        parts += [escape(text[cursor:start]), f"<mark>{escape(text[start:stop])}</mark>"]
        cursor = stop
    parts.append(escape(text[cursor:end]))
    return "".join(parts).strip().replace("</mark><mark>", "")  # 退款多久 as one mark
