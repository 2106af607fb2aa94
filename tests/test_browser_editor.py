"""The editor in a real Chromium: the preview beside the Markdown on a wide screen and under
it on a phone, a draft beside the live version, the article pickers, an image dropped into
the text. Screenshots of the editor at 1280 px and 390 px go to the folder the README names.

Shares the browser fixtures of tests/test_browser.py (skipped the same way without Chromium).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from tests import test_browser
from tests.conftest import STAFF_PASSWORD
from tests.test_browser import PERSON_AGENT, serve
from tests.test_browser_layout import DESKTOP, PHONE, save
from tests.test_media import png_bytes

browser = test_browser.browser  # the shared Chromium
SLUG = "cancel-a-booking"


@pytest.fixture()
def editor_url(editor_app) -> Iterator[str]:
    app, _ = editor_app
    yield from serve(app)


def signed_in(browser, url: str, viewport: dict, email: str = "editor@pronto.test"):
    context = browser.new_context(viewport=viewport, user_agent=PERSON_AGENT,
                                  is_mobile=viewport["width"] < 500)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return context, page, errors


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("size", ["1280", "390"])
def test_the_preview_sits_beside_the_markdown_on_a_wide_screen_and_under_it_on_a_phone(
        browser, editor_url, size):
    viewport = DESKTOP if size == "1280" else PHONE
    context, page, errors = signed_in(browser, editor_url, viewport)
    try:
        page.goto(f"{editor_url}/editor/{SLUG}")
        page.locator("#editor-preview-body h2, #editor-preview-body p").first.wait_for()
        page.locator("#body").scroll_into_view_if_needed()
        text, preview = box(page, "#body"), box(page, "#editor-preview")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= viewport["width"], "the page scrolls sideways"
        if size == "1280":
            assert preview["x"] >= text["x"] + text["width"]  # to the right of the text
            assert text["width"] > 0 and preview["width"] > 0
            # While the Markdown is in view, so is the preview (it stays in the side column).
            assert preview["y"] < viewport["height"] and preview["y"] + preview["height"] > 0
        else:
            assert abs(preview["x"] - text["x"]) < 40  # one column
            assert preview["y"] > text["y"] + text["height"]  # under the form
        page.evaluate("window.scrollTo(0, 0)")
        save(page, f"editor-{size}", first_screen=True)
        assert errors == []
    finally:
        context.close()


def test_a_draft_waits_beside_the_live_version_until_it_is_published(browser, editor_url):
    context, page, errors = signed_in(browser, editor_url, DESKTOP)
    reader = browser.new_context(viewport=DESKTOP, user_agent=PERSON_AGENT).new_page()
    try:
        page.goto(f"{editor_url}/editor/{SLUG}")
        page.get_by_label("Title", exact=True).fill("Cancel any booking in two taps")
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Draft saved beside the live version").wait_for()
        section = page.locator("#pending-draft")
        assert section.is_visible()
        diff = page.locator("#pending-diff").inner_text()
        assert "+title: Cancel any booking in two taps" in diff
        assert "-title: Cancel a booking" in diff
        reader.goto(f"{editor_url}/articles/{SLUG}")
        assert reader.locator("h1").inner_text() == "Cancel a booking"  # readers: the live text
        for summary in page.locator("#pending-draft summary").all():
            summary.click()  # the live version and the draft, unfolded side by side
        save(page, "editor-draft-1280", first_screen=True)
        context_phone, phone, _ = signed_in(browser, editor_url, PHONE)
        phone.goto(f"{editor_url}/editor/{SLUG}")
        save(phone, "editor-draft-390", first_screen=True)
        context_phone.close()

        section.get_by_role("button", name="Publish draft").click()
        page.get_by_text("Saved, and live in search.").wait_for()
        assert not page.locator("#pending-draft").count()
        reader.reload()
        assert reader.locator("h1").inner_text() == "Cancel any booking in two taps"
        assert errors == []
    finally:
        reader.context.close()
        context.close()


def test_related_articles_are_chosen_by_title_with_the_keyboard(browser, editor_url):
    context, page, errors = signed_in(browser, editor_url, DESKTOP)
    try:
        page.goto(f"{editor_url}/editor/{SLUG}")
        related = page.locator("#related")
        before = related.input_value()
        search = page.get_by_role("combobox", name="Search articles by title or slug: "
                                                   "Related articles (slugs, comma-separated)")
        search.fill("reset password")
        page.locator(f"#{search.get_attribute('aria-controls')} [role=option]").first.wait_for()
        assert search.get_attribute("aria-expanded") == "true"
        search.press("ArrowDown")
        assert search.get_attribute("aria-activedescendant")
        search.press("Enter")  # chooses; never submits the article
        assert page.url.endswith(f"/editor/{SLUG}")
        assert related.input_value().startswith(before)
        assert related.input_value().split(", ")[-1] == "reset-your-password"
        assert search.get_attribute("aria-expanded") == "false"

        translation = page.get_by_role("combobox", name="Search articles by title or slug: "
                                                        "Translation of", exact=False)
        translation.fill("取消")
        page.locator(f"#{translation.get_attribute('aria-controls')} [role=option]"
                     ).first.wait_for()
        translation.press("Enter")
        assert page.locator("#translation_key").input_value() != ""
        assert errors == []
    finally:
        context.close()


def test_an_image_dropped_into_the_text_asks_for_alt_text_then_lands_at_the_cursor(
        browser, editor_url, editor_app):
    _, content = editor_app
    context, page, errors = signed_in(browser, editor_url, DESKTOP)
    try:
        page.goto(f"{editor_url}/editor/{SLUG}")
        body = page.locator("#body")
        body.fill("First line.\n\nLast line.")
        body.evaluate("(el) => el.setSelectionRange(11, 11)")  # after "First line."
        page.evaluate("""(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "step one.png", { type: "image/png" }));
            const body = document.getElementById("body");
            body.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true,
                                                       cancelable: true }));
        }""", base64.b64encode(png_bytes()).decode())
        page.get_by_text("Describe the image, then press Upload").wait_for()
        alt = page.get_by_label("Describe the image for people who cannot see it")
        assert alt.evaluate("(el) => el === document.activeElement")
        alt.fill("The first step")
        page.get_by_role("button", name="Upload").click()
        page.locator("#editor-upload-status").get_by_text("Added to the article").wait_for()
        text = body.input_value()
        assert text.startswith("First line.\n\n![The first step](/media/step-one.png)")
        assert text.rstrip().endswith("Last line.")
        assert (content / "_media" / "step-one.png").is_file()
        page.locator('#editor-preview-body img[src="/media/step-one.png"]').wait_for()
        assert errors == []
    finally:
        context.close()
