"""Every setting the application reads, from the environment, in one place."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LANGUAGES = {"en", "zh"}  # interface translations shipped in app/translations

# name -> (default, description); the README's configuration table mirrors this.
DEFAULTS: dict[str, Any] = {
    "KB_CONTENT_DIR": "content",
    "KB_INDEX_DIR": "search_index",
    "DATABASE_URL": None,  # SQLite file in the instance folder
    "SECRET_KEY": None,  # read from instance/secret_key, created on first start
    "KB_ENV": "development",
    "KB_SITE_NAME": "Pronto Help Center",
    "KB_LANGUAGES": "en,zh",
    "KB_DEFAULT_LANGUAGE": "en",
    "KB_SUPPORT_EMAIL": "support@example.com",
    "KB_SEARCH_PAGE_SIZE": 10,
    "KB_MAX_QUERY_LENGTH": 300,
    "KB_SEARCH_LEARNING": "on",
    "KB_SEARCH_EMBEDDINGS": "on",
    "KB_PRELOAD_MODELS": "on",
    # An operator's ONNX sentence encoder per language (app/search/encoders.py); empty: shipped.
    "KB_SEARCH_MODEL_EN": None,
    "KB_SEARCH_MODEL_EN_POOLING": None,
    "KB_SEARCH_MODEL_EN_QUERY_PREFIX": None,
    "KB_SEARCH_MODEL_EN_PASSAGE_PREFIX": None,
    "KB_SEARCH_MODEL_EN_WEIGHT": None,
    "KB_SEARCH_MODEL_ZH": None,
    "KB_SEARCH_MODEL_ZH_POOLING": None,
    "KB_SEARCH_MODEL_ZH_QUERY_PREFIX": None,
    "KB_SEARCH_MODEL_ZH_PASSAGE_PREFIX": None,
    "KB_SEARCH_MODEL_ZH_WEIGHT": None,
    "KB_SEARCH_LEARNING_HALF_LIFE_DAYS": 30.0,
    "KB_SMTP_URL": None,
    "KB_MAIL_FROM": "helpcenter@localhost",
    "KB_TICKET_WEBHOOK_URL": None,
    "KB_TICKET_WEBHOOK_SECRET": None,
    # Replies by mail (docs/deploy.md): the address users answer to, tagged per ticket, and the
    # shared secret of the mail provider's webhook.
    "KB_INBOUND_MAIL_ADDRESS": None,
    "KB_INBOUND_MAIL_SECRET": None,
    "KB_TICKET_DELIVERY": "background",
    "KB_TICKET_ACK_MAIL": "on",
    "KB_TICKET_RATE_LIMIT": 5,
    "KB_TICKET_RATE_WINDOW_MINUTES": 60,
    "KB_RESPONSE_MINUTES": "10,60,240",
    "KB_TICKET_WINDOW_HOURS": 24,
    "KB_FLAG_THRESHOLD": 0.6,
    "KB_MAX_IMAGE_BYTES": 1024 * 1024,
    "KB_RATELIMIT_STORAGE_URL": "memory://",
    "KB_RATELIMIT_ENABLED": "on",
    "KB_RATELIMIT_VOTES": "60 per hour",
    "KB_RATELIMIT_VOTES_PER_ARTICLE": "10 per hour",
    "KB_RATELIMIT_TICKETS": "20 per hour",
    "KB_RATELIMIT_SEARCH": "300 per minute",
    "KB_RATELIMIT_SIGNIN": "30 per minute",
    "KB_RATELIMIT_WIDGET_SESSIONS": "60 per hour",
    "KB_RATELIMIT_INTEGRATION": "600 per minute",
    "KB_TRUSTED_PROXIES": 0,
    "KB_CONTENT_SOURCE": "files",
    "KB_ALLOWED_ORIGINS": "",
    "KB_CONTENT_SYNC_SECONDS": 2.0,
    "KB_PUBLIC_URL": None,  # absolute links (sitemap, canonical, mails) start with this
}

_INT_KEYS = {"KB_SEARCH_PAGE_SIZE", "KB_MAX_QUERY_LENGTH", "KB_TICKET_RATE_LIMIT",
             "KB_TICKET_RATE_WINDOW_MINUTES", "KB_TICKET_WINDOW_HOURS", "KB_MAX_IMAGE_BYTES",
             "KB_TRUSTED_PROXIES"}
_FLOAT_KEYS = {"KB_FLAG_THRESHOLD", "KB_SEARCH_LEARNING_HALF_LIFE_DAYS", "KB_CONTENT_SYNC_SECONDS"}
_LIST_KEYS = {"KB_RESPONSE_MINUTES"}
_WORD_LIST_KEYS = {"KB_LANGUAGES"}
_SWITCH_KEYS = {"KB_SEARCH_LEARNING", "KB_SEARCH_EMBEDDINGS", "KB_RATELIMIT_ENABLED",
                "KB_TICKET_ACK_MAIL", "KB_PRELOAD_MODELS"}
_RATE_KEYS = {"KB_RATELIMIT_VOTES", "KB_RATELIMIT_VOTES_PER_ARTICLE", "KB_RATELIMIT_TICKETS",
              "KB_RATELIMIT_SEARCH", "KB_RATELIMIT_SIGNIN", "KB_RATELIMIT_WIDGET_SESSIONS",
              "KB_RATELIMIT_INTEGRATION"}
_SWITCH_WORDS = {"on": True, "1": True, "true": True, "yes": True,
                 "off": False, "0": False, "false": False, "no": False}


def _coerce(key: str, value: Any) -> Any:
    if key in _SWITCH_KEYS:
        if isinstance(value, bool):
            return value
        switch = _SWITCH_WORDS.get(str(value).strip().lower())
        if switch is None:  # a typo must not switch a feature off without a word
            raise ValueError(value)
        return switch
    if key == "KB_ALLOWED_ORIGINS" and isinstance(value, str):
        from app.cross_origin import parse_origins

        return parse_origins(value)
    if key in _RATE_KEYS:
        from limits import parse_many

        parse_many(str(value))  # ValueError for anything but "N per minute;M per hour"
        return str(value)
    if key in _INT_KEYS:
        if int(value) < 0:
            raise ValueError(value)
        return int(value)
    if key in _FLOAT_KEYS:
        return float(value)
    if key in _WORD_LIST_KEYS and isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if key in _LIST_KEYS and isinstance(value, str):
        return [int(part) for part in value.split(",")]
    return value


def _checked(key: str, value: Any) -> Any:
    try:
        return _coerce(key, value)
    except ValueError:
        raise RuntimeError(f"{key}={value!r} is not valid: expected {_expected(key)}") from None


def _expected(key: str) -> str:
    if key in _SWITCH_KEYS:
        return "on or off (also 1/0, true/false, yes/no)"
    if key in _RATE_KEYS:
        return "a rate such as '10 per hour' or '5 per minute;100 per day'"
    if key == "KB_ALLOWED_ORIGINS":
        return "origins separated by commas, such as https://shop.example,http://127.0.0.1:8080"
    return "numbers separated by commas" if key in _LIST_KEYS else "a number"


def resolve_path(value: str | os.PathLike[str]) -> Path:
    """Relative paths are taken from the project directory, not the working directory."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_config(overrides: dict[str, Any] | None, instance_path: Path) -> dict[str, Any]:
    """Merge defaults, environment variables and explicit overrides (highest wins)."""
    config: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        value = os.environ.get(key, default)
        config[key] = _checked(key, value) if value is not None else None
    for key, value in (overrides or {}).items():
        config[key] = _checked(key, value)

    unknown = set(config["KB_LANGUAGES"]) - SUPPORTED_LANGUAGES
    if unknown or config["KB_DEFAULT_LANGUAGE"] not in config["KB_LANGUAGES"]:
        raise RuntimeError(
            f"KB_LANGUAGES={','.join(config['KB_LANGUAGES'])!r} / KB_DEFAULT_LANGUAGE="
            f"{config['KB_DEFAULT_LANGUAGE']!r} is not valid: languages must be among "
            f"{', '.join(sorted(SUPPORTED_LANGUAGES))} and include the default"
        )
    config["KB_CONTENT_DIR"] = resolve_path(config["KB_CONTENT_DIR"])
    config["KB_INDEX_DIR"] = resolve_path(config["KB_INDEX_DIR"])
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'helpcenter.db'}"
    if not config["SECRET_KEY"]:
        if config["KB_ENV"] == "production":
            raise RuntimeError("SECRET_KEY must be set in the environment when KB_ENV=production")
        config["SECRET_KEY"] = _instance_secret(instance_path)

    if config["KB_CONTENT_SOURCE"] not in {"files", "database"}:
        raise RuntimeError(f"KB_CONTENT_SOURCE={config['KB_CONTENT_SOURCE']!r} is not valid: "
                           "expected files or database")
    config["KB_PUBLIC_URL"] = public_url(config["KB_PUBLIC_URL"])
    inbound = config["KB_INBOUND_MAIL_ADDRESS"]
    if inbound and not re.fullmatch(r"[^@+\s]+@[^@\s]+\.[^@\s]+", str(inbound)):
        raise RuntimeError(f"KB_INBOUND_MAIL_ADDRESS={inbound!r} is not valid: expected an "
                           "address without a +tag, e.g. support@help.example.com")
    if config["KB_TICKET_DELIVERY"] not in {"background", "inline", "off"}:
        raise RuntimeError("KB_TICKET_DELIVERY must be background, inline or off")
    config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(config["DATABASE_URL"])
    # A server's connection can drop while pooled (a restart, a failover): check it on checkout.
    # A SQLite file has no connection to lose, and the check cost every page a statement.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")}
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = config["KB_ENV"] == "production"
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["JSON_SORT_KEYS"] = False
    # Large enough that an over-long ticket or image gets a 400 naming the limit, small enough
    # to refuse a flood of bytes.
    config.setdefault("MAX_CONTENT_LENGTH",
                      max(2 * 1024 * 1024, config["KB_MAX_IMAGE_BYTES"] + 256 * 1024))
    return config


def public_url(value: str | None) -> str | None:
    """``https://help.example.com`` (an optional path prefix kept), without a trailing slash."""
    if not value or not str(value).strip():
        return None
    parts = urlsplit(str(value).strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query \
            or parts.fragment:
        raise RuntimeError(f"KB_PUBLIC_URL={value!r} is not valid: expected the site's public "
                           "address, e.g. https://help.example.com")
    return str(value).strip().rstrip("/")


def sqlalchemy_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance_path: Path) -> str:
    """A per-installation secret kept in the instance folder, so all workers share it."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        draft = instance_path / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, key_file)  # atomic: the first worker wins, the others read its key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()
