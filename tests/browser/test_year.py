"""The analyst's year in Chromium: a tolerance changed on the Indicators page names the status it moves before it
is saved; next year's targets set on the Targets page open its first quarter, and the partner enters an actual."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from dashboard.access.permissions import Role
from dashboard.read.position import load_position
from dashboard.store.engine import make_engine
from dashboard.write.indicators import settings_table
from tests.browser.conftest import idle, screenshot
from tests.browser.test_sign_in import enter_in_grid, grid, grid_row, my_targets_column

pytestmark = pytest.mark.browser
TOLERANCE_COLUMN = 5  # Code, Indicator, Theme board, Lead partner, Polarity, Tolerance %
LONG = 60_000
"""Milliseconds to wait for a check of a whole year's targets (a dry run of 200 rows) on a busy machine."""


def row_in(table, code: str) -> int:
    return table["Code"].tolist().index(code)


def position_of(database_url: str):
    engine = make_engine(database_url)
    try:
        return load_position(engine)
    finally:
        engine.dispose()


def test_an_analyst_changes_a_tolerance_and_sees_the_status_it_moves_before_saving(writing_page):
    page = writing_page
    row = row_in(settings_table(position_of(page.database_url)), "NI 115")
    page.goto("/indicators")
    expect(page.get_by_role("heading", name="Indicators")).to_be_visible(timeout=LONG)
    idle(page)
    enter_in_grid(page, row, TOLERANCE_COLUMN, "2")
    shown = page.locator('[data-testid="stDataFrame"]').first  # scrolled down to the row the keys moved to
    assert grid_row(shown, row)[:1] == ["NI 115"]
    # NI 115: 11.85 against 11.5, lower is better: amber within 5%, red within 2%.
    expect(page.get_by_text("1 target turns ✖ red")).to_be_visible(timeout=LONG)
    screenshot(page, "indicators_preview")
    page.get_by_role("button", name="Save 1 change").click()
    expect(page.get_by_text("Saved 1 change as batch 3.")).to_be_visible(timeout=LONG)


@pytest.mark.parametrize("role", [Role.ANALYST])
def test_next_years_targets_open_its_first_quarter_for_the_partner(writing_page, writing_dashboard, open_tab, role):
    page = writing_page
    page.goto("/targets")
    expect(page.get_by_role("heading", name="Targets for the year")).to_be_visible(timeout=LONG)
    idle(page)
    page.get_by_role("button", name="Copy each target's last target forward into the empty cells").click()
    expect(page.get_by_text("What saving will do")).to_be_visible(timeout=LONG)
    idle(page)
    screenshot(page, "targets_copied")
    page.get_by_role("button", name="Save 209 changes").click()
    expect(page.get_by_text("as batch 3.")).to_be_visible(timeout=LONG)

    partner = open_tab(Role.PARTNER, writing_dashboard)
    partner.goto("/my-targets?quarter=2010%2F11+Q1")
    expect(partner.get_by_role("heading", name="My targets")).to_be_visible(timeout=LONG)
    idle(partner)
    table = grid(partner)
    codes = [grid_row(table, r)[0] for r in range(11)]
    ni39 = codes.index("NI 39")
    enter_in_grid(partner, ni39, my_targets_column(Role.PARTNER, "Actual"), "1430")
    expect(partner.get_by_text("What saving will do")).to_be_visible(timeout=LONG)
    # the target copied forward from 2009/10 Q3 rates the actual
    assert grid_row(grid(partner, 1), 0) == ["NI 39", "2010/11 Q1", "1450", "1430", "✔ green"]
    partner.get_by_role("button", name="Save 1 entry").click()
    expect(
        partner.get_by_text("Saved 1 entry for 2010/11 Q1 as batch 4, entered in the browser by nhs.")
    ).to_be_visible(timeout=LONG)
