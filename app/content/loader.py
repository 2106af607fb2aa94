"""Load a content directory: parse, validate, and keep the articles that are usable."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.content import fields as f
from app.content.frontmatter import FrontMatterError, parse_front_matter
from app.content.journeys import load_journeys
from app.content.models import Article, Journey
from app.content.problems import Problem
from app.text import Text

MEDIA_DIR = "_media"
# Links an author may write to another article: /articles/<slug>, or a relative path to its file.
ARTICLE_LINK = re.compile(
    r"\]\(\s*(?:/articles/([a-z0-9-]+)|(?:\.\./[a-z0-9-]+/|\./)?([a-z0-9-]+)\.md)"
    r"(?:#[^)\s]*)?[)\s]"
)
MEDIA_LINK = re.compile(r"\]\(\s*(?:/media/|(?:\.\./)?_media/)([^)\s]+)")

FieldParser = Callable[[Any, str], Any]
FIELD_PARSERS: dict[str, FieldParser] = {
    "title": lambda v, n: f.as_text(v, n, f.MAX_TITLE_LENGTH),
    "summary": lambda v, n: f.as_text(v, n, f.MAX_SUMMARY_LENGTH),
    "tags": lambda v, n: tuple(t.lower() for t in f.as_string_list(v, n)),
    "lang": f.as_lang,
    "translation_key": f.as_slug,
    "urgent": f.as_bool,
    "updated": f.as_date,
    "review_by": f.as_date,
    "related": f.as_slug_list,
    "draft": f.as_bool,
}


@dataclass
class ContentSet:
    """What a content directory holds: journeys, usable articles, and every problem found."""

    content_dir: Path
    journeys: list[Journey]
    articles: list[Article]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def by_slug(self) -> dict[str, Article]:
        return {article.slug: article for article in self.articles}

    @property
    def published(self) -> list[Article]:
        """The articles readers may see and search: every usable one that is not a draft."""
        return [article for article in self.articles if not article.draft]


@dataclass
class _Parsed:
    article: Article
    key_lines: dict[str, int]
    body_line: int


def article_files(content_dir: Path) -> Iterator[Path]:
    """Every ``*.md`` file that is meant to be an article (not README or ``_``-folders)."""
    for path in sorted(content_dir.rglob("*.md")):
        relative = path.relative_to(content_dir)
        if any(part.startswith((".", "_")) for part in relative.parts):
            continue
        if len(relative.parts) == 1 and path.stem.lower() == "readme":
            continue
        yield path


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_article(
    path: Path, content_dir: Path, journey_slugs: set[str], raw: bytes | None = None
) -> tuple[_Parsed | None, list[Problem]]:
    """Parse one article file (or ``raw``, the bytes it would hold) and check its fields."""
    label = display_path(path)
    relative = path.relative_to(content_dir)
    raw = path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(label, 1, f"not valid UTF-8 text ({error.reason})")]
    try:
        front = parse_front_matter(text)
    except FrontMatterError as error:
        return None, [Problem(label, error.line, error.message)]

    problems: list[Problem] = []
    slug = path.stem
    if not f.SLUG_PATTERN.match(slug):
        problems.append(Problem(label, 1, f"file name '{path.name}' is not a valid slug "
                                          "(lowercase letters, digits and hyphens)"))
    if len(relative.parts) != 2:
        problems.append(Problem(label, 1, "articles live in content/<journey>/<slug>.md"))
        journey = ""
    else:
        journey = relative.parts[0]
        if journey not in journey_slugs:
            problems.append(Problem(label, 1, Text(
                "unknown journey '%(slug)s' (not in journeys.yml)", slug=journey)))

    values: dict[str, Any] = {}
    for name in f.REQUIRED_FIELDS:
        if name not in front.data:
            problems.append(Problem(label, 1, Text("missing required field '%(name)s'", name=name)))
    for name, value in front.data.items():
        line = front.key_lines.get(name, 1)
        parser = FIELD_PARSERS.get(name)
        if parser is None:
            problems.append(Problem(label, line, f"unknown field '{name}' is ignored "
                                                 f"(known: {', '.join(sorted(f.KNOWN_FIELDS))})",
                                    severity="warning"))
            continue
        try:
            values[name] = parser(value, name)
        except f.FieldError as error:
            problems.append(Problem(label, line, str(error)))
    if not front.body.strip():
        problems.append(Problem(label, front.body_line, Text("the article has no body text")))
    if any(p.is_error for p in problems):
        return None, problems

    article = Article(
        slug=slug,
        journey=journey,
        body=front.body,
        path=relative.as_posix(),
        content_hash=hashlib.sha256(raw).hexdigest(),
        **values,
    )
    return _Parsed(article, front.key_lines, front.body_line), problems


def load_content(content_dir: Path, today: date | None = None) -> ContentSet:
    """Parse and validate every article; keep those without blocking errors."""
    today = today or date.today()
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        problem = Problem(display_path(content_dir), 1, "content directory does not exist")
        return ContentSet(content_dir, [], [], [problem])

    journeys, problems = load_journeys(content_dir)
    journey_slugs = {journey.slug for journey in journeys}
    parsed: list[_Parsed] = []
    seen: dict[str, str] = {}
    for path in article_files(content_dir):
        item, found = parse_article(path, content_dir, journey_slugs)
        problems.extend(found)
        if item is None:
            continue
        slug = item.article.slug
        if slug in seen:
            problems.append(Problem(display_path(path), 1,
                                    f"duplicate slug '{slug}': already used by {seen[slug]}"))
            continue
        seen[slug] = item.article.path
        parsed.append(item)

    known = set(seen)
    drafts = {item.article.slug for item in parsed if item.article.draft}
    media_dir = content_dir / MEDIA_DIR
    for item in parsed:
        problems.extend(_check_references(item, content_dir, known, media_dir, today, drafts))
    return ContentSet(content_dir, journeys, [item.article for item in parsed], problems)


def check_article(
    raw: bytes, path: Path, content_dir: Path, journey_slugs: set[str], known_slugs: set[str],
    today: date | None = None,
) -> tuple[Article | None, list[Problem]]:
    """Validate one article exactly as ``load_content`` would, before it is written to disk."""
    item, problems = parse_article(path, content_dir, journey_slugs, raw)
    if item is None:
        return None, problems
    problems += _check_references(item, content_dir, known_slugs | {item.article.slug},
                                  content_dir / MEDIA_DIR, today or date.today())
    return item.article, problems


def _check_references(
    item: _Parsed, content_dir: Path, known: set[str], media_dir: Path, today: date,
    drafts: frozenset[str] | set[str] = frozenset(),
) -> list[Problem]:
    article = item.article
    label = display_path(content_dir / article.path)
    problems: list[Problem] = []
    hidden = set() if article.draft else drafts  # a draft may point at other drafts
    for slug in article.related:
        if slug not in known:
            problems.append(Problem(label, item.key_lines.get("related", 1),
                                    Text("'related' names an unknown article '%(slug)s'",
                                         slug=slug),
                                    excludes_article=False))
        elif slug in hidden:
            problems.append(Problem(label, item.key_lines.get("related", 1),
                                    f"'related' names the draft '{slug}': readers will not "
                                    "see it until it is published", severity="warning"))
    for offset, line in enumerate(article.body.splitlines()):
        for match in ARTICLE_LINK.finditer(line):
            target = match.group(1) or match.group(2)
            if target not in known:
                problems.append(Problem(label, item.body_line + offset,
                                        Text("broken link to article '%(slug)s'", slug=target),
                                        excludes_article=False))
            elif target in hidden:
                problems.append(Problem(label, item.body_line + offset,
                                        f"link to the draft '{target}': readers get 'not "
                                        "found' until it is published", severity="warning"))
        for match in MEDIA_LINK.finditer(line):
            name = match.group(1)
            if ".." in name or not (media_dir / name).is_file():
                problems.append(Problem(label, item.body_line + offset,
                                        Text("image or file '%(name)s' not found in %(folder)s",
                                             name=name, folder=f"{MEDIA_DIR}/"),
                                        excludes_article=False))
    if article.is_stale(today):
        problems.append(Problem(label, item.key_lines.get("review_by", 1),
                                f"stale: review_by {article.review_by.isoformat()} has passed",
                                severity="warning"))
    return problems
