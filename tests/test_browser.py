"""Key journeys in a real headless Chromium against the app served over real HTTP.

Needs Debian's Chromium (``make test`` installs it where it can) and the ``playwright``
package; skipped with the reason when either is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = os.environ.get("KB_SCREENSHOT_DIR")
# Headless Chromium announces itself as "HeadlessChrome", which the site rightly treats as a
# bot; these tests play a person, so they present an ordinary desktop user agent.
PERSON_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/156.0 Safari/537.36")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
                "(make test does this when run as root)", allow_module_level=True)


@pytest.fixture(scope="module")
def live_url(app) -> Iterator[str]:
    yield from serve(app)


def serve(app) -> Iterator[str]:
    """The app over real HTTP on a free port, until the generator is closed."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  user_agent=PERSON_AGENT)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_question_to_answer_from_the_home_page(page, live_url):
    page.goto(live_url + "/")
    shot(page, "home")
    page.get_by_label("What do you need help with?").fill("I was charged twice")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    shot(page, "search")
    first = page.locator("ol.results li.result h2 a").first
    title = first.inner_text()
    assert "charged twice" in title.lower()
    first.click()
    page.wait_for_url("**/articles/charged-twice?*")
    shot(page, "article-urgent")
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("link", name="Contact support now").is_visible()


def test_choose_a_suggestion_with_the_keyboard(page, live_url):
    page.goto(live_url + "/")
    box = page.get_by_role("combobox", name="What do you need help with?")
    box.press_sequentially("refu", delay=40)
    options = page.get_by_role("listbox", name="Suggested articles").get_by_role("option")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert 0 < options.count() <= 5
    marks = page.locator(".suggest-list mark").all_inner_texts()
    assert marks and all(mark.lower() == "refu" for mark in marks)
    shot(page, "suggestions")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    first = options.first
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    title = first.locator(".suggest-title").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/*?from=suggest")
    assert page.locator("h1").inner_text() == title


def test_escape_closes_the_suggestions_and_enter_then_searches(page, live_url):
    page.goto(live_url + "/articles/refund-timelines")
    box = page.get_by_role("combobox", name="What do you need help with?")
    box.press_sequentially("passw", delay=40)
    option = page.locator("#q-header-suggestions [role=option]").first
    option.wait_for()
    assert "password" in option.inner_text().lower()
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#q-header-suggestions").is_hidden()
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=passw")


def test_a_chinese_reader_chooses_a_suggestion(browser, live_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  user_agent=PERSON_AGENT)
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        box = page.get_by_role("combobox", name="你需要什么帮助？")
        box.press_sequentially("退", delay=40)
        first = page.get_by_role("listbox").get_by_role("option").first
        first.wait_for()
        assert page.locator(".suggest-list mark").first.inner_text() == "退"
        title = first.locator(".suggest-title").inner_text()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url("**/articles/*-zh?from=suggest")
        assert page.locator("h1").inner_text() == title
    finally:
        context.close()


def test_no_results_leads_to_a_human(page, live_url):
    page.goto(live_url + "/search?q=xylophone+zeppelin")
    shot(page, "no-results")
    page.locator(".contact-box").get_by_role("link", name="Contact support").click()
    page.wait_for_url("**/contact?q=*")
    assert page.locator("h1").inner_text() == "Contact support"


def test_browse_a_journey_by_keyboard(page, live_url):
    page.goto(live_url + "/articles/refund-timelines")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.goto(live_url + "/")
    assert page.evaluate("document.activeElement.name") == "q"  # the search box has focus
    page.get_by_role("link", name="Refunds and after-sales").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/journeys/refunds-and-after-sales")
    shot(page, "journey")
    assert page.locator(".article-list li").count() >= 3


