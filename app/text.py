"""Messages that plain modules produce for people, kept translatable.

A ``Text`` is the English message (a ``str``, so logs, the JSON API and tests read it as
before) that also remembers its template and values, so the web interface can show it in the
reader's language (``app.i18n.translate``). ``pybabel extract`` collects ``Text("…")``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.support import NullTranslations, Translations

CATALOGS = Path(__file__).parent / "translations"  # compiled by ``make setup``


class Text(str):
    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Text:
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text

    def fill(self, **values: Any) -> Text:
        """The same message with these values (for a template kept as a constant)."""
        return Text(self.template, **values)


class StoredText:
    """Messages kept in English where they are stored (ticket notes, priority reasons, change
    summaries), recognised again when shown so that a page can translate them. The writer fills
    one of ``templates``; ``read`` gives back that ``Text``, or the stored string unchanged."""

    def __init__(self, *templates: Text) -> None:
        self._patterns = [(re.compile(_as_pattern(t.template), re.DOTALL), t.template)
                          for t in templates]

    def read(self, stored: str | None) -> str | None:
        for pattern, template in self._patterns:
            matched = pattern.fullmatch(stored or "")
            if matched:
                return Text(template, **matched.groupdict())
        return stored


def _as_pattern(template: str) -> str:
    parts = re.split(r"%\((\w+)\)s", template)  # literal, name, literal, name, ...
    return "".join(re.escape(part.replace("%%", "%")) if number % 2 == 0 else f"(?P<{part}>.*)"
                   for number, part in enumerate(parts))


class TextError(ValueError):
    """An error whose first argument is the message to show a person: ``str(error)`` is that
    message itself, a ``Text`` when it is one, so a page can show it translated."""

    def __str__(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


@lru_cache(maxsize=8)
def _catalog(language: str) -> NullTranslations:
    return Translations.load(str(CATALOGS), [language])


def in_language(message: str, language: str | None, locale: str | None = None) -> str:
    """``message`` in ``language`` (a primary code such as ``zh``; None: English), with the
    values that are messages translated too and, given a Babel ``locale``, dates written the
    local way. Pages call it through ``app.i18n.translate``; a mail delivered in the background
    calls it with the ticket's language. Anything but a ``Text`` is returned as it is."""
    if not isinstance(message, Text):
        return str(message)
    values = {key: _value_in(value, language, locale) for key, value in message.values.items()}
    template = _catalog(language).gettext(message.template) if language else message.template
    return template % values if values else template


def _value_in(value: Any, language: str | None, locale: str | None) -> Any:
    if isinstance(value, Text):
        return in_language(value, language, locale)
    if locale and isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value, "medium", locale=locale)
    return value
