"""The dashboard in headless Debian chromium, signed in as the analyst: every page renders, a file goes through the
file chooser and is committed, and commentary that looks like HTML stays text. Screenshots of each page go to
docs/screenshots/."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from tests.browser.conftest import idle, screenshot

pytestmark = pytest.mark.browser

# Every page in the analyst's navigation, in its order: the address, the sidebar label, and text that shows once
# it has rendered. (Which pages each role has: test_sign_in.py.)
PAGES = {
    "helicopter": ("/", "Helicopter view", "Helicopter view · Haringey"),
    "board": ("/board?board=Children%27s+Trust", "Theme board", "9 red targets (exception mode)"),
    "target": ("/target?target=NI+117", "Target", "Corrected values: every stored version"),
    "entry": ("/my-targets", "My targets", "Last quarter is the actual of the quarter before."),
    "upload": ("/upload", "Upload", "Upload the quarter's figures"),
    "quality": ("/quality", "Data quality", "Chase list: targets awaiting data as at"),
    "audit": ("/audit", "Audit", "Every upload, browser entry, rollback"),
}
XSS = "<img src=x onerror=alert(1)>"
XSS_FILE = f"indicator_code,theme_board,period,actual,commentary\nNI 117,Children's Trust,2009/10 Q3,10.4,{XSS}\n"


def settle(page, text: str) -> None:
    """Wait until the page shows its text, the script run has finished and every chart has drawn."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible")
    idle(page)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached")
    idle(page)


def assert_no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def test_the_navigation_lists_every_page(page):
    page.goto("/")
    settle(page, PAGES["helicopter"][2])
    nav = page.locator(".st-key-navigation")
    labels = [text.strip().splitlines()[-1].strip() for text in nav.locator("a").all_inner_texts()]  # after the icon
    assert labels == [label for _, label, _ in PAGES.values()]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders(page, name):
    path, label, text = PAGES[name]
    page.goto(path)
    settle(page, text)
    assert_no_exception(page)
    screenshot(page, name)
    assert page.dialogs == []


@pytest.mark.parametrize("name", [n for n in PAGES if n != "helicopter"])
def test_every_page_opens_from_the_navigation(page, name):
    _, label, text = PAGES[name]
    page.goto("/")
    settle(page, PAGES["helicopter"][2])
    page.locator(".st-key-navigation a", has_text=label).first.click()
    settle(page, label if name in ("board", "target") else text)
    assert_no_exception(page)


def test_a_file_is_uploaded_committed_and_its_html_commentary_stays_text(writing_page, tmp_path):
    page = writing_page
    upload = tmp_path / "q3_neet.csv"
    upload.write_text(XSS_FILE, encoding="utf-8")

    page.goto("/upload")
    settle(page, PAGES["upload"][2])
    with page.expect_file_chooser() as chooser:
        page.locator('[data-testid="stFileUploaderDropzone"] button').first.click()
    chooser.value.set_files(str(upload))
    settle(page, "Preview of q3_neet.csv")
    expect(page.get_by_text("Status moves this file causes:")).to_be_visible()
    expect(page.get_by_text("1 target recovers from ✖ red (to ✔ green)").first).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "upload_preview")

    page.get_by_role("button", name="Commit q3_neet.csv").click()
    settle(page, "Stored q3_neet.csv as batch")
    assert_no_exception(page)

    page.goto("/target?target=NI+117")
    settle(page, PAGES["target"][2])
    assert_no_exception(page)
    expect(page.get_by_text(f"Commentary: {XSS}", exact=True).first).to_be_visible()
    assert page.locator('img[src="x"]').count() == 0
    page.wait_for_load_state("networkidle")  # an image that could run a script has been fetched by now
    assert page.dialogs == []

    page.goto("/")
    settle(page, PAGES["helicopter"][2])
    # The helicopter view shows the change at once: NI 117 was red at 2009/10 Q2 and is green now.
    expect(page.get_by_text("Recovered: 1")).to_be_visible()
    expect(page.get_by_text("NI 117 · ✖ red → ✔ green")).to_be_visible()
    assert_no_exception(page)
    assert page.dialogs == []
