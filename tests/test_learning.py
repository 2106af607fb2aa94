"""Learning from outcomes: bounded, once per session, fading, keyed by the analyzed terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.search.learning import (
    MAX_BOOST,
    NO,
    YES,
    LearnedBoosts,
    LearnedBoostsCache,
    Outcome,
    query_key,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def outcome(session, value=YES, query="refund my order", slug="refunds", days=0):
    return Outcome(session, query, slug, value, NOW - timedelta(days=days))


def test_similar_questions_share_a_key():
    assert query_key("Refunds for orders?") == query_key("order refund")


def test_good_outcomes_lift_the_article_within_the_cap():
    boosts = LearnedBoosts.from_outcomes([outcome(str(i)) for i in range(100)], NOW)
    ranked = boosts.rerank("refund order", [("other", 1.2), ("refunds", 1.0)])
    assert ranked[0][0] == "refunds"
    assert ranked[0][1] == pytest.approx(1.0 * (1 + MAX_BOOST), rel=1e-3)


def test_one_session_counts_once():
    once = LearnedBoosts.from_outcomes([outcome("s")], NOW)
    many = LearnedBoosts.from_outcomes([outcome("s") for _ in range(50)], NOW)
    assert once.boosts == many.boosts


def test_no_votes_and_tickets_count_against():
    boosts = LearnedBoosts.from_outcomes([outcome("a", NO), outcome("b", NO)], NOW)
    assert boosts.boosts[query_key("refund my order")]["refunds"] < 0


def test_old_outcomes_fade():
    fresh = LearnedBoosts.from_outcomes([outcome("a")], NOW, half_life_days=10)
    old = LearnedBoosts.from_outcomes([outcome("a", days=30)], NOW, half_life_days=10)
    key = query_key("refund my order")
    assert 0 < old.boosts[key]["refunds"] < fresh.boosts[key]["refunds"]


def test_unknown_questions_are_left_alone():
    boosts = LearnedBoosts.from_outcomes([outcome("a")], NOW)
    ranked = [("x", 2.0), ("refunds", 1.0)]
    assert boosts.rerank("reset password", ranked) == ranked


def test_cache_refreshes_after_ttl_and_survives_failures():
    calls = []

    def load():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database away")
        return LearnedBoosts.from_outcomes([outcome("a")], NOW)

    cache = LearnedBoostsCache(load, ttl=0)
    first = cache.current()
    assert cache.current() is first  # the failed refresh kept the last boosts
    assert len(calls) == 2
    assert LearnedBoostsCache(load, ttl=3600).current() is not None
