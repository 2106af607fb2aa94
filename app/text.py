"""Messages that plain modules produce for people, kept translatable.

A ``Text`` is the English message (a ``str``, so logs, the JSON API and tests read it as
before) that also remembers its template and values, so the web interface can show it in the
reader's language (``app.i18n.translate``). ``pybabel extract`` collects ``Text("…")``.
"""

from __future__ import annotations

from typing import Any


class Text(str):
    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Text:
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text
