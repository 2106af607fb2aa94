"""How staff and article pages look in a real Chromium: dashboard at a glance, badges, chips,
focus outline, print stylesheet. Screenshots go to the folder the README names.

Shares the browser fixtures of tests/test_browser.py (skipped the same way without Chromium).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from tests import test_browser
from tests.conftest import PROJECT_ROOT, STAFF_PASSWORD, add_staff
from tests.test_browser import PERSON_AGENT, serve
from tests.test_dashboard_glance import seeded_app

browser = test_browser.browser  # the shared Chromium

SCREENSHOTS = os.environ.get("KB_SCREENSHOT_DIR") or str(PROJECT_ROOT / "screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def save(page, name: str, first_screen: bool = False) -> None:
    """The whole page as ``name``.png; with ``first_screen`` also what shows before scrolling."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
    if first_screen:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-first-screen.png"))


@pytest.fixture(scope="module")
def busy_app(app, tmp_path_factory) -> Iterator:
    """The demo content with 60 days of generated readers, votes and tickets; a manager and
    an admin."""
    for busy, _ in seeded_app(app, tmp_path_factory.mktemp("busy"), 60, 40, seed=7):
        add_staff(busy, "admin@pronto.test", "admin")
        yield busy


@pytest.fixture(scope="module")
def busy_url(busy_app) -> Iterator[str]:
    yield from serve(busy_app)


def signed_in(browser, url: str, viewport: dict, email: str = "boss@pronto.test"):
    context = browser.new_context(viewport=viewport, user_agent=PERSON_AGENT,
                                  is_mobile=viewport["width"] < 500)
    page = context.new_page()
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return context, page


