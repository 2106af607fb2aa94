"""The bounded map behind kept page parts and session marks."""

from __future__ import annotations

from app.lru import LRU


def test_a_part_is_rendered_once_per_key_and_the_oldest_fall_out():
    parts, renders = LRU(size=2), []

    def render(text):
        return lambda: renders.append(text) or f"<p>{text}</p>"

    assert parts.get_or_make(("a",), render("a")) == "<p>a</p>"
    assert parts.get_or_make(("a",), render("again")) == "<p>a</p>"
    parts.get_or_make(("b",), render("b"))
    parts.get_or_make(("c",), render("c"))
    parts.get_or_make(("a",), render("a2"))
    assert renders == ["a", "b", "c", "a2"]
