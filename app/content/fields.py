"""Check and normalise the front matter fields of one article."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from app.text import Text, TextError

REQUIRED_FIELDS = ("title", "summary")
KNOWN_FIELDS = frozenset(
    {"title", "summary", "tags", "lang", "translation_key", "urgent", "updated", "review_by",
     "related", "draft"}
)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 300


def slugify(text: str, fallback: str = "article", max_length: int | None = None) -> str:
    """Lowercase ASCII letters, digits and single hyphens (accents folded: café -> cafe);
    ``fallback`` when nothing is left."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower())[:max_length].strip("-")
    return slug or fallback


class FieldError(TextError):
    """A field's value is not usable; the message is shown translated in the editor."""


def as_text(value: Any, name: str, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(Text("'%(name)s' must be non-empty text", name=name))
    text = value.strip()
    if "\n" in text:
        raise FieldError(Text("'%(name)s' must be a single line", name=name))
    if len(text) > max_length:
        raise FieldError(Text("'%(name)s' is %(length)s characters long; the limit is %(limit)s",
                              name=name, length=len(text), limit=max_length))
    return text


def as_string_list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise FieldError(Text("'%(name)s' must be a list, e.g. %(name)s: [one, two]", name=name))
    return tuple(str(v).strip() for v in value if str(v).strip())


def as_slug_list(value: Any, name: str) -> tuple[str, ...]:
    slugs = as_string_list(value, name)
    bad = [slug for slug in slugs if not SLUG_PATTERN.match(slug)]
    if bad:
        raise FieldError(Text("'%(name)s' has invalid slugs: %(slugs)s", name=name,
                              slugs=", ".join(bad)))
    return slugs


def as_bool(value: Any, name: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FieldError(Text("'%(name)s' must be true or false, not %(value)s", name=name,
                              value=repr(value)))
    return value


def as_date(value: Any, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError(Text("'%(name)s' must be a date written YYYY-MM-DD, not %(value)s",
                          name=name, value=repr(value)))


def as_lang(value: Any, name: str) -> str:
    if value is None:
        return "en"
    if not isinstance(value, str) or not LANG_PATTERN.match(value.strip()):
        raise FieldError(Text("'%(name)s' must be a language code such as en or zh-CN, "
                              "not %(value)s", name=name, value=repr(value)))
    return value.strip()


def as_slug(value: Any, name: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not SLUG_PATTERN.match(text):
        raise FieldError(Text("'%(name)s' must be a slug (lowercase letters, digits and "
                              "hyphens), not %(value)s", name=name, value=repr(value)))
    return text


def primary_language(lang: str) -> str:
    """The language without its region: ``zh-CN`` -> ``zh``."""
    return lang.split("-", 1)[0].lower()
