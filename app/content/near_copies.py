"""Articles whose text is mostly another article's: the same answer published twice.

Two near-identical articles split the votes and views that measure an answer, and search can
only put one of them first: on ncp-policies, 21 of the 90 questions that miss at rank 1 have a
near-copy of the right notice there (docs/search-quality.md). ``content check`` reports such
pairs so that an editor merges them or makes them differ.

Title and Markdown body are compared as overlapping runs of ``SHINGLE_TOKENS`` tokens (a word,
or one Chinese character; Markdown's punctuation is not a token). Only the runs whose hash falls
in one of ``SAMPLE_EVERY`` buckets are kept, which estimates the shared share without holding
every run of a large help center in memory; runs found in more than ``COMMON_RUN_ARTICLES``
articles (boilerplate such as a standard closing line, a phrase every notice uses) count
neither for nor against a pair.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from app.content.models import Article

SHINGLE_TOKENS = 4
SAMPLE_EVERY = 4
COMMON_RUN_ARTICLES = 20
MIN_SAMPLED_RUNS = 8  # shorter articles (about 40 tokens or fewer) say too little to compare
NEAR_COPY_SHARE = 0.8

_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class NearCopy:
    article: Article  # the one most of whose text is also in ``original``
    original: Article
    share: float  # of ``article``'s sampled runs, how many ``original`` has too

    def message(self) -> str:
        return (f"near-copy: about {round(self.share * 100)}% of its text is also in "
                f"{self.original.path}; merge the two or make them differ")


@lru_cache(maxsize=65_536)
def _token_hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8"))


def sampled_runs(text: str) -> frozenset[int]:
    """The sampled token runs of ``text``, as hashes that are the same in every process."""
    tokens = [_token_hash(token) for token in _TOKEN.findall(text.lower())]
    runs = (hash(tuple(tokens[i : i + SHINGLE_TOKENS]))
            for i in range(len(tokens) - SHINGLE_TOKENS + 1))
    return frozenset(run for run in runs if run % SAMPLE_EVERY == 0)


def find_near_copies(articles: Iterable[Article],
                     threshold: float = NEAR_COPY_SHARE) -> list[NearCopy]:
    """Pairs in which at least ``threshold`` of one article's text is in the other, the
    copy's share first; each pair once, as (shorter or later path, the other)."""
    articles = list(articles)
    runs = [sampled_runs(f"{a.title}\n{a.body}") for a in articles]
    holders: dict[int, list[int]] = defaultdict(list)
    for number, sample in enumerate(runs):
        if len(sample) >= MIN_SAMPLED_RUNS:
            for run in sample:
                holders[run].append(number)
    shared: Counter[tuple[int, int]] = Counter()
    common: Counter[int] = Counter()  # per article, its runs too common to count
    for numbers in holders.values():
        if len(numbers) > COMMON_RUN_ARTICLES:
            common.update(numbers)
        elif len(numbers) > 1:
            for position, first in enumerate(numbers):
                for second in numbers[position + 1 :]:
                    shared[first, second] += 1
    counted = {number: len(sample) - common[number] for number, sample in enumerate(runs)}
    found = []
    for (first, second), count in shared.items():
        # The copy is the article more of which is shared; on a tie, the later path.
        copy, original = max((first, second), (second, first), key=lambda pair: (
            count / max(counted[pair[0]], 1), articles[pair[0]].path))
        share = count / max(counted[copy], 1)
        if share >= threshold:
            found.append(NearCopy(articles[copy], articles[original], share))
    return sorted(found, key=lambda pair: (-pair.share, pair.article.path))



_cache_lock = threading.Lock()
_cached: tuple[tuple, list[NearCopy]] | None = None


def near_copies_now(articles: list[Article]) -> list[NearCopy]:
    """``find_near_copies``, computed again only when an article's file changed (for pages
    that show the pairs: the comparison takes about a second at a few thousand articles)."""
    global _cached
    key = tuple(sorted((article.path, article.content_hash) for article in articles))
    with _cache_lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, find_near_copies(articles))
        return _cached[1]
