"""The dashboard in headless Debian chromium, signed in as the analyst: every page renders, a file goes through the
file chooser and is committed, and commentary that looks like HTML stays text. Screenshots of each page go to
docs/screenshots/."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from dashboard.access.permissions import Role
from tests.browser.conftest import idle, screenshot

pytestmark = pytest.mark.browser

# Every page in the analyst's navigation, in its order: the address, the sidebar label, and text that shows once
# it has rendered. (Which pages each role has: test_sign_in.py.)
PAGES = {
    "helicopter": ("/", "Helicopter view", "Helicopter view · Haringey"),
    "board": ("/board?board=Children%27s+Trust", "Theme board", "9 red targets (exception mode)"),
    "target": ("/target?target=NI+117", "Target", "Corrected values: every stored version"),
    "entry": ("/my-targets", "My targets", "Last period is the actual of the period before."),
    "upload": ("/upload", "Upload", "Upload the quarter's figures"),
    "indicators": ("/indicators", "Indicators", "Each target's settings."),
    "targets": ("/targets", "Targets for the year", "Set each target's figure for every quarter of the year"),
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
    # What the user sees is the success, not the same file previewed again as "Nothing to change".
    expect(page.get_by_text("Stored q3_neet.csv as batch 3")).to_be_in_viewport()
    expect(page.get_by_text("Nothing to change")).to_have_count(0)
    expect(page.locator('[data-testid="stFileUploaderFile"]')).to_have_count(0)

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


def test_an_unknown_address_says_there_is_no_page_there(page):
    page.goto("/reports")  # /users was the address asked for in the issue; it is a page now
    settle(page, "Page not found")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("There is no page at /reports.", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/reports$"))
    # Not the helicopter view under Streamlit's own notice that it runs the main page instead.
    expect(page.get_by_text("does not seem to exist")).to_have_count(0)
    expect(page.get_by_text(PAGES["helicopter"][2])).to_have_count(0)
    assert_no_exception(page)
    screenshot(page, "no_such_page")
    page.get_by_role("link", name="Go to the helicopter view").click()
    settle(page, PAGES["helicopter"][2])
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("start", ["/", "/?as_at=2009%2F10+Q2"])
def test_back_from_a_board_opened_in_the_helicopter_view_returns_to_it(page, start):
    # The extra history entry came from a race: tried three times, it showed in most tries.
    for _ in range(3):
        page.goto(start)
        settle(page, PAGES["helicopter"][2])
        page.locator('[data-testid="stPageLink"] a').filter(has_text="3 · Children's Trust").click()
        settle(page, "red targets (exception mode)")
        expect(page).to_have_url(re.compile(r"/board\?board=Children%27s\+Trust"))
        page.go_back()
        expect(page).to_have_url(re.compile(re.escape(start) + "$"))
        expect(page.get_by_role("heading", name="Helicopter view · Haringey")).to_be_visible()
        idle(page)


def test_the_boards_filters_are_in_its_address_and_its_papers_name(page):
    page.goto("/board?board=Children%27s+Trust&partner=NHS+Haringey")
    settle(page, "2 red targets (exception mode) as at 2009/10 Q3")
    expect(page.get_by_text("Children's Trust's targets by status as at 2009/10 Q3")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").click()
    assert download.value.suggested_filename == "childrens-trust-2009-10-q3-red-nhs-haringey.pdf"
    page.get_by_text("Show all statuses").click()
    settle(page, "4 targets as at 2009/10 Q3")
    expect(page).to_have_url(re.compile(r"/board\?board=Children%27s\+Trust&partner=NHS\+Haringey&statuses=all$"))
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename == "childrens-trust-2009-10-q3-all-statuses-nhs-haringey.csv"
    page.reload()  # a bookmark of the address opens the same list
    settle(page, "4 targets as at 2009/10 Q3")
    assert_no_exception(page)


@pytest.mark.parametrize("role", [Role.CHAIR])
def test_a_chair_is_asked_before_signing_off_and_only_confirm_signs_off(writing_page):
    page = writing_page
    page.goto("/board?board=Children%27s+Trust")
    settle(page, "Children's Trust 2009/10 Q3 is not signed off yet.")
    sign_off = page.get_by_role("button", name="Sign off Children's Trust 2009/10 Q3")
    sign_off.click()
    question = page.get_by_text("Sign off Children's Trust 2009/10 Q3? 4 of 26 targets are still data awaited")
    expect(question).to_contain_text(  # after the colon, an invisible word joiner: no address is made a link
        " NI 80, NI 99, NI 100, NI 101. Once signed off, partners, the chair and analysts can no longer change the "
        "board's figures for 2009/10 Q3, until an analyst or the chair re-opens it, giving a reason."
    )
    idle(page)
    screenshot(page, "board_sign_off_question")
    page.get_by_role("button", name="Cancel").click()
    expect(question).to_have_count(0)
    expect(page.get_by_text("Children's Trust 2009/10 Q3 is not signed off yet.")).to_be_visible()
    sign_off.click()
    page.get_by_role("button", name="Confirm: sign off").click()
    expect(page.get_by_text("🔒 Children's Trust 2009/10 Q3 was signed off by")).to_be_visible()
    expect(sign_off).to_have_count(0)
    assert_no_exception(page)
