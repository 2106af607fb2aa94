"""Text analysis for English and Chinese, in one pass over mixed text.

Chinese has no spaces, so a regular-expression tokenizer would index a whole sentence as one
word. The tokenizer below splits text into runs of Chinese characters and runs of everything
else: Chinese runs are segmented into words by jieba's dictionary (rjieba, loaded once per
process at import), other runs become word tokens exactly as Whoosh's default tokenizer makes
them. Tokens are numbered one after another, so phrase queries work in both languages ("重置密码"
matches the words 重置 密码 next to each other). English words are then stemmed (Porter2);
Chinese words pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import rjieba
from whoosh.analysis import (
    Composable,
    Filter,
    LowercaseFilter,
    StemFilter,
    Token,
    Tokenizer,
)
from whoosh.analysis.filters import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.lang import porter2

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHARACTER = re.compile(f"[{CJK_RANGES}]")
# A run of Chinese characters, or a word as Whoosh's default tokenizer sees it (\w+(\.?\w+)*)
# minus the Chinese characters, so "iPhone无法登录" splits into "iPhone" and "无法登录".
TOKEN_PATTERN = re.compile(
    rf"(?P<cjk>[{CJK_RANGES}]+)|(?P<word>[^\W{CJK_RANGES}]+(?:\.?[^\W{CJK_RANGES}]+)*)"
)

# Whoosh's list plus the words people put around a question ("how do I", "why is my").
ENGLISH_QUESTION_WORDS = frozenset(
    """
    how do does did doing done i i'm im me my mine myself what what's whats why which who whom
    where when is am was were been being there their them they our ours its it's should would
    could shall might must please hi hello thanks thank just also about into any some
    get got getting want wanted need needs trying try tried still anyone someone something
    """.split()
)
# The words around a Chinese question (如何/怎么/为什么…) and the commonest function words.
# Single characters that carry meaning in help questions (钱, 卡, 退) are kept.
CHINESE_STOP_WORDS = frozenset(
    """
    如何 怎么 怎么办 怎样 怎么样 为什么 为何 什么 什么样 啥 哪 哪里 哪儿 哪些 哪个 多少 几时
    是否 能否 可否 可以 能 能不能 可不可以 会 会不会 要 需要 应该 请问 请 您好 你好 谢谢 麻烦
    我 我的 我们 你 你的 您 您的 他 她 它 他们 这 那 这个 那个 这些 那些 这样 那样
    的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 哦 么 和 与 及 或 或者 还是 是 在 有 没 被 把 给 就 都 也
    还 又 才 而 且 并 但 但是 如果 因为 所以 一下 一个 一些 时候 时 后 之后
    """.split()
)
ENGLISH_STOP_WORDS = frozenset(WHOOSH_STOP_WORDS | ENGLISH_QUESTION_WORDS)
STOP_WORDS = ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS
MIN_WORD_LENGTH = 2  # for non-Chinese words; a single Chinese character can be a word

# Words users write in support questions that jieba's general dictionary splits apart
# (没到账 would become 没到 / 账). Changing this list changes the index: bump SCHEMA_VERSION.
SUPPORT_WORDS = ("到账", "扣费", "退订", "解绑", "绑卡", "换绑", "闪退", "卡顿", "掉线", "验证码")
for _word in SUPPORT_WORDS:
    rjieba.add_word(_word, None, None)


def has_chinese(text: str) -> bool:
    return CJK_CHARACTER.search(text) is not None


def segment(text: str) -> list[str]:
    """The words of a text: Chinese runs segmented, other runs split as word tokens."""
    return [token.text for token in MixedTokenizer()(text)]


class MixedTokenizer(Tokenizer):
    """Word tokens for text mixing Chinese, English and digits, with consecutive positions."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        position = start_pos
        for match in TOKEN_PATTERN.finditer(value):
            if match.group("cjk"):
                pieces = self._chinese_words(match.group("cjk"), match.start(), mode)
            else:
                pieces = [(match.group(), match.start(), match.end(), False)]
            for text, start, end, inside in pieces:
                if inside and positions:
                    position -= 1  # a word inside the previous one shares its position
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = position
                    position += 1
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token


    subword_modes = ("index",)

    def _chinese_words(self, run: str, offset: int, mode: str
                       ) -> list[tuple[str, int, int, bool]]:
        """Jieba's words; when indexing, also the dictionary words inside long ones.

        A document saying 国有资产 then matches a question that says 资产. The inner words
        share the position of the word they are part of, so phrases still match.
        """
        words = [(word, offset + start, offset + end, False)
                 for word, start, end in rjieba.tokenize(run)]
        if mode not in self.subword_modes or all(end - start <= 2 for _, start, end, _ in words):
            return words
        inner: dict[int, list[tuple[str, int, int, bool]]] = {}
        for word, start, end in rjieba.tokenize(run, mode="search"):
            inner.setdefault(offset + start, []).append((word, offset + start, offset + end, True))
        result = []
        for word, start, end, _ in words:
            result.append((word, start, end, False))
            if end - start > 2:
                result += [piece for first in range(start, end) for piece in inner.get(first, ())
                           if piece[2] <= end and (piece[1], piece[2]) != (start, end)]
        return result


class MixedStopFilter(Filter):
    """Drops stop words of both languages and non-Chinese tokens shorter than two characters."""

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stops = stoplist

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.stops == self.stops

    def __hash__(self) -> int:
        return hash((type(self), len(self.stops)))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        # Like Whoosh's StopFilter, positions are renumbered so that the words left around a
        # removed stop word count as adjacent.
        position = original = None
        for token in tokens:
            text = token.text
            short = len(text) < MIN_WORD_LENGTH and not CJK_CHARACTER.match(text)
            if short or text in self.stops:
                if token.removestops:
                    continue
                token.stopped = True
            elif token.positions:
                if position is None:
                    position = token.pos
                elif token.pos != original:  # inner Chinese words keep their word's position
                    position += 1
                original = token.pos
                token.pos = position
            yield token


class DropChinese(Filter):
    """Keeps only tokens without Chinese characters (for spelling suggestions)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not CJK_CHARACTER.search(token.text):
                yield token


def text_analyzer() -> Composable:
    """Mixed tokens, lower-cased, question stop words of both languages removed, Porter2 stems.

    On text without Chinese it yields the same terms as Whoosh's StemmingAnalyzer with our
    stop list, Porter2 and a minimum length of 2.
    """
    return (MixedTokenizer() | LowercaseFilter() | MixedStopFilter()
            | StemFilter(stemfn=stem, cachesize=None))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Porter2, memoised in C: Whoosh's own stem cache (pure Python) cost 6 % of a rebuild."""
    return porter2.stem(word)


def spelling_analyzer() -> Composable:
    """Unstemmed words for "did you mean": suggestions must be real words, not stems.

    Chinese words are left out: an edit distance between Chinese words suggests nonsense.
    """
    return (MixedTokenizer() | LowercaseFilter() | DropChinese()
            | MixedStopFilter(ENGLISH_STOP_WORDS) | _MinLength(3))


class _MinLength(Filter):
    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.minimum == self.minimum

    def __hash__(self) -> int:
        return hash((type(self), self.minimum))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if len(token.text) >= self.minimum:
                yield token
