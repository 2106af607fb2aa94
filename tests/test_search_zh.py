"""Chinese questions a user would type must find the right Chinese demo article in the top 3."""

from __future__ import annotations

from pathlib import Path

import pytest

QUESTIONS = Path(__file__).with_name("zh_questions.tsv")


def questions() -> list[tuple[str, str]]:
    pairs = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        question, _, slug = line.partition("\t")
        if question.strip() and slug.strip():
            pairs.append((question.strip(), slug.strip()))
    return pairs


def test_there_are_at_least_a_dozen_questions():
    assert len(questions()) >= 12


@pytest.mark.parametrize(("question", "slug"), questions())
def test_question_finds_its_article_in_the_top_three(helpcenter, question, slug):
    page = helpcenter.search(question, lang="zh")
    top = [hit.slug for hit in page.hits[:3]]
    assert slug in top, f"{question!r}: expected {slug} in {top}"
    assert all(hit.language == "zh" for hit in page.hits[:3] if hit.slug == slug)


def test_a_chinese_question_ranks_chinese_articles_first_for_an_english_reader(helpcenter):
    question, slug = questions()[0]
    page = helpcenter.search(question, lang="en")
    assert page.hits and page.hits[0].language == "zh"
