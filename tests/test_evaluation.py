"""The search-quality evaluation: the metrics themselves, and a run on a shared set."""

from __future__ import annotations

import pytest

from app.content import load_content
from app.search.evaluation import evaluate, read_queries, score
from tests.conftest import SHARED


def test_metrics_are_computed_as_defined():
    rankings = {"a": ["x", "y"], "b": ["y", "x"], "c": ["q"] * 4 + ["x"], "d": []}
    queries = [("a", frozenset({"x"})), ("b", frozenset({"x"})), ("c", frozenset({"x", "z"})),
               ("d", frozenset({"x"}))]
    result = score(lambda query: rankings[query], queries)
    assert result.queries == 4
    assert result.p_at_1 == pytest.approx(1 / 4)
    assert result.mrr_at_10 == pytest.approx((1 + 1 / 2 + 1 / 5) / 4)
    assert result.hit_at_5 == pytest.approx(3 / 4)


def test_query_file_format(tmp_path):
    path = tmp_path / "dev.tsv"
    path.write_text("how do I reset\treset-password\nboth\ta, b\n\nno tab here\n",
                    encoding="utf-8")
    assert read_queries(path) == [("how do I reset", frozenset({"reset-password"})),
                                  ("both", frozenset({"a", "b"}))]


def test_search_beats_plain_bm25_on_stackfaq():
    folder = SHARED / "eval" / "stackfaq"
    if not (folder / "dev.tsv").is_file():
        pytest.skip(f"{folder} not found: the shared evaluation sets are absent")
    scores = evaluate(load_content(folder / "content"), read_queries(folder / "dev.tsv"))
    # The quoted baseline is 0.679; Whoosh keeps document lengths in one byte, so its BM25
    # lands close to, not exactly on, the reference implementation.
    assert scores["plain BM25"].p_at_1 == pytest.approx(0.679, abs=0.04)
    assert scores["search"].p_at_1 > scores["plain BM25"].p_at_1 + 0.05
    assert scores["search"].hit_at_5 > scores["plain BM25"].hit_at_5


def test_cross_validation_chooses_on_other_folds():
    from app.search.levers import cross_validate, folds
    from app.search.rerank import TitleSimilarity

    model = TitleSimilarity([("refunds", "Get a refund"), ("orders", "Track an order")])
    queries = [(f"refund {i}", frozenset({"refunds"})) for i in range(10)]
    candidates = {query: [("orders", 2.0), ("refunds", 1.8)] for query, _ in queries}
    assert [len(part) for part in folds(queries, 5)] == [2] * 5
    result = cross_validate(queries, candidates, model, weights=(0.0, 1.0), k=5)
    assert result.chosen == (1.0,) * 5
    assert result.held_out.p_at_1 == 1.0
    assert result.by_setting[0.0].p_at_1 == 0.0


def test_a_near_copy_of_the_right_answer_at_rank_1_counts_only_in_the_lenient_figures(
        make_content):
    from app.search.evaluation import near_copy_partners, with_near_copies
    from tests.conftest import write_article

    notice = " ".join(f"Clause {n}: residents of district {n} apply at office {n}." for n in
                      range(12))
    for slug in ("notice-city", "notice-county"):
        write_article(make_content, "getting-started", slug,
                      f"title: Notice {slug}\nsummary: The same notice.", body=notice + "\n")
    write_article(make_content, "getting-started", "other", "title: Other\nsummary: Else.",
                  body="Something else entirely, about parking permits and fees.\n")
    partners = near_copy_partners(load_content(make_content))
    assert partners == {"notice-city": {"notice-county"}, "notice-county": {"notice-city"}}
    queries = [("where do residents apply", frozenset({"notice-city"})),
               ("parking", frozenset({"other"}))]
    ranking = {"where do residents apply": ["notice-county", "notice-city"],
               "parking": ["other"]}
    strict = score(ranking.__getitem__, queries)
    lenient = score(ranking.__getitem__, with_near_copies(queries, partners))
    assert (strict.p_at_1, lenient.p_at_1) == (0.5, 1.0)
