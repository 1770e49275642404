"""The administrator's rules and the executive paper in Chromium: the paper's files are written when a download is
clicked, and a rule switched off on the helicopter view changes the list of escalations, by keyboard too."""

from __future__ import annotations

import io
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from dashboard.access.permissions import Role
from dashboard.read.escalations import Rule, RuleSetting, rules_of
from dashboard.store.engine import make_engine
from tests.browser.conftest import idle, screenshot

pytestmark = pytest.mark.browser


def test_the_executive_paper_downloads_as_one_pdf_page_and_a_workbook(page):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    page.goto("/")
    expect(page.get_by_role("heading", name="In brief, as at 2009/10 Q3")).to_be_visible()
    idle(page)
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Executive paper (PDF)").click()
    assert pdf.value.suggested_filename == "haringey-executive-2009-10-q3.pdf"
    assert len(PdfReader(pdf.value.path()).pages) == 1
    with page.expect_download() as xlsx:
        page.get_by_role("button", name="Executive paper (Excel)").click()
    assert xlsx.value.suggested_filename == "haringey-executive-2009-10-q3.xlsx"
    with open(xlsx.value.path(), "rb") as stream:  # the download's file has no suffix for openpyxl to go by
        workbook = load_workbook(io.BytesIO(stream.read()))
    assert workbook.active["A1"].value == "Haringey: executive paper as at 2009/10 Q3"


@pytest.mark.parametrize("role", [Role.ADMIN])
def test_an_administrator_switches_a_rule_off_by_keyboard_and_the_escalations_follow(writing_page):
    page = writing_page
    page.goto("/")
    escalate = page.get_by_role("heading", name="To escalate: ")
    expect(escalate).to_be_visible()
    before = int(escalate.inner_text().split(": ")[1])
    page.get_by_text("The rules of Haringey").click()
    switch = page.get_by_role("switch", name="red_run: red for N periods running")
    expect(switch).to_be_checked()
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).not_to_be_checked()
    page.get_by_role("button", name="Save the rules").focus()
    page.keyboard.press("Enter")
    # md_escape keeps a colon from starting an emoji code with an invisible joiner after it.
    saved = re.compile("Saved \\(in the audit trail\\):\u2060? red_run:\u2060? on, 2 → off, 2")
    expect(page.get_by_text(saved)).to_be_visible()
    idle(page)
    screenshot(page, "rules")
    after = int(page.get_by_role("heading", name="To escalate: ").inner_text().split(": ")[1])
    assert after < before
    engine = make_engine(page.database_url)
    try:
        assert rules_of(engine, 1)[Rule.RED_RUN] == RuleSetting(False, 2)
    finally:
        engine.dispose()


@pytest.mark.parametrize("role", [Role.CHAIR])
def test_a_chair_notes_a_change_of_process_and_the_chart_marks_it(writing_page):
    from tests.browser.test_accessibility import axe_violations

    page = writing_page
    page.goto("/target?target=NI+117")
    expect(page.get_by_role("heading", name="Notes")).to_be_visible()
    page.get_by_text("Add a note, or take one off").click()
    page.get_by_label("What happened").fill("New <i>definition</i> from this quarter")
    page.get_by_text("A change of process: control limits start again here").click()
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text(re.compile("Added note 1 on NI 117 at 2009/10 Q3"))).to_be_visible()
    expect(page.get_by_text("New <i>definition</i> from this quarter", exact=True)).to_be_visible()
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".annotation-text", has_text="note 1")).to_be_visible()
    idle(page)
    screenshot(page, "target_notes")
    page.reload()
    expect(page.get_by_text("New <i>definition</i> from this quarter", exact=True)).to_be_visible()
    idle(page)
    assert axe_violations(page) == []
