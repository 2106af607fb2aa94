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
    # Other languages: {"zh": ("账户与安全", "管理登录、个人信息…")}.
    translations: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False,
                                                     hash=False)

    def title_for(self, lang: str) -> str:
        return self.translations.get(lang, (self.title, ""))[0] or self.title

    def description_for(self, lang: str) -> str:
        return self.translations.get(lang, ("", self.description))[1] or self.description


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
    # Translations of one article share a key; without one, the key is the article's slug.
    translation_key: str | None = None
    urgent: bool = False
    updated: date | None = None
    review_by: date | None = None
    related: tuple[str, ...] = field(default_factory=tuple)
    # A draft lives in content/ but is neither shown nor searchable until it is published.
    draft: bool = False

    @property
    def language(self) -> str:
        """The primary language code (``zh`` for ``zh-CN``)."""
        return self.lang.split("-", 1)[0].lower()

    @property
    def translation_group(self) -> str:
        return self.translation_key or self.slug

    def is_stale(self, today: date) -> bool:
        """Past its ``review_by`` date: shown with a banner until someone reviews it."""
        return self.review_by is not None and self.review_by < today
