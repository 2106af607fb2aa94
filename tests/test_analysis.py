"""The analyzer: Chinese segmented into words with positions, English unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.analysis import StemmingAnalyzer
from whoosh.lang import porter2

from app.content import load_content
from app.search import IndexStore, SearchService, indexer
from app.search.analysis import ENGLISH_STOP_WORDS, segment, spelling_analyzer, text_analyzer
from tests.conftest import DEMO_CONTENT, write_article


def terms(text: str, mode: str = "query") -> list[str]:
    return [token.text for token in text_analyzer()(text, mode=mode)]


@pytest.mark.parametrize(("text", "words"), [
    ("iPhone 无法登录", ["iPhone", "无法", "登录"]),
    ("iPhone无法登录", ["iPhone", "无法", "登录"]),
    ("退款 E3 错误", ["退款", "E3", "错误"]),
    ("订单号12345还没发货", ["订单号", "12345", "还", "没", "发货"]),
])
def test_mixed_text_is_split_into_words(text, words):
    assert segment(text) == words


def test_chinese_question_words_are_stop_words():
    assert terms("如何重置密码？") == ["重置", "密码"]
    assert terms("为什么我的退款还没到账呢") == ["退款", "到账"]


def test_english_terms_are_exactly_those_of_the_english_analyzer():
    english = StemmingAnalyzer(stoplist=ENGLISH_STOP_WORDS, stemfn=porter2.stem, minsize=2)
    for path in sorted(DEMO_CONTENT.glob("*/*.md"))[:20]:
        text = path.read_text(encoding="utf-8")
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            continue
        expected = [(t.text, t.pos) for t in english(text, positions=True)]
        assert [(t.text, t.pos) for t in text_analyzer()(text, positions=True)] == expected


def test_words_inside_long_words_are_indexed_at_the_same_position():
    tokens = [(t.text, t.pos) for t in text_analyzer()("国有资产管理", positions=True,
                                                          mode="index")]
    assert ("国有资产", 0) in tokens
    assert ("资产", 0) in tokens  # a question saying only 资产 still matches
    assert tokens[-1] == ("管理", 1)


def test_spelling_suggestions_never_come_from_chinese_words():
    words = [t.text for t in spelling_analyzer()("密码 password 重置 resetting")]
    assert words == ["password", "resetting"]


@pytest.fixture()
def chinese_service(make_content, tmp_path) -> SearchService:
    write_article(make_content, "troubleshooting", "reset-password-zh",
                  "title: 重置密码\nsummary: 收不到验证码时如何重置密码。\nlang: zh",
                  "在登录页点击忘记密码，然后重置密码。\n")
    write_article(make_content, "troubleshooting", "password-rules-zh",
                  "title: 密码规则\nsummary: 新密码的长度要求。\nlang: zh",
                  "密码至少十位。如果需要重置，请先登录，再修改密码。\n")
    write_article(make_content, "troubleshooting", "payment-error-zh",
                  "title: 支付失败 E3 错误\nsummary: 付款时提示 E3 错误怎么办。\nlang: zh",
                  "出现 E3 错误说明银行拒绝了这笔付款，请换一张卡或稍后再试。\n")
    store = IndexStore(Path(tmp_path) / "index")
    indexer.rebuild(store, load_content(make_content))
    return SearchService(store, cache_size=0)


def test_a_phrase_matches_only_adjacent_words(chinese_service):
    loose = [hit.slug for hit in chinese_service.search("重置 密码").hits]
    phrase = [hit.slug for hit in chinese_service.search('"重置密码"').hits]
    assert set(loose) >= {"reset-password-zh", "password-rules-zh"}
    assert phrase == ["reset-password-zh"]


def test_mixed_chinese_and_code_finds_the_article(chinese_service):
    page = chinese_service.search("付款 E3 错误")
    assert page.hits[0].slug == "payment-error-zh"
    assert "<mark>" in page.hits[0].snippet


def test_no_spelling_suggestion_for_chinese(chinese_service):
    page = chinese_service.search("量子纠缠")
    assert page.total == 0
    assert page.did_you_mean is None
