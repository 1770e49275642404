"""Several areas in headless chromium: the Areas page, a target page's benchmark chart and the helicopter view's
quartiles, at a desktop and a phone width with no WCAG 2.2 AA failure axe-core finds; the Areas page after a
reload and after another process imports a new area while it is open; the quartiles' comparator group chosen by
keyboard alone and kept in the address."""

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

from dashboard.access.permissions import LOCAL_ADMIN
from dashboard.store.engine import make_engine
from dashboard.write.groups import set_groups
from dashboard.write.importer import import_bytes
from tests.browser.conftest import ROOT, idle, new_tab, running_dashboard, screenshot
from tests.browser.test_accessibility import WIDTHS, axe_violations, report
from tests.fixtures import new_store
from tests.test_quartiles import FILE, GROUPS

pytestmark = pytest.mark.browser

PAGES = {
    "areas": ("/areas", "6 areas as at 2009/10 Q3"),
    "target-benchmark": ("/target?area=Ashford&target=NI+1", "Against the other areas, 2009/10 Q3"),
    "helicopter-quartiles": ("/?area=Ashford", "Compared with"),
}


@pytest.fixture
def six_areas(tmp_path):
    url = new_store(f"sqlite:///{tmp_path / 'six.sqlite3'}")
    engine = make_engine(url)
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    set_groups(engine, GROUPS, LOCAL_ADMIN, "groups.csv")
    engine.dispose()
    with running_dashboard(url, tmp_path / "six.log") as base:
        yield base, url


@pytest.mark.parametrize("width", WIDTHS)
def test_the_benchmarking_pages_meet_wcag_2_2_aa(browser, six_areas, width):
    base, url = six_areas
    page = new_tab(browser, base, url, viewport=WIDTHS[width])
    for name, (address, ready) in PAGES.items():
        page.goto(address)
        expect(page.get_by_text(ready).first).to_be_visible()
        idle(page)
        assert (found := axe_violations(page)) == [], f"{name}: {report(found)}"
        if name == "target-benchmark":  # this area is named on its own bar, the others are not
            chart = page.locator('[data-testid="stPlotlyChart"]').last
            expect(chart.get_by_text("Ashford: rank 5 of 5, quartile 4")).to_be_visible()
            expect(chart.get_by_text("Bolton: rank")).to_have_count(0)
        screenshot(page, f"{name}_{width}", whole_page=width == "desktop")
    page.context.close()


def test_the_areas_page_shows_another_process_import_and_survives_a_reload(browser, six_areas, tmp_path):
    base, url = six_areas
    page = new_tab(browser, base, url)
    page.goto("/areas")
    expect(page.get_by_text("6 areas as at 2009/10 Q3")).to_be_visible()
    path = tmp_path / "grimsby.csv"
    path.write_text("area,indicator_code,theme_board,period,target,actual\nGrimsby,NI 1,People,2009/10 Q3,5,50\n")
    env = {**os.environ, "LAA_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "import", str(path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    page.get_by_role("radio", name="Rated targets only").click()  # the next interaction reads the store again
    expect(page.get_by_text("7 areas as at 2009/10 Q3")).to_be_visible()
    page.reload()
    expect(page.get_by_text("7 areas as at 2009/10 Q3")).to_be_visible()
    page.context.close()


def test_the_quartiles_group_is_chosen_by_keyboard_and_kept_in_the_address(browser, six_areas):
    base, url = six_areas
    page = new_tab(browser, base, url)
    page.goto("/?area=Ashford")
    picker = page.get_by_label("Compared with", exact=True)
    expect(picker).to_be_visible()
    picker.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("All areas")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"group=All\+areas"))
    idle(page)
    page.reload()
    expect(page.get_by_label("Compared with", exact=True)).to_have_value("All areas")
    page.context.close()
