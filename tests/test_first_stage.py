"""The array first stage ranks exactly as Whoosh's matchers do, with an exact count."""

from __future__ import annotations

import pytest
from whoosh.query import Term

from app.content import load_content
from app.search import IndexStore, SearchService, indexer
from app.search.first_stage import FirstStage, rank, unmatched
from tests.conftest import write_article

QUESTIONS = ["reset password", "refund money back", '"two-factor authentication"',
             "I was charged twice", "app keeps crashing", "退款多久到账", "忘记密码",
             "delivery address wrong", "xylophone zeppelin"]


def both(searcher, service, question, filter=None, mask=None):
    query = service.parse(question)
    whoosh = rank(searcher, query, 20, filter, mask)
    arrays = rank(searcher, query, 20, filter, mask, stage=FirstStage(searcher))
    return whoosh, arrays


@pytest.mark.parametrize("question", QUESTIONS)
def test_same_order_scores_and_count_as_whoosh(helpcenter, question):
    service = helpcenter.search_service
    with service.pool.searcher() as (searcher, _):
        for filter, mask in [(None, None), (Term("journey", "account-and-security"), None),
                             (Term("language", "zh"), None), (None, Term("language", "zh"))]:
            (ranked, total, exact), (arrays, count, _) = both(searcher, service, question,
                                                              filter, mask)
            assert [d for d, _ in arrays] == [d for d, _ in ranked]
            assert [s for _, s in arrays] == pytest.approx([s for _, s in ranked], rel=1e-12)
            assert exact and count == total


def test_deleted_and_updated_articles_are_ranked_as_whoosh_ranks_them(make_content, tmp_path):
    for number in range(12):
        write_article(make_content, "getting-started", f"refund-{number}",
                      f"title: Refund {number}\nsummary: Money back {number}.",
                      body=f"Refund steps {number}. " + "refund " * number + "\n")
    store = IndexStore(tmp_path / "index")
    store.embed_titles = False
    indexer.rebuild(store, load_content(make_content))
    (make_content / "getting-started" / "refund-3.md").unlink()
    write_article(make_content, "getting-started", "refund-5", "title: Refund five\n"
                  "summary: Changed.", body="refund refund refund refund refund refund\n")
    indexer.update(store, load_content(make_content))
    service = SearchService(store)
    with service.pool.searcher() as (searcher, _):
        assert searcher.reader().has_deletions()
        (ranked, total, _), (arrays, count, _) = both(searcher, service, "refund steps")
        assert [d for d, _ in arrays] == [d for d, _ in ranked]
        assert count == total == 11
        query = service.parse("refund steps")
        stage = FirstStage(searcher)
        everything = {d for d, _ in ranked}
        assert unmatched(searcher, query, everything | {0, 1}, stage) == unmatched(
            searcher, query, everything | {0, 1})
