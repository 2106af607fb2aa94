"""Editors' synonyms: validation with file and line, query expansion, reload on change."""

from __future__ import annotations

import os

import pytest

from app.search.schema import build_schema
from app.search.searcher import SearchService
from app.search.synonyms import (
    SynonymsError,
    SynonymSet,
    SynonymsFile,
    load_synonyms,
    parse_synonyms,
)


def test_groups_are_read():
    assert parse_synonyms("- [refund, money back]\n- [退款, 退钱]\n") == [
        ["refund", "money back"], ["退款", "退钱"]]
    assert parse_synonyms("# nothing yet\n") == []


@pytest.mark.parametrize(("text", "line", "message"), [
    ("- [refund, money back\n", 2, "not valid YAML"),
    ("refund: money back\n", 1, "expected a list"),
    ("- [refund, money back]\n- refund\n", 2, "must be a list"),
    ("- [refund]\n", 1, "at least two"),
    ("- [refund, money back]\n- [refund, '']\n", 2, "non-empty"),
    ("- [refund, [money back]]\n", 1, "non-empty"),
])
def test_bad_files_name_file_and_line(text, line, message):
    with pytest.raises(SynonymsError) as error:
        parse_synonyms(text, "content/_synonyms.yml")
    assert f"content/_synonyms.yml, line {line}" in str(error.value)
    assert message in str(error.value)


def test_alternatives_match_after_analysis():
    synonyms = SynonymSet.from_groups([["refund", "money back"], ["退款", "退钱"]])
    assert synonyms.alternatives("Refunds for my order") == [("money", "back")]
    assert synonyms.alternatives("I want my money back") == [("refund",)]
    assert synonyms.alternatives("怎么退钱") == [("退款",)]
    assert synonyms.alternatives("reset password") == []


def test_expansion_adds_lower_weight_terms():
    boosts = {"title": 3.0, "body": 1.0}
    parser = SearchService._make_parser(boosts)
    synonyms = SynonymSet.from_groups([["refund", "reimbursement"]])
    query = synonyms.expand("refund", parser.parse("refund"), boosts)
    terms = {(field, word) for field, word in query.iter_all_terms()}
    assert ("title", "reimburs") in terms and ("body", "reimburs") in terms
    boosts = {q.boost for q in query.subqueries[1:]}
    assert boosts == {1.5, 0.5}
    assert "title" in build_schema()


def test_file_is_reloaded_when_it_changes_and_bad_edits_keep_the_last_good(tmp_path):
    path = tmp_path / "_synonyms.yml"
    synonyms = SynonymsFile(path)
    assert synonyms.current().groups == ()
    path.write_text("- [refund, reimbursement]\n", encoding="utf-8")
    assert len(synonyms.current().groups) == 1
    first = synonyms.version()
    path.write_text("- [refund\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert len(synonyms.current().groups) == 1
    assert "line" in synonyms.error and synonyms.version() != first


def test_demo_synonyms_file_is_valid():
    from app.config import PROJECT_ROOT

    assert load_synonyms(PROJECT_ROOT / "content" / "_synonyms.yml").groups


def test_content_check_reports_a_bad_synonyms_file(runner, content_dir):
    path = content_dir / "_synonyms.yml"
    good = path.read_text(encoding="utf-8")
    try:
        path.write_text("- [refund, money back]\n- [refund]\n", encoding="utf-8")
        result = runner.invoke(args=["content", "check"])
        assert result.exit_code == 1
        assert f"{path}, line 2: a group needs at least two entries" in result.output
    finally:
        path.write_text(good, encoding="utf-8")


def test_demo_synonyms_reach_the_search(helpcenter):
    slugs = [hit.slug for hit in helpcenter.search("chargeback").hits[:3]]
    assert "request-a-refund" in slugs
    assert "refund-timelines-zh" in [hit.slug for hit in helpcenter.search("退钱").hits[:3]]
