"""schema.org structured data for article pages, as JSON-LD that is safe inside HTML.

Every article is an ``Article``. An article whose title is a question is also a ``FAQPage``
with that one question, answered by the article (``is_question``: the rule is documented in
docs/search-engines.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup

from app.content import Article
from app.content.render import markdown_to_text

HEADLINE_LIMIT = 110  # longer headlines are ignored by search engines
ANSWER_LIMIT = 5000
# Chinese questions rarely end with a question mark: a final particle or an interrogative.
CHINESE_QUESTION_ENDINGS = ("吗", "呢", "怎么办")
CHINESE_INTERROGATIVES = ("什么", "为什么", "多久", "怎么选", "哪里", "哪些", "是否")
# Characters that could end the <script> element or confuse an HTML parser, as JSON escapes.
_UNSAFE_IN_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE_PATTERN = re.compile("[<>&\u2028\u2029]")


def is_question(article: Article) -> bool:
    """The title asks something: it ends with ``?`` or ``？``, or (Chinese) ends with 吗, 呢
    or 怎么办, or contains an interrogative such as 什么 or 多久."""
    title = article.title.strip()
    if title.endswith(("?", "？")):
        return True
    if article.language == "zh":
        return title.endswith(CHINESE_QUESTION_ENDINGS) or any(
            word in title for word in CHINESE_INTERROGATIVES)
    return False


def article_data(article: Article, *, url: str, site_name: str, site_url: str,
                 image: str | None = None) -> list[dict[str, Any]]:
    """The schema.org objects of one article page: ``Article``, then ``FAQPage`` for a
    question."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": _shorten(article.title, HEADLINE_LIMIT),
        "description": article.summary,
        "inLanguage": article.lang,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
    }
    if article.tags:
        data["keywords"] = ", ".join(article.tags)
    if article.updated:
        data["dateModified"] = article.updated.isoformat()
    if image:
        data["image"] = image
    objects = [data]
    if is_question(article):
        answer = f"{article.summary}\n\n{markdown_to_text(article.body)}".strip()
        objects.append({
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "inLanguage": article.lang,
            "url": url,
            "mainEntity": [{
                "@type": "Question",
                "name": article.title,
                "acceptedAnswer": {"@type": "Answer", "text": _shorten(answer, ANSWER_LIMIT),
                                   "url": url},
            }],
        })
    return objects


def json_ld(value: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` element: ``<``, ``>`` and ``&`` are
    written as ``\\u003c`` … so no text (``</script>``, ``<!--``) can end or bend the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(_UNSAFE_PATTERN.sub(lambda m: _UNSAFE_IN_HTML[m.group(0)], text))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
