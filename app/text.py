"""Messages that plain modules produce for people, kept translatable.

A ``Text`` is the English message (a ``str``, so logs, the JSON API and tests read it as
before) that also remembers its template and values, so the web interface can show it in the
reader's language (``app.i18n.translate``). ``pybabel extract`` collects ``Text("…")``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

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


class TextError(ValueError):
    """An error whose first argument is the message to show a person: ``str(error)`` is that
    message itself, a ``Text`` when it is one, so a page can show it translated."""

    def __str__(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


@lru_cache(maxsize=8)
def _catalog(language: str) -> NullTranslations:
    return Translations.load(str(CATALOGS), [language])


def in_language(message: str, language: str | None) -> str:
    """``message`` in ``language`` (a primary code such as ``zh``) where there is no request to
    choose it, e.g. a mail delivered in the background; English for anything but a ``Text``."""
    if not isinstance(message, Text) or not language:
        return str(message)
    values = {key: in_language(value, language) if isinstance(value, Text) else value
              for key, value in message.values.items()}
    template = _catalog(language).gettext(message.template)
    return template % values if values else template