def test_pages_fit_a_phone_screen(browser, live_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  user_agent=PERSON_AGENT)
    page = context.new_page()
    for path in ["/", "/search?q=refund", "/articles/refund-timelines"]:
        page.goto(live_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    shot(page, "phone-article")
    context.close()


def test_vote_no_with_script_asks_why_without_reloading(page, live_url):
    page.goto(live_url + "/articles/reschedule-a-booking")
    page.evaluate("window.__sameDocument = true")
    page.locator("#feedback").get_by_role("button", name="No").click()
    page.get_by_text("What went wrong?").wait_for()
    page.get_by_label("The steps didn't work").check()
    page.get_by_label("Anything else?").fill("There is no Reschedule button")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("we'll use it to fix this article").wait_for()
    shot(page, "vote-no")
    assert page.evaluate("window.__sameDocument") is True  # no page load happened
    assert page.locator("#feedback").get_by_role("link", name="Contact support").is_visible()


def test_contact_form_suggests_articles_then_hands_off(page, live_url):
    page.goto(live_url + "/contact")
    page.get_by_label("Subject").type("charged twice", delay=20)
    suggestion = page.locator("#suggestions li a").first
    suggestion.wait_for()
    assert "charged twice" in suggestion.inner_text().lower()
    assert "from=contact" in suggestion.get_attribute("href")
    shot(page, "contact-suggestions")
    page.get_by_label("What happened?").fill("Two payments of £23.40 for order PR-1.")
    page.get_by_label("Your email address").fill("sam@example.com")
    page.get_by_role("button", name="Send to support").click()
    page.wait_for_url("**/tickets/HC-*")
    assert page.get_by_text("We've got your request").is_visible()
    assert page.locator(".reference").inner_text().startswith("HC-")
    shot(page, "ticket-confirmation")


def test_an_article_offered_after_writing_closes_the_request(page, live_url):
    page.goto(live_url + "/contact")
    page.get_by_label("Subject").fill("Where is my refund")
    page.get_by_label("What happened?").fill("I cancelled my order and the money is not back.")
    page.get_by_label("Your email address").fill("ana@example.com")
    page.get_by_role("button", name="Send to support").click()
    page.wait_for_url("**/tickets/HC-*")
    offers = page.locator(".self-service li")
    assert 0 < offers.count() <= 3
    shot(page, "ticket-offers")
    offers.filter(has_text="Where's my refund?").get_by_role(
        "button", name="This answered my question").click()
    page.wait_for_url("**/self-service/*")
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    shot(page, "self-service-thanks")


def test_a_chinese_reader_finds_the_answer_and_switches_language(browser, live_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  user_agent=PERSON_AGENT)
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        page.get_by_label("你需要什么帮助？").fill("忘记密码了怎么办")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=*")
        shot(page, "search-zh")
        page.locator("ol.results li.result h2 a").first.click()
        page.wait_for_url("**/articles/reset-your-password-zh?*")
        assert page.locator("article").get_attribute("lang") == "zh"
        page.locator("#feedback").get_by_role("button", name="没解决").click()
        page.get_by_text("很抱歉。哪里出了问题？").wait_for()
        page.locator(".translations").get_by_role("link", name="English").click()
        page.wait_for_url("**/articles/reset-your-password?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_text("Did this solve your problem?").is_visible()
    finally:
        context.close()


def test_editor_preview_follows_the_typing_and_an_image_lands_in_the_article(
        page, live_url, app, content_dir, tmp_path):
    from tests.conftest import STAFF_PASSWORD, add_staff
    from tests.test_media import png_bytes

    add_staff(app, "browser-editor@pronto.test", "editor")
    page.goto(live_url + "/login")
    page.get_by_label("Email").fill("browser-editor@pronto.test")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(live_url + "/editor/new")
    body = page.get_by_label("Article (Markdown)")
    body.type("**Tap Pause** then confirm", delay=10)
    page.locator("#editor-preview-body strong").get_by_text("Tap Pause").wait_for()
    image = tmp_path / "pause screen.png"
    image.write_bytes(png_bytes())
    page.get_by_label("Image", exact=True).set_input_files(str(image))
    page.get_by_label("Describe the image for people who cannot see it").fill("The pause screen")
    page.get_by_role("button", name="Upload").click()
    page.locator("#editor-upload-status").get_by_text("Added to the article").wait_for()
    stored = content_dir / "_media" / "pause-screen.png"
    try:
        assert "![The pause screen](/media/pause-screen.png)" in body.input_value()
        page.locator('#editor-preview-body img[src="/media/pause-screen.png"]').wait_for()
        shot(page, "editor-preview")
        assert stored.read_bytes() == image.read_bytes()
    finally:
        stored.unlink(missing_ok=True)


def test_structured_data_is_read_under_the_content_security_policy(page, live_url):
    """The JSON-LD block is data: the strict CSP (no inline script) leaves it readable and
    reports no violation."""
    violations: list[str] = []
    page.expose_function("reportViolation", lambda directive: violations.append(directive))
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => window.reportViolation(e.violatedDirective))")
    page.goto(live_url + "/articles/refund-timelines")
    types = page.evaluate("""() => [...document.querySelectorAll(
        'script[type="application/ld+json"]')].map(s => JSON.parse(s.textContent)['@type'])""")
    assert types == ["Article", "FAQPage"]
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == live_url + "/articles/refund-timelines?lang=en"
    assert violations == []
