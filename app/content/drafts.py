"""Find articles in content/ that the index does not hold: drafts, for the editor."""

from __future__ import annotations

import re
from pathlib import Path

from app.content.loader import article_files, parse_article
from app.content.models import Article

# Cheap test before parsing: only files whose front matter sets ``draft`` are parsed.
DRAFT_KEY = re.compile(rb"^draft\s*:", re.MULTILINE)
FRONT_MATTER_BYTES = 4096


def read_article(content_dir: Path, journey_slugs: set[str], slug: str) -> Article | None:
    """The article ``<journey>/<slug>.md`` as written on disk, or None if absent or invalid."""
    for journey in sorted(journey_slugs):
        path = content_dir / journey / f"{slug}.md"
        if path.is_file():
            item, _ = parse_article(path, content_dir, journey_slugs)
            return item.article if item else None
    return None


def find_drafts(content_dir: Path, journey_slugs: set[str]) -> list[Article]:
    """Every valid article marked ``draft: true``, by title."""
    drafts = []
    for path in article_files(content_dir):
        with open(path, "rb") as handle:
            head = handle.read(FRONT_MATTER_BYTES)
        if not DRAFT_KEY.search(head):
            continue
        item, _ = parse_article(path, content_dir, journey_slugs)
        if item is not None and item.article.draft:
            drafts.append(item.article)
    return sorted(drafts, key=lambda article: article.title.lower())


# A published article's pending draft: ``_drafts/<journey>/<slug>.md``. The loader skips
# ``_`` folders, so readers and the index keep the live file until the draft is published;
# the journal keeps it like any content file, so every node has the same pending draft.
PENDING_DIR = "_drafts"


def pending_path(content_dir: Path, journey: str, slug: str) -> Path:
    return content_dir / PENDING_DIR / journey / f"{slug}.md"


def find_pending(content_dir: Path, slug: str) -> Path | None:
    """The pending draft of ``slug`` (in whichever journey it was saved), or None."""
    found = sorted((content_dir / PENDING_DIR).glob(f"*/{slug}.md"))
    return found[0] if found else None


def pending_slugs(content_dir: Path) -> set[str]:
    """Slugs that have a pending draft."""
    return {path.stem for path in (content_dir / PENDING_DIR).glob("*/*.md")}
