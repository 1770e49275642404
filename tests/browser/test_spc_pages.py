"""Issue 19's "Signal or noise" as its readers meet it, in headless Debian chromium over the demo partnership: the
analyst follows a bookmark to NI 151's page, reads its XmR chart (mean, limits, the flagged points) from the chart's
text alternative and table of figures, notes the recession at 2008/09 Q4 through the page's form and sees the note
on the chart and in the Notes list, after a reload too; a change-of-process note too early to start new limits says
so. Enterprise's board page gives each target's variation and assurance as a mark with its word. Both pages are
checked by axe-core at a desktop and a phone width.

The figures are `laa spc "NI 151" --format json` and `laa spc "NI 153" --format json` on the demo: NI 151's
mean 65.747, limits 63.885 to 67.609 (mean ± 2.66 × the mean moving range 0.7); NI 153's mean 30, limits 28.252 to
31.748."""

from __future__ import annotations

import pytest

from dashboard.access.permissions import Role
from tests.browser.conftest import cell, idle, said, screenshot_of, section_table
from tests.browser.test_accessibility import WIDTHS, axe_violations, report
from tests.browser.test_browser import assert_no_exception, settle

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

pytestmark = pytest.mark.browser

NI_151 = (
    "NI 151's XmR chart over 15 points (from 2006/07 Q1: mean 65.747, limits 63.885 to 67.609). "
    "Variation: special cause, concerning. Assurance: hit and miss. "
    "Special causes: 2006/07 Q1 to 2008/09 Q3 (11 points): improving, in a run of 7 on one side of the mean; "
    "2009/10 Q1: concerning, two of three in the outer third on one side; "
    "2009/10 Q2 and 2009/10 Q3: concerning, outside the limits and two of three in the outer third on one side."
)
NOTED = " Notes: note 1, 2008/09 Q4: Recession reaches Haringey."
# The table of the chart's figures: Period, Actual, Mean, Lower limit, Upper limit, Special cause, Signal.
NI_151_ROWS = {
    "2006/07 Q1": ["66.9", "65.747", "63.885", "67.609", "in a run of 7 on one side of the mean", "improving"],
    "2008/09 Q4": ["65.2", "65.747", "63.885", "67.609", "", ""],
    "2009/10 Q1": ["64.1", "65.747", "63.885", "67.609", "two of three in the outer third on one side", "concerning"],
    "2009/10 Q2": ["62.4", "65.747", "63.885", "67.609",
                   "outside the limits and two of three in the outer third on one side", "concerning"],
    "2009/10 Q3": ["61.1", "65.747", "63.885", "67.609",
                   "outside the limits and two of three in the outer third on one side", "concerning"],
}  # fmt: skip
NI_153 = (
    "NI 153's XmR chart over 15 points (from 2006/07 Q1: mean 30, limits 28.252 to 31.748). "
    "Variation: special cause, concerning. Assurance: never met unless the process changes. "
    "Special causes: 2007/08 Q2 to 2008/09 Q4 (7 points): improving, in a run of 7 on one side of the mean; "
    "2009/10 Q2: concerning, outside the limits and two of three in the outer third on one side; "
    "2009/10 Q3: concerning, two of three in the outer third on one side."
)
NOT_YET = " The change of process from 2008/09 Q4 is not applied: the phase before it would hold 11 of 12 points."
LEGEND = ["process limits", "mean", "target", "actual", "special cause, improving", "special cause, concerning"]
# Enterprise's red targets at 2009/10 Q3 in the board page's order: Variation and Assurance, each a mark and words;
# a target without a chart says how many more actuals it needs.
ENTERPRISE = {
    "NI 171": ("needs 8 more quarters", "–"),
    "NI 153": ("▼ special cause, concerning", "✖ never met unless the process changes"),
    "NI 152": ("needs 8 more quarters", "–"),
    "NI 151": ("▼ special cause, concerning", "↕ hit and miss"),
}


def signal_or_noise(page):
    """The target page's "Signal or noise" section, once its XmR chart has drawn."""
    section = page.locator(".st-key-signal_or_noise")
    expect(section.get_by_role("heading", name="Signal or noise")).to_be_visible()
    section.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(state="attached")
    return section


def expect_xmr(section, sentence: str) -> None:
    """The section says its variation and assurance with their marks, and its chart's text alternative is the
    sentence; the chart draws the limits, the mean and both kinds of special cause, named in its legend."""
    expect(section.get_by_text(said(sentence))).to_be_visible()
    chart = section.locator('[data-testid="stPlotlyChart"]')
    expect(chart.locator(".legendtext")).to_have_text(LEGEND)


def figures_rows(section) -> dict[str, list[str]]:
    """The table of the chart's figures, opened from its expander: each row's cells after the period."""
    section.locator('[data-testid="stExpander"] summary', has_text="The figures in this chart").click()
    table = section.locator(".chart-figures table")
    expect(table.locator("thead th")).to_have_text(
        ["Period", "Actual", "Mean", "Lower limit", "Upper limit", "Special cause", "Signal"]
    )
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = [text.strip() for text in row.locator("td, th").all_inner_texts()]
        rows[cells[0]] = cells[1:]
    return rows


def note_form(page, period: str) -> None:
    """Open the Notes section's form and pick the note's period: typed, as a keyboard user does."""
    page.get_by_text("Add a note, or take one off").click()
    picker = page.get_by_role("combobox", name="Period")
    expect(picker).to_be_visible()
    idle(page)  # the section opened and drawn: a click while it still moves can leave the list shut
    picker.click()
    expect(picker).to_be_focused()  # so the keys go to its filter, which opens the list
    page.keyboard.type(period)
    expect(page.get_by_role("option")).to_have_text([period])  # the one option left, highlighted: Enter picks it
    page.keyboard.press("Enter")
    expect(picker).to_have_value(period)