@pytest.mark.parametrize("size", ["1280", "390"])
def test_screenshots_of_the_dashboard_and_an_article(browser, busy_url, size):
    viewport = DESKTOP if size == "1280" else PHONE
    context, page = signed_in(browser, busy_url, viewport)
    try:
        page.goto(busy_url + "/dashboard/")
        save(page, f"dashboard-{size}", first_screen=True)
        page.goto(busy_url + "/dashboard/articles/cancel-a-booking")
        save(page, f"dashboard-article-{size}")
        reader = context.browser.new_context(viewport=viewport, user_agent=PERSON_AGENT,
                                             is_mobile=viewport["width"] < 500)
        public = reader.new_page()
        public.goto(busy_url + "/articles/cancel-a-booking")
        save(public, f"article-{size}", first_screen=True)
        public.goto(busy_url + "/search?q=refund")
        save(public, f"search-{size}", first_screen=True)
        reader.close()
    finally:
        context.close()


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb()``/``rgba()`` colours."""

    def luminance(css: str) -> float:
        red, green, blue = (float(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colours(locator) -> tuple[str, str]:
    return tuple(locator.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"))


def test_badges_say_what_they_are_in_their_own_readable_colours(browser, busy_url):
    context, page = signed_in(browser, busy_url, DESKTOP, "admin@pronto.test")
    try:
        page.goto(busy_url + "/editor/")
        seen = {}
        for kind, word in [("published", "Published"), ("stale", "Stale")]:
            badge = page.locator(f".badge.{kind}").first
            assert badge.inner_text() == word
            seen[kind] = colours(badge)
        page.goto(busy_url + "/journeys/orders-and-payments?lang=zh")
        urgent = page.locator(".badge.urgent").first
        assert urgent.inner_text() == "紧急求助"
        seen["urgent"] = colours(urgent)
        assert page.locator(".badge.lang").first.inner_text() == "English"
        seen["lang"] = colours(page.locator(".badge.lang").first)
        save(page, "badges-journey-zh-1280")
    finally:
        context.close()
    assert len({background for _, background in seen.values()}) == len(seen), seen
    for kind, (ink, background) in seen.items():
        assert contrast(ink, background) >= 4.5, (kind, ink, background)


def test_the_focus_ring_stands_out_from_the_page(browser, busy_url):
    context = browser.new_context(viewport=DESKTOP, user_agent=PERSON_AGENT)
    page = context.new_page()
    try:
        page.goto(busy_url + "/articles/cancel-a-booking")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # past the skip link: the brand link in the header
        ring, width, header = page.evaluate("""() => {
          const e = document.activeElement, s = getComputedStyle(e);
          return [s.outlineColor, s.outlineWidth,
                  getComputedStyle(e.closest('header')).backgroundColor];
        }""")
        assert float(width.removesuffix("px")) >= 2
        assert contrast(ring, header) >= 3
        assert contrast(ring, "rgb(255, 255, 255)") >= 3
        page.locator("#feedback button").first.focus()
        button = page.locator("#feedback button").first
        ring = button.evaluate("e => getComputedStyle(e).outlineColor")
        assert contrast(ring, "rgb(255, 255, 255)") >= 3
    finally:
        context.close()


def test_an_article_prints_without_the_site_around_it(browser, busy_url):
    context = browser.new_context(viewport=DESKTOP, user_agent=PERSON_AGENT)
    page = context.new_page()
    try:
        page.goto(busy_url + "/articles/cancel-a-booking")
        page.emulate_media(media="print")
        for chrome in ["header.site-header", "footer.site-footer", "#feedback", ".contact-box",
                       "nav.breadcrumbs"]:
            assert not page.locator(chrome).is_visible(), chrome
        assert page.locator("article h1").is_visible()
        link = page.locator(".article-body a[href^='/']").first
        shown = link.evaluate("e => getComputedStyle(e, '::after').content")
        assert link.get_attribute("href") in shown
        assert link.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
        save(page, "article-print")
    finally:
        context.close()


def test_topic_chips_are_one_row_on_a_phone_and_the_first_result_shows(browser, busy_url):
    context = browser.new_context(viewport=PHONE, user_agent=PERSON_AGENT, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(busy_url + "/search?q=refund")
        chips = page.locator("nav.filters a")
        tops = {round(chips.nth(i).bounding_box()["y"]) for i in range(chips.count())}
        assert len(tops) == 1, f"chips on {len(tops)} rows"
        last = chips.nth(chips.count() - 1)
        last.scroll_into_view_if_needed()
        assert last.is_visible()  # reachable by scrolling the row sideways
        page.evaluate("window.scrollTo(0, 0)")
        first = page.locator("ol.results li.result h2 a").first.bounding_box()
        assert first["y"] + first["height"] <= PHONE["height"], first
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
    finally:
        context.close()


def test_the_dashboard_reads_at_a_glance_and_charts_answer_hover_and_focus(
        browser, busy_url):
    context, page = signed_in(browser, busy_url, DESKTOP)
    try:
        page.goto(busy_url + "/dashboard/")
        tiles = page.locator(".tiles .tile")
        assert tiles.count() >= 5
        first_row = {round(tiles.nth(i).bounding_box()["y"]) for i in range(3)}
        assert len(first_row) == 1  # tiles side by side, not a list
        assert tiles.first.locator(".tile-change").inner_text().count("previous 30 days") == 1
        chart = page.locator("svg.chart").nth(1)  # the resolution rate, up to 100%
        label = chart.locator("text:not(.readout)", has_text=re.compile(r"^100%$"))  # the axis
        box, frame = label.bounding_box(), chart.bounding_box()
        assert box["x"] >= frame["x"], "the 100% label is cut off on the left"
        day = chart.locator("g.day").last
        readout = day.locator("text.readout")
        assert not readout.is_visible()
        day.locator("rect.hit").hover()
        assert readout.is_visible() and "resolution rate" in readout.text_content()
        page.mouse.move(0, 0)
        day.focus()
        assert readout.is_visible()
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") \
            == readout.text_content()
        save(page, "dashboard-chart-focus")
        assert page.locator("footer.site-footer").count() == 0  # staff pages: no public footer
        page.goto(busy_url + "/articles/cancel-a-booking")
        assert page.locator("footer.site-footer").count() == 1
    finally:
        context.close()


def test_the_dashboard_fits_a_phone(browser, busy_url):
    context, page = signed_in(browser, busy_url, PHONE)
    try:
        page.goto(busy_url + "/dashboard/")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the dashboard scrolls sideways by {overflow}px"
        assert page.locator(".tiles .tile").first.is_visible()
    finally:
        context.close()
