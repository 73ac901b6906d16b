"""End to end in headless Chromium: what a reader of the demo actually sees.

Skipped where Playwright is not installed, except when ``REQUIRE_BROWSER_TESTS=1`` (set by CI,
whose ``scripts/test`` installs it): there a missing Playwright fails the run instead of
quietly skipping the only test of what a browser shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.demo.site import Article, load_articles, showcase_articles

if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

    from conftest import Launcher, Served

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
VIEWPORT = {"width": 1280, "height": 800}
# A phone 390 px wide (iPhone 12 to 15): about 664 px of the page show between the browser's bars.
PHONE = {"width": 390, "height": 664}
# What "the first lines of the notice" means: its bold opening, which says who it is for.
FIRST_LINES = 3
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RUSSIAN, ENGLISH = showcase_articles(load_articles())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "Debian's chromium is not installed: run `scripts/setup --with-system-packages` "
            "(or `apt-get install chromium`) before the browser tests"
        )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def demo(launcher: Launcher) -> Served:
    return launcher.start(["demo", "--port", "0"], ready="Ctrl+C")


def read_as(browser: Browser, demo: Served, reader: str, path: str) -> tuple[Page, list[str]]:
    """Open ``path`` as a reader chosen with the demo's links; also collect console errors."""
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{demo.url}_demo/as/{reader}?next={path}", wait_until="load")
    assert page.url == demo.url.rstrip("/") + path
    return page, errors


def test_a_reader_in_moscow_sees_the_notice_in_russian_above_the_first_paragraph(
    browser: Browser, demo: Served
) -> None:
    page, errors = read_as(browser, demo, "moscow", RUSSIAN.path)
    notice = page.locator("aside.geonotice-notice")
    assert notice.count() == 1
    assert notice.is_visible()
    assert notice.get_attribute("lang") == "ru"
    assert notice.get_attribute("data-notice-id") == "ru-undesirable-organization"
    assert "Предупреждение" in notice.inner_text()

    box = notice.bounding_box()
    first_paragraph = page.locator("article > p").first.bounding_box()
    assert box is not None and first_paragraph is not None
    # Seen at load, without scrolling: the whole box lies inside the first screen.
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
    assert box["y"] + box["height"] <= first_paragraph["y"], (box, first_paragraph)
    style = notice.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.display, s.visibility, s.opacity, s.borderLeftStyle]; }"
    )
    assert style == ["block", "visible", "1", "solid"], "styled by the site's stylesheet as a warning box"
    assert errors == [], "no Content-Security-Policy violations or other console errors"

    page.screenshot(path=str(DOCS / "screenshot-moscow.png"))
    page.close()


def test_a_reader_in_crimea_sees_the_notice_in_english_on_an_english_article(
    browser: Browser, demo: Served
) -> None:
    page, _ = read_as(browser, demo, "crimea", ENGLISH.path)
    notice = page.locator("aside.geonotice-notice")
    assert notice.is_visible()
    assert notice.get_attribute("lang") == "en"
    page.close()


def test_a_reader_in_berlin_sees_no_notice(browser: Browser, demo: Served) -> None:
    page, errors = read_as(browser, demo, "berlin", RUSSIAN.path)
    assert page.locator("aside.geonotice-notice").count() == 0
    assert page.locator("article h1").is_visible()
    assert errors == []
    page.screenshot(path=str(DOCS / "screenshot-berlin.png"))
    page.close()


@pytest.mark.parametrize("article", [ENGLISH, RUSSIAN], ids=["english", "russian"])
def test_on_a_phone_the_headline_and_the_first_lines_of_the_notice_share_the_first_screen(
    browser: Browser, demo: Served, article: Article
) -> None:
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)  # type: ignore[arg-type]
    page.goto(f"{demo.url}_demo/as/moscow?next={article.path}", wait_until="load")
    headline = page.locator("article h1").bounding_box()
    notice = page.locator("aside.geonotice-notice")
    assert headline is not None and notice.is_visible()
    assert headline["y"] >= 0 and headline["y"] + headline["height"] <= PHONE["height"], headline
    top, line_height, clipped = notice.evaluate(
        "e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();"
        " return [r.top + parseFloat(s.borderTopWidth) + parseFloat(s.paddingTop),"
        " parseFloat(s.lineHeight), e.scrollHeight > e.clientHeight]; }"
    )
    assert top + FIRST_LINES * line_height <= PHONE["height"], (top, line_height)
    assert not clipped, "the whole notice is shown: nothing of it is cut off or scrolled away"
    if article is ENGLISH:
        page.screenshot(path=str(DOCS / "screenshot-moscow-phone.png"))
    page.close()
