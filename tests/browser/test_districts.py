"""A county and its districts in headless chromium: the county's helicopter view breaks its mix down by district
and opens each district, a district opens its county again, a county target's page shows every district; by
mouse and by keyboard, after a reload, and with no WCAG 2.2 AA failure axe-core can find."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from tests.browser.conftest import idle, new_tab, running_dashboard, screenshot
from tests.browser.test_accessibility import WIDTHS, axe_violations, report
from tests.fixtures import store_of
from tests.test_districts import COUNTY

pytestmark = pytest.mark.browser


@pytest.fixture
def county(tmp_path):
    url = store_of(tmp_path / "county.sqlite3", COUNTY)
    with running_dashboard(url, tmp_path / "county.log") as base:
        yield base, url


def heading(page):
    return page.locator("h1").first


def test_a_county_opens_its_districts_and_a_district_its_county(browser, county):
    base, url = county
    page = new_tab(browser, base, url)
    page.goto("/?area=Hertfordshire")
    expect(heading(page)).to_have_text("Helicopter view · Hertfordshire")
    expect(page.get_by_text("Each district's targets by status, as at 2009/10 Q2")).to_be_visible()
    idle(page)
    assert (found := axe_violations(page)) == [], report(found)
    screenshot(page, "county_helicopter")
    page.get_by_role("link", name="Watford", exact=True).click()
    expect(heading(page)).to_have_text("Helicopter view · Watford")
    expect(page).to_have_url(re.compile(r"area=Watford"))
    page.reload()
    expect(heading(page)).to_have_text("Helicopter view · Watford")
    back = page.get_by_role("link", name="A district of Hertfordshire: open the county")
    # By keyboard: the link takes the focus and Enter follows it.
    back.focus()
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Helicopter view · Hertfordshire")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_county_target_page_shows_every_district(browser, county, width):
    base, url = county
    page = new_tab(browser, base, url, viewport=WIDTHS[width])
    page.goto("/target?area=Hertfordshire&target=NI+1")
    expect(page.get_by_role("heading", name="In each district, 2009/10 Q2")).to_be_visible()
    expect(page.get_by_text("Hertfordshire has its target of 100 for 2009/10 Q2.")).to_be_visible()
    idle(page)
    assert (found := axe_violations(page)) == [], report(found)
    screenshot(page, f"county_target_{width}")
    page.context.close()