def period_x(chart, label: str) -> float:
    """Where the chart's x axis puts a period, in the page's pixels (its tick labels are slanted: their boxes are
    not centred on it)."""
    return chart.locator(".js-plotly-plot").evaluate(
        "(gd, label) => gd.getBoundingClientRect().left + gd._fullLayout.xaxis._offset"
        " + gd._fullLayout.xaxis.d2p(label)",
        label,
    )


def test_the_analyst_reads_ni_151s_xmr_chart_and_notes_the_recession_on_it(writing_page):
    page = writing_page
    page.goto("/target?target=NI+151")  # a bookmarked link, on a server started for this test
    settle(page, "Signal or noise")
    expect(page.locator("h1").first).to_have_text("NI 151 · Overall employment rate")
    section = signal_or_noise(page)
    marks = said("Variation: ▼ special cause, concerning · Assurance: ↕ hit and miss")
    expect(section.get_by_text(marks)).to_be_visible()
    expect_xmr(section, NI_151)
    # Under the chart of actual against target: the page's first chart.
    history = page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
    xmr = section.locator('[data-testid="stPlotlyChart"]').bounding_box()
    assert xmr["y"] > history["y"] + history["height"], (history, xmr)
    rows = figures_rows(section)
    assert len(rows) == 15
    assert {period: rows[period] for period in NI_151_ROWS} == NI_151_ROWS

    # The note, through the page's form: the period picked with the mouse, the words typed, sent with the keyboard.
    note_form(page, "2008/09 Q4")
    page.get_by_label("What happened").click()
    page.keyboard.type("Recession reaches Haringey")
    page.get_by_role("button", name="Add the note").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(said("Added note 1 on NI 151 at 2008/09 Q4", whole=False))).to_be_visible()

    for reloaded in (False, True):
        if reloaded:
            page.reload()
            settle(page, "Signal or noise")
        section = signal_or_noise(page)
        expect_xmr(section, NI_151 + NOTED)
        chart = section.locator('[data-testid="stPlotlyChart"]')
        note = chart.locator(".annotation-text", has_text="note 1")
        expect(note).to_be_visible()
        box = note.bounding_box()  # the note is named just right of its line, at its period on the chart
        assert 0 <= box["x"] - period_x(chart, "2008/09 Q4") <= 6, box
        expect(page.get_by_text(said("Note 1, 2008/09 Q4 · by ann"))).to_be_visible()  # the Notes list
        expect(page.get_by_text("Recession reaches Haringey", exact=True)).to_be_visible()
    idle(page)
    screenshot_of(section, "xmr")
    assert axe_violations(page) == []

    # A change of process too near the latest quarter to start new limits: the limits hold, and the page says why.
    page.goto("/target?target=NI+153")
    settle(page, "Signal or noise")
    section = signal_or_noise(page)
    expect_xmr(section, NI_153)
    note_form(page, "2008/09 Q4")
    page.get_by_label("What happened").fill("Claimant count now from the new benefit system")
    page.get_by_text("A change of process: control limits start again here").click()
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text(said("Added note 2 on NI 153 at 2008/09 Q4", whole=False))).to_be_visible()
    section = signal_or_noise(page)
    changed = " Notes: note 2, 2008/09 Q4 (change of process): Claimant count now from the new benefit system."
    expect_xmr(section, NI_153 + NOT_YET + changed)
    assert_no_exception(page)
    assert page.dialogs == []


def test_enterprise_s_board_gives_each_target_s_variation_and_assurance_as_a_mark_and_its_words(open_tab):
    # A desktop screen's width, at which the table shows every column up to Assurance (at 1400px the table scrolls
    # sideways to its end).
    page = open_tab(Role.ANALYST, viewport={"width": 1680, "height": 900})
    page.goto("/board?board=Enterprise")
    settle(page, "red targets (exception mode) as at 2009/10 Q3")
    board = section_table(page, "board_table")
    headings = board.locator("thead th").all_inner_texts()
    assert "Variation" in headings and "Assurance" in headings, headings
    variation, assurance = headings.index("Variation") + 1, headings.index("Assurance") + 1  # after the tick box
    expect(board.locator('table[role="grid"]')).to_have_attribute("aria-rowcount", str(len(ENTERPRISE) + 1))
    for row, (code, (varies, assured)) in enumerate(ENTERPRISE.items()):
        expect(cell(board, 1, row)).to_have_text(code)
        expect(cell(board, variation, row)).to_have_text(varies)
        expect(cell(board, assurance, row)).to_have_text(assured)
    screenshot_of(page.locator(".st-key-board_table"), "board_spc")
    assert_no_exception(page)


PAGES = {
    "target": ("/target?target=NI+151", "Signal or noise"),
    "board": ("/board?board=Enterprise", "red targets (exception mode) as at 2009/10 Q3"),
}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_the_signal_or_noise_pages_meet_wcag_2_2_aa(open_tab, name, width):
    path, text = PAGES[name]
    page = open_tab(Role.ANALYST, viewport=WIDTHS[width])
    page.goto(path)
    settle(page, text)
    if name == "target":  # the XmR chart's figures and the note form open, so that axe checks them too
        section = signal_or_noise(page)
        section.locator('[data-testid="stExpander"] summary', has_text="The figures in this chart").click()
        page.get_by_text("Add a note, or take one off").click()
        expect(page.get_by_label("What happened")).to_be_visible()
    else:
        section_table(page, "board_table")
    idle(page)
    violations = axe_violations(page)
    assert violations == [], f"{name} at {width} width:\n{report(violations)}"
