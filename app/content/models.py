"""Value objects for content: journeys and articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Journey:
    slug: str
    title: str
    description: str = ""
    icon: str = ""


@dataclass(frozen=True)
class Article:
    slug: str
    journey: str
    title: str
    summary: str
    body: str
    path: str  # relative to the content directory, POSIX separators
    content_hash: str
    tags: tuple[str, ...] = ()
    lang: str = "en"
    urgent: bool = False
    updated: date | None = None
    review_by: date | None = None
    related: tuple[str, ...] = field(default_factory=tuple)

    def is_stale(self, today: date) -> bool:
        """Past its ``review_by`` date: shown with a banner until someone reviews it."""
        return self.review_by is not None and self.review_by < today
