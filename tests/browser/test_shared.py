"""One store, many people, in headless chromium: a page open in the browser shows another process's import on the
next interaction, two browser contexts each keep their own area, and links match names by the one name key."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from dashboard.store.engine import make_engine
from dashboard.write.importer import import_bytes
from tests.browser.conftest import ROOT, SCREENSHOTS, idle, new_tab, running_dashboard, screenshot
from tests.fixtures import acting, new_store

pytestmark = pytest.mark.browser

TURNS_NI_151_GREEN = "indicator_code,theme_board,period,actual\nNI 151,Enterprise,2009/10 Q3,66.6\n"


def red_tile(page):
    return page.locator('[data-testid="stMetric"]', has_text="Red ·").locator('[data-testid="stMetricValue"]')


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_an_open_page_shows_another_process_import_on_the_next_interaction(writing_page, browser, tmp_path):
    page = writing_page
    page.goto("/")
    expect(red_tile(page)).to_have_text("18")
    url = page.database_url
    path = tmp_path / "q3_fix.csv"
    path.write_text(TURNS_NI_151_GREEN)
    env = {**os.environ, "LAA_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "import", str(path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    choose(page, "As at", "2009/10 Q2")  # the chair looks at the last quarter, then back at this one
    expect(page.get_by_text("Targets by status as at 2009/10 Q2")).to_be_visible()
    choose(page, "As at", "2009/10 Q3")
    expect(red_tile(page)).to_have_text("17")
    page.reload()
    expect(red_tile(page)).to_have_text("17")
    expect(page.get_by_role("link", name=re.compile("Enterprise")).first).to_be_visible()


def test_a_link_with_a_curly_apostrophe_and_odd_case_finds_the_board(page):
    page.goto("/board?board=children%E2%80%99s+TRUST")
    expect(page.locator("h1").first).to_have_text("Children's Trust")
    expect(page.get_by_text("9 red targets (exception mode)")).to_be_visible()
    assert page.locator('[data-testid="stAlert"]').count() == 0  # no "there is no theme board" warning


def test_two_browser_contexts_hold_two_areas_at_once(browser, tmp_path):
    url = new_store(f"sqlite:///{tmp_path / 'two.sqlite3'}", demo=True, second_area=True)
    with running_dashboard(url, tmp_path / "two.log") as base:
        haringey, enfield = new_tab(browser, base, url), new_tab(browser, base, url)
        haringey.goto("/")
        enfield.goto("/?area=Enfield")
        expect(haringey.locator("h1").first).to_have_text("Helicopter view · Haringey")
        expect(enfield.locator("h1").first).to_have_text("Helicopter view · Enfield")
        # The Enfield reader follows a board link: the area travels with it; the other reader is untouched.
        enfield.get_by_role("link", name=re.compile("Healthier Enfield")).first.click()
        expect(enfield.locator("h1").first).to_have_text("Healthier Enfield")
        expect(enfield).to_have_url(re.compile(r"area=Enfield"))
        choose(haringey, "As at", "2009/10 Q2")
        expect(haringey.get_by_text("Targets by status as at 2009/10 Q2")).to_be_visible()
        expect(haringey.locator("h1").first).to_have_text("Helicopter view · Haringey")
        idle(enfield)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        enfield.screenshot(path=str(SCREENSHOTS / "two_areas_enfield_board.png"), full_page=True)
        haringey.context.close()
        enfield.context.close()


def test_the_areas_page_lists_every_area_and_the_picker_finds_one_by_typing(browser, tmp_path):
    url = new_store(f"sqlite:///{tmp_path / 'many.sqlite3'}", demo=True)
    # 150 more areas of one target each, target 100 and actual the area's number: Areas 095 to 150 are amber or
    # green (within the 5% band or better), all ranked on 100%, so by name: Area 095 is first.
    rows = "".join(f"Area {i:03d},NI 1,Cohesion,2009/10 Q3,100,{i}\n" for i in range(1, 151))
    engine = make_engine(url)
    import_bytes(engine, f"area,indicator_code,theme_board,period,target,actual\n{rows}".encode(), "many.csv", acting())
    engine.dispose()
    with running_dashboard(url, tmp_path / "many.log") as base:
        page = new_tab(browser, base, url)
        page.goto("/areas")
        expect(page.locator("h1").first).to_have_text("Areas")
        expect(page.get_by_text("151 areas as at 2009/10 Q3")).to_be_visible()
        expect(page.get_by_text("The 10 best and the 10 worst areas")).to_be_visible()
        screenshot(page, "areas")
        # A row opens its area's helicopter view.
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection cell
        expect(page.locator("h1").first).to_have_text("Helicopter view · Area 095")
        idle(page)
        # The sidebar's area picker finds an area among 151 by typing part of its name.
        picker = page.get_by_label("Partnership area", exact=True)
        picker.click()
        page.keyboard.type("Area 123")
        page.get_by_role("option", name="Area 123", exact=True).click()
        expect(page.locator("h1").first).to_have_text("Helicopter view · Area 123")
        expect(page).to_have_url(re.compile(r"area=Area\+123"))
        page.context.close()
