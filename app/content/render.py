"""Markdown to safe HTML (for pages) and to plain text (for the index and snippets)."""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

import markdown
import nh3

EXTENSIONS = ["tables", "fenced_code", "admonition", "sane_lists", "toc", "attr_list"]
# Table alignment as the align attribute: a style attribute would be blocked by our CSP.
EXTENSION_CONFIGS = {"toc": {"permalink": False, "toc_depth": "2-4"},
                     "tables": {"use_align_attribute": True}}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}
# Class names are allowed only from this list (and must not also appear in ALLOWED_ATTRIBUTES).
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "danger", "important", "info"},
    "p": {"admonition-title"},
    "code": {f"language-{name}" for name in ("bash", "json", "text", "python", "html", "shell")},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

RELATIVE_ARTICLE = re.compile(r"^(?:\.\./[a-z0-9-]+/|\./)?([a-z0-9-]+)\.md(#.*)?$")
RELATIVE_MEDIA = re.compile(r"^(?:\.\./)?_media/(.+)$")


def _rewrite_link(tag: str, attribute: str, value: str) -> str | None:
    """Links written to work on a file system (``../journey/slug.md``) point at site URLs."""
    if tag == "a" and attribute == "href":
        match = RELATIVE_ARTICLE.match(value)
        if match:
            return f"/articles/{match.group(1)}{match.group(2) or ''}"
    if tag in {"img", "a"} and attribute in {"src", "href"}:
        match = RELATIVE_MEDIA.match(value)
        if match:
            return f"/media/{match.group(1)}"
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    attribute_filter=_rewrite_link,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
)
_strip_all = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})


_converters = threading.local()


def _to_html(body: str) -> str:
    # One converter per thread, reset between documents: building one (its extensions and
    # their patterns) cost as much as converting a typical article (a fifth of a rebuild).
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return converter.reset().convert(body)


def render_markdown(body: str) -> str:
    """Article body as sanitized HTML: safe to mark as safe in a template."""
    return _cleaner.clean(_to_html(body))


@lru_cache(maxsize=2048)
def render_cached(content_hash: str, body: str) -> str:
    """``render_markdown`` memoised by the article's content hash."""
    return render_markdown(body)


def markdown_to_text(body: str) -> str:
    """Readable plain text of an article: what is indexed and what snippets are cut from."""
    text = html.unescape(_strip_all.clean(_to_html(body)))
    return re.sub(r"\s+", " ", text).strip()
