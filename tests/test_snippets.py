"""Snippets: one or two real passages around the matched words, never a run of ellipses."""

from __future__ import annotations

import re

import pytest

from app.search.results import _stem
from app.search.snippets import make_snippet
from tests.conftest import BROWSER, write_article

# The shape of the reset-password article that used to read "under the … … … Enter the email".
STEPS = ("Forgot your password? No problem: you can choose a new one from the sign-in screen. "
         "Reset your password Open Pronto and tap Sign in. Tap Forgot password? under the "
         "password field. Enter the email address on your account and tap Send reset link. "
         "Open the email called \"Reset your Pronto password\" and tap Choose a new password. "
         "Enter a new password of at least 10 characters and tap Save.")
FILLER = " ".join(f"Sentence number {n} talks about something else entirely." for n in range(30))
FAR_APART = (f"{FILLER} The refund reaches your card in five days. {FILLER} "
             f"Ask the bank about a missing refund with its reference. {FILLER}")
CHINESE = ("会员说明。" * 20 + "退款一经批准我们就会马上发出。"
           + "多久能看到，取决于你当初是怎么付的款。"
           + "其他说明。" * 40 + "如果一直没看到退款，请拿着退款邮件里的参考号去问银行。"
           + "结尾。" * 20)


def snippet(text: str, *words: str) -> str:
    return make_snippet(text, {_stem(word) for word in words}, _stem)


def plain(html: str) -> str:
    return re.sub(r"</?mark>", "", html)


def test_passages_that_nearly_touch_read_as_one():
    shown = snippet(STEPS, "reset", "password")
    assert "…" not in shown  # the whole text fits: nothing left out
    assert "under the password field. Enter the email" in plain(shown)


def test_far_passages_are_two_sentences_with_one_ellipsis_between():
    shown = plain(snippet(FAR_APART, "refund"))
    # Whole sentences: no ellipsis before the first or after the last, one between.
    assert shown.count("…") == 1
    first, second = shown.split(" … ")
    assert first.startswith("The refund reaches your card in five days.") and first.endswith(".")
    assert second.startswith("Ask the bank about a missing refund") and second.endswith(".")


def test_chinese_passages_are_sentences_and_short():
    shown = snippet(CHINESE, "退款")
    first, second = plain(shown).split(" … ")
    assert first.startswith("退款一经批准") and first.endswith("。")
    assert second.startswith("如果一直没看到退款")
    assert len(first) < 100 and len(second) < 100
    assert "<mark>退款</mark>" in shown


def test_no_match_gives_no_snippet():
    assert snippet(STEPS, "zebra") is None


@pytest.fixture()
def site_app(make_app, make_content, tmp_path):
    write_article(make_content, "getting-started", "reset-steps",
                  "title: Reset steps\nsummary: How to reset.", body=STEPS + "\n")
    write_article(make_content, "getting-started", "refund-notes",
                  "title: Refund notes\nsummary: About refunds.", body=FAR_APART + "\n")
    return make_app(KB_CONTENT_DIR=str(make_content), KB_INDEX_DIR=str(tmp_path / "index"))


@pytest.mark.parametrize("query", ["reset password", "refund"])
def test_pages_and_api_show_no_runs_of_ellipses(site_app, query):
    client = site_app.test_client()
    results = client.get(f"/api/v1/search?q={query}").get_json()["results"]
    assert results and all("<mark>" in hit["snippet"] for hit in results)
    page = client.get(f"/search?q={query}", headers=BROWSER).get_data(as_text=True)
    for text in [hit["snippet"] for hit in results] + re.findall(
            r'<p class="snippet">(.*?)</p>', page, re.S):
        assert not re.search(r"…\s*…", text), text
