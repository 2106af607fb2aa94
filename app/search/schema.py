"""The index schema and the analyzers that turn text into terms."""

from __future__ import annotations

from whoosh.analysis import NgramFilter, RegexTokenizer
from whoosh.fields import BOOLEAN, ID, STORED, TEXT, Schema

from app.search.analysis import (
    CJK_RANGES,
    ENGLISH_QUESTION_WORDS,
    STOP_WORDS,
    spelling_analyzer,
    text_analyzer,
)

# Bump when the schema or analysis changes: an index of another version is rebuilt on start.
SCHEMA_VERSION = "5"

QUESTION_WORDS = ENGLISH_QUESTION_WORDS
__all__ = ["STOP_WORDS", "QUESTION_WORDS", "spelling_analyzer", "text_analyzer", "build_schema"]

# Field weights for BM25F: a match in the title says more than one deep in the body.
FIELD_BOOSTS = {"title": 3.0, "tags": 2.0, "summary": 1.5, "body": 1.0}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)

# A question with Chinese in it is also matched on character pairs (the ``cjk`` field), which
# forgive segmentation differences between question and article (黑龙江省 / 黑龙江). Weights
# chosen by 5-fold cross-validation on the ncp-policies questions (docs/search-quality.md).
CHINESE_FIELD_BOOSTS = {"title": 0.3, "tags": 2.0, "summary": 0.0, "body": 1.0, "cjk": 1.0}


def character_pairs_analyzer():
    """Overlapping pairs of Chinese characters; everything else is left out."""
    return RegexTokenizer(f"[{CJK_RANGES}]+") | NgramFilter(2, 2)


def build_schema() -> Schema:
    text = text_analyzer()
    return Schema(
        # slug and content_hash are also columns: an update reads which articles changed
        # without unpacking every stored article.
        slug=ID(stored=True, unique=True, sortable=True),
        journey=ID(stored=True),
        lang=ID(stored=True),
        language=ID(stored=True),  # the primary code (zh for zh-CN): results in it come first
        translation_key=ID(stored=True),
        title=TEXT(analyzer=text, stored=True),
        summary=TEXT(analyzer=text, stored=True),
        tags=TEXT(analyzer=text),
        body=TEXT(analyzer=text, stored=True),
        cjk=TEXT(analyzer=character_pairs_analyzer()),
        spell=TEXT(analyzer=spelling_analyzer(), spelling=True),
        urgent=BOOLEAN(stored=True),
        updated=ID(stored=True, sortable=True),
        markdown=STORED,
        tag_list=STORED,
        review_by=STORED,
        related=STORED,
        path=STORED,
        content_hash=ID(stored=True, sortable=True),
        title_vector=STORED,  # the title's sentence embedding (encoders.py), float32 bytes
        passage_vector=STORED,  # the summary's, for languages whose model takes passages
        vector_model=STORED,  # the model that made them: others' vectors are not compared
    )
