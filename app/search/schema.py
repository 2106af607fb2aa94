"""The index schema and the analyzers that turn text into terms."""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer, StopFilter
from whoosh.analysis.filters import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.fields import BOOLEAN, ID, STORED, TEXT, Schema
from whoosh.lang import porter2

# Bump when the schema or analysis changes: an index of another version is rebuilt on start.
SCHEMA_VERSION = "1"

# Whoosh's list plus the words people put around a question ("how do I", "why is my").
QUESTION_WORDS = frozenset(
    """
    how do does did doing done i i'm im me my mine myself what what's whats why which who whom
    where when is am was were been being there their them they our ours its it's should would
    could shall might must please hi hello thanks thank just also about into any some
    get got getting want wanted need needs trying try tried still anyone someone something
    """.split()
)
STOP_WORDS = frozenset(WHOOSH_STOP_WORDS | QUESTION_WORDS)

# Field weights for BM25F: a match in the title says more than one deep in the body.
FIELD_BOOSTS = {"title": 3.0, "tags": 2.0, "summary": 1.5, "body": 1.0}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)


def english_analyzer() -> StemmingAnalyzer:
    """Word tokens, lower-cased, question stop words removed, Porter2 (Snowball) stems."""
    return StemmingAnalyzer(stoplist=STOP_WORDS, stemfn=porter2.stem, minsize=2)


def spelling_analyzer():
    """Unstemmed words for "did you mean": suggestions must be real words, not stems."""
    return RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=3)


def build_schema() -> Schema:
    text = english_analyzer()
    return Schema(
        slug=ID(stored=True, unique=True),
        journey=ID(stored=True),
        lang=ID(stored=True),
        title=TEXT(analyzer=text, stored=True),
        summary=TEXT(analyzer=text, stored=True),
        tags=TEXT(analyzer=text),
        body=TEXT(analyzer=text, stored=True),
        spell=TEXT(analyzer=spelling_analyzer(), spelling=True),
        urgent=BOOLEAN(stored=True),
        updated=ID(stored=True, sortable=True),
        markdown=STORED,
        tag_list=STORED,
        review_by=STORED,
        related=STORED,
        path=STORED,
        content_hash=STORED,
    )
