"""Configuration from the environment: defaults, overrides and clear errors."""

from __future__ import annotations

import pytest

from app.config import load_config


def test_defaults_and_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_SEARCH_PAGE_SIZE", "20")
    config = load_config({"KB_FLAG_THRESHOLD": "0.5"}, tmp_path)
    assert config["KB_SEARCH_PAGE_SIZE"] == 20 and config["KB_FLAG_THRESHOLD"] == 0.5
    assert config["KB_RESPONSE_MINUTES"] == [10, 60, 240]
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'helpcenter.db'}"
    assert (tmp_path / "secret_key").read_text() == config["SECRET_KEY"]
    assert load_config({}, tmp_path)["SECRET_KEY"] == config["SECRET_KEY"]  # shared by workers


@pytest.mark.parametrize(("value", "switched_on"), [
    ("on", True), ("ON", True), ("1", True), ("true", True), ("yes", True),
    ("off", False), ("Off", False), ("0", False), ("false", False), ("no", False),
])
def test_switches_read_on_and_off_words(tmp_path, monkeypatch, value, switched_on):
    monkeypatch.setenv("KB_SEARCH_EMBEDDINGS", value)
    assert load_config({}, tmp_path)["KB_SEARCH_EMBEDDINGS"] is switched_on
    assert load_config({"KB_SEARCH_LEARNING": value}, tmp_path)["KB_SEARCH_LEARNING"] is switched_on


def test_postgres_urls_use_psycopg3(tmp_path):
    config = load_config({"DATABASE_URL": "postgres://u@db/help"}, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/help"


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("KB_SEARCH_PAGE_SIZE", "ten", "KB_SEARCH_PAGE_SIZE='ten' is not valid: expected a number"),
    ("KB_RESPONSE_MINUTES", "10;60", "expected numbers separated by commas"),
    ("KB_TICKET_DELIVERY", "later", "KB_TICKET_DELIVERY must be background, inline or off"),
    ("KB_SEARCH_EMBEDDINGS", "of", "KB_SEARCH_EMBEDDINGS='of' is not valid: expected on or off"),
    ("KB_SEARCH_LEARNING", "disabled", "KB_SEARCH_LEARNING='disabled' is not valid"),
])
def test_bad_values_name_the_variable(tmp_path, monkeypatch, key, value, fragment):
    monkeypatch.setenv(key, value)
    with pytest.raises(RuntimeError, match=fragment.replace("(", r"\(")):
        load_config({}, tmp_path)


def test_production_requires_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        load_config({"KB_ENV": "production"}, tmp_path)
    config = load_config({"KB_ENV": "production", "SECRET_KEY": "s"}, tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
