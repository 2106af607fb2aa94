"""Stage 1, the question: normalise the text and parse it into a Whoosh query.

Plain words and "quoted phrases" only (no field names, wildcards or operators), over the field
boosts of the question's language, with editors' synonyms wrapped around it. A Chinese
question's words that nearly every article holds are pruned once the index is known.
"""

from __future__ import annotations

import re
import unicodedata

from whoosh.qparser import MultifieldParser, OrGroup, PhrasePlugin
from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from app.search.analysis import has_chinese
from app.search.schema import CHINESE_FIELD_BOOSTS, FIELD_BOOSTS, build_schema
from app.text import Text

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A Chinese question's words and character pairs found in more than this share of the articles
# (疫情, 防控 in a set of epidemic policies) are left out of its query: they barely rank, yet
# their postings are most of the work. Chosen by 5-fold CV on ncp-policies (docs/search-quality.md).
COMMON_TERM_SHARE = 0.7
COMMON_TERM_MIN_DOCS = 100  # below this a share says little about a word


class QueryError(ValueError):
    """The query cannot be run; the message is fit to show the user."""


def normalize_query(text: str, max_length: int) -> str:
    """NFKC, no control characters, single spaces; QueryError if empty or too long."""
    text = CONTROL_CHARACTERS.sub(" ", unicodedata.normalize("NFKC", text or ""))
    text = " ".join(text.split())
    if not text:
        raise QueryError(Text("Type a few words describing your problem."))
    if len(text) > max_length:
        raise QueryError(Text(
            "Your search is %(length)s characters long; please keep it under %(limit)s.",
            length=len(text), limit=max_length,
        ))
    return text


def make_parser(boosts: dict[str, float]) -> MultifieldParser:
    """Plain words and "quoted phrases" only: no field names, wildcards or operators."""
    boosts = {field: boost for field, boost in boosts.items() if boost > 0}
    return MultifieldParser(
        list(boosts), build_schema(), fieldboosts=boosts,
        group=OrGroup, plugins=[PhrasePlugin()],
    )


class QueryParser:
    """A question's text as a query, in the fields of its language, synonyms expanded."""

    def __init__(self) -> None:
        self._english = make_parser(FIELD_BOOSTS)
        self._chinese = make_parser(CHINESE_FIELD_BOOSTS)
        self.synonyms = None  # a synonyms.SynonymSet, expanded into queries when set

    def parse(self, text: str) -> Query:
        chinese = has_chinese(text)
        query = (self._chinese if chinese else self._english).parse(text)
        if self.synonyms is not None:
            query = self.synonyms.expand(
                text, query, CHINESE_FIELD_BOOSTS if chinese else FIELD_BOOSTS)
        return query


def without_common_terms(searcher: Searcher, query: Query,
                         share: float = COMMON_TERM_SHARE) -> Query:
    """The query without its plain terms found in more than ``share`` of the documents.

    Phrases are kept; an OR (the question's, or the one synonyms wrap around it) that would be
    left empty is kept whole.
    """
    count = searcher.doc_count()
    if count < COMMON_TERM_MIN_DOCS:
        return query
    reader = searcher.reader()

    def prune(node: Query) -> Query | None:
        if isinstance(node, Term):
            common = reader.doc_frequency(node.fieldname, node.text) > share * count
            return None if common else node
        if not isinstance(node, Or):
            return node
        kept = [sub for sub in map(prune, node.subqueries) if sub is not None]
        if not kept:
            return None
        return node if kept == node.subqueries else Or(kept, boost=node.boost)

    return prune(query) or query
