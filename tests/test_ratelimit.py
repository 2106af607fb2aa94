"""Shared rate limits: votes, sign-in without lock-outs, trusted proxies, Redis shared and down."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, select

from app.events.models import Vote
from app.extensions import db
from tests.conftest import BROWSER, STAFF_PASSWORD, add_staff, csrf_token, free_port, sign_in

VOTE = "/api/v1/articles/cancel-an-order/votes"
REDIS_URL = "redis://127.0.0.1:6379/13"


def votes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Vote.session_id)))


def vote_as_new_client(app, headers=None):
    """A client with no cookies: a new help session each time."""
    return app.test_client().post(VOTE, json={"helpful": True},
                                  headers={**BROWSER, **(headers or {})})


def test_new_clients_from_one_address_cannot_stuff_an_article(make_app):
    app = make_app(KB_RATELIMIT_VOTES_PER_ARTICLE="5 per hour")
    answers = [vote_as_new_client(app).status_code for _ in range(30)]
    assert answers.count(200) == 5 and answers.count(429) == 25
    assert votes(app) == 5
    refused = vote_as_new_client(app)
    assert "Too many votes" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0


def test_forwarded_for_header_is_ignored_without_trusted_proxies(make_app):
    app = make_app(KB_RATELIMIT_VOTES_PER_ARTICLE="2 per hour")
    answers = [vote_as_new_client(app, {"X-Forwarded-For": f"203.0.113.{n}"}).status_code
               for n in range(5)]
    assert answers.count(200) == 2


def test_behind_one_trusted_proxy_each_client_address_counts_alone(make_app):
    app = make_app(KB_RATELIMIT_VOTES_PER_ARTICLE="2 per hour", KB_TRUSTED_PROXIES="1")
    spread = [vote_as_new_client(app, {"X-Forwarded-For": f"203.0.113.{n}"}).status_code
              for n in range(5)]
    assert spread.count(200) == 5
    same = [vote_as_new_client(app, {"X-Forwarded-For": "198.51.100.7"}).status_code
            for _ in range(4)]
    assert same.count(200) == 2


def test_a_stranger_cannot_lock_the_real_user_out(make_app):
    app = make_app()
    add_staff(app, "manager@pronto.test", "manager")
    owner, first = sign_in(app, "manager@pronto.test")  # the owner's browser, known from now
    assert first.status_code == 302
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/dashboard/")},
                headers=BROWSER)
    for _ in range(6):
        _, stranger = sign_in(app, "manager@pronto.test", "guess")
    assert stranger.status_code == 429
    assert "Retry-After" in stranger.headers
    token = csrf_token(owner, "/login")
    again = owner.post("/login", data={"email": "manager@pronto.test", "password": STAFF_PASSWORD,
                                       "csrf_token": token}, headers=BROWSER)
    assert again.status_code == 302  # the owner's browser is not slowed by the stranger


def test_wrong_passwords_from_a_known_browser_wait_too(make_app):
    app = make_app()
    add_staff(app, "agent@pronto.test", "agent")
    client, _ = sign_in(app, "agent@pronto.test")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")}, headers=BROWSER)
    for _ in range(5):
        client.post("/login", data={"email": "agent@pronto.test", "password": "nope",
                                    "csrf_token": csrf_token(client, "/login")}, headers=BROWSER)
    last = client.post("/login", data={"email": "agent@pronto.test", "password": STAFF_PASSWORD,
                                       "csrf_token": csrf_token(client, "/login")},
                       headers=BROWSER)
    assert last.status_code == 429


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture()
def clean_redis():
    if not redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379: the shared-store tests need one")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_two_nodes_share_their_limits_through_redis(make_app, clean_redis):
    config = {"KB_RATELIMIT_STORAGE_URL": clean_redis, "KB_RATELIMIT_VOTES_PER_ARTICLE":
              "4 per hour"}
    node_a, node_b = make_app(**config), make_app(**config)
    answers = [vote_as_new_client(node).status_code for node in (node_a, node_b) * 4]
    assert answers.count(200) == 4


def test_the_site_keeps_working_when_the_rate_limit_store_is_down(make_app):
    app = make_app(KB_RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{free_port()}/0",
                   KB_RATELIMIT_VOTES_PER_ARTICLE="3 per hour")
    answers = [vote_as_new_client(app).status_code for _ in range(5)]
    assert answers.count(200) == 3  # limits fall back to this process's memory
    add_staff(app, "admin@pronto.test", "admin")
    _, signed_in = sign_in(app, "admin@pronto.test")
    assert signed_in.status_code == 302


def test_an_unreadable_limit_stops_the_start_naming_the_variable():
    from app import create_app

    with pytest.raises(RuntimeError, match="KB_RATELIMIT_VOTES="):
        create_app({"KB_RATELIMIT_VOTES": "lots", "SECRET_KEY": "x"})
