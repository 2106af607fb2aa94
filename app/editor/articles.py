"""The articles an editor works on: published ones from the index, drafts from content/."""

from __future__ import annotations

from app import helpcenter
from app.content import Article
from app.content.drafts import find_drafts, read_article


def journey_slugs() -> set[str]:
    """The slugs of the journeys in content/."""
    return {journey.slug for journey in helpcenter().journeys()}


def find_article(slug: str) -> Article | None:
    """A published article as the index holds it, or a draft as written in content/."""
    center = helpcenter()
    return center.catalog.get(slug) or read_article(center.content_dir, journey_slugs(), slug)


def all_articles() -> list[Article]:
    """The published articles (from the index) and the drafts (from content/)."""
    center = helpcenter()
    return center.catalog.all() + find_drafts(center.content_dir, journey_slugs())


def known_slugs() -> set[str]:
    """Every slug in use, drafts included: a new article must not take one of them."""
    return {article.slug for article in all_articles()}
