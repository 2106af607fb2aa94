"""Stage 5, when few articles match: "did you mean", from the words the index holds."""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh.searching import Searcher

FEW_RESULTS = 3  # below this, a spelling suggestion is worth showing


def did_you_mean(searcher: Searcher, text: str, words: Callable) -> str | None:
    """``text`` with each word the index has never seen replaced by the closest word it has
    (``words`` is the spelling field's analyzer); None when nothing changed."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    corrected = text
    changed = False
    for token in words(text):
        word = token.text
        if reader.doc_frequency("spell", word) > 0 or not word.isalpha():
            continue
        suggestions = corrector.suggest(word, limit=1, maxdist=2 if len(word) > 4 else 1)
        if suggestions:
            corrected = re.sub(rf"(?i)\b{re.escape(word)}\b", suggestions[0], corrected)
            changed = True
    return corrected if changed and corrected.lower() != text.lower() else None
