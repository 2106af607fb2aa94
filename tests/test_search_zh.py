"""Chinese questions a user would type must find the right Chinese demo article in the top 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Or, Term

from app.search.query import make_parser, without_common_terms
from app.search.schema import CHINESE_FIELD_BOOSTS, build_schema

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


def _index(count: int):
    ix = RamStorage().create_index(build_schema())
    writer = ix.writer()
    for n in range(count):
        body = "疫情防控期间企业复工" + ("，口罩生产企业可申请补贴" if n % 10 == 0 else "")
        writer.add_document(slug=f"a{n}", title=f"通知{n}", body=body, cjk=body)
    writer.commit()
    return ix


def _terms(query) -> set[tuple[str, str]]:
    return set(query.iter_all_terms())


def test_words_in_most_articles_leave_a_chinese_query():
    query = make_parser(CHINESE_FIELD_BOOSTS).parse("疫情期间口罩企业有补贴吗")
    with _index(200).searcher() as searcher:
        kept = _terms(without_common_terms(searcher, query))
    assert ("body", "口罩") in kept and ("cjk", "补贴") in kept
    assert ("body", "疫情") not in kept and ("cjk", "疫情") not in kept
    assert ("body", "企业") not in kept  # in every article


def test_common_words_stay_in_a_small_index_or_when_nothing_else_is_left():
    question = make_parser(CHINESE_FIELD_BOOSTS).parse("疫情期间口罩")
    common = Or([Term("body", "疫情"), Term("body", "期间"), Term("cjk", "疫情")])
    with _index(40).searcher() as searcher:  # too few articles for a share to mean much
        assert _terms(without_common_terms(searcher, question)) == _terms(question)
    with _index(200).searcher() as searcher:
        assert _terms(without_common_terms(searcher, common)) == _terms(common)


def test_common_words_leave_a_question_that_synonyms_expanded():
    question = Or([Term("body", "疫情"), Term("body", "口罩")])
    expanded = Or([question, Term("body", "防护")])
    with _index(200).searcher() as searcher:
        kept = _terms(without_common_terms(searcher, expanded))
    assert kept == {("body", "口罩"), ("body", "防护")}
