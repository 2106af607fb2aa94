"""Keys of the rendered parts of pages that every reader of one language sees alike (an
article, its related links), kept in an ``LRU`` (``app.extensions["page_parts"]``) so that a
page renders only what is its reader's own: the vote panel, the header. A key holds every input
of its part, so a changed input is a new key, never a stale part. Knows nothing of requests."""

from __future__ import annotations

from app.content.models import Article, Journey


def article_key(article: Article, language: str, script_root: str, *, stale: bool,
                missing_translation: bool, journey: Journey | None,
                translations: list[Article]) -> tuple:
    """Everything ``site/_article_main.html`` is made of: the file's bytes (its hash), the
    slug and journey it is filed under (a renamed copy has the same bytes), the reader's
    language, the site's path prefix, the review notice, the journey's title and the other
    language versions linked."""
    return ("article", article.slug, article.journey, article.content_hash, language,
            script_root, stale, missing_translation,
            journey and (journey.slug, journey.title_for(language)),
            tuple((other.slug, other.language, other.lang) for other in translations))


def related_key(article: Article, language: str, script_root: str,
                related: list[Article]) -> tuple:
    """Everything ``site/_article_more.html`` is made of: the article's slug (its contact
    link), the language, the path prefix and each related article's slug and bytes."""
    return ("article-more", article.slug, language, script_root,
            tuple((other.slug, other.content_hash) for other in related))
