"""Recognise crawlers and monitors by their user agent, so they are not counted."""

from __future__ import annotations

import re

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|fetch|monitor|headless|lighthouse|preview|scan|curl|wget|"
    r"python-requests|httpx|aiohttp|go-http-client|java/|okhttp|libwww|facebookexternalhit",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """True for empty user agents and the usual crawler/monitor signatures."""
    return not user_agent or bool(BOT_PATTERN.search(user_agent))
