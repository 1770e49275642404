"""WCAG 2.2 AA, checked by axe-core (axe-playwright-python) on every page at a desktop and a phone width, signed
in as a role that sees the page (the one that sees the most of it); each page's title, language and headings."""

from __future__ import annotations

import itertools
from urllib.parse import urlsplit

import pytest

from dashboard.access.permissions import Role
from tests.browser.conftest import idle

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without them
    Axe = expect = None

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
# Each page: its address, who opens it (None: nobody signed in), text that shows once it has rendered, and the
# name its browser tab starts with.
PAGES = {
    "helicopter": ("/", Role.ANALYST, "Helicopter view · Haringey", "Helicopter view"),
    "board": ("/board?board=Children%27s+Trust", Role.ANALYST, "9 red targets (exception mode)", "Theme board"),
    "board-chair": ("/board?board=Children%27s+Trust", Role.CHAIR, "9 red targets (exception mode)", "Theme board"),
    "target": ("/target?target=NI+117", Role.ANALYST, "Corrected values: every stored version", "Target"),
    "my-targets": ("/my-targets", Role.ANALYST, "Last period is the actual of the period before.", "My targets"),
    "my-targets-partner": (
        "/my-targets", Role.PARTNER, "Last period is the actual of the period before.", "My targets"
    ),
    "upload": ("/upload", Role.ANALYST, "Upload the quarter's figures", "Upload"),
    "quality": ("/quality", Role.ANALYST, "Chase list: targets awaiting data as at", "Data quality"),
    "audit": ("/audit", Role.ANALYST, "Every upload, browser entry, rollback", "Audit"),
    "indicators": ("/indicators", Role.ANALYST, "Change a cell to change a setting", "Indicators"),
    "targets": ("/targets", Role.ANALYST, "Fill in or change a figure", "Targets for the year"),
    "users": ("/users", Role.ADMIN, "Add a user", "Users"),
    "not-for-role": ("/upload", Role.EXECUTIVE, "The Upload page is not open to the executive role.", "Upload"),
    "sign-in": ("/signin", None, "Sign in to see the partnership's targets.", "Sign in"),
    "statement": ("/accessibility", None, "How we tested this dashboard", "Accessibility statement"),
}  # fmt: skip
STATIC = ("/signin", "/accessibility")
"""Pages served as plain HTML, not by Streamlit."""


def rendered(page, text: str) -> None:
    """Wait until the page shows its text, the script run has finished and every chart has drawn."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible")
    if urlsplit(page.url).path in STATIC:
        return
    idle(page)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached")
    idle(page)


def report(violations: list[dict]) -> str:
    """Each violation's rule, impact and help, and the elements that break it with axe's reason."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' > '.join(map(str, node['target']))}")
            lines += [f"      {check['message']}" for check in node["any"] + node["all"] + node["none"]]
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def headings(page) -> list[tuple[int, str]]:
    """The page's headings in document order, as (level, text)."""
    found = page.evaluate(
        """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
                  .filter(h => h.getClientRects().length)
                  .map(h => [Number(h.tagName[1]), h.textContent.trim()])"""
    )
    return [(level, text) for level, text in found]


def out_of_order(found: list[tuple[int, str]]) -> list[str]:
    """Headings that skip a level on the way down (an h3 straight after the h1), and a page whose first heading
    is not its one h1."""
    levels = [level for level, _ in found]
    problems = [] if levels[:1] == [1] else ["the first heading is not an h1"]
    if levels.count(1) > 1:
        problems.append(f"{levels.count(1)} h1 headings")
    for (before, _), (level, text) in itertools.pairwise(found):
        if level > before + 1:
            problems.append(f"h{level} {text!r} after an h{before}")
    return problems


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_meets_wcag_2_2_aa(open_tab, name, width):
    path, role, text, title = PAGES[name]
    page = open_tab(role, viewport=WIDTHS[width])
    page.goto(path)
    rendered(page, text)
    violations = axe_violations(page)
    assert violations == [], f"{name} at {width} width:\n{report(violations)}"
    if width == "phone" and path not in STATIC:
        # The sidebar (the pages, the sign-out, the statement) opens over the page on a phone.
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(page.get_by_role("link", name="Accessibility statement (opens in a new tab)")).to_be_in_viewport()
        violations = axe_violations(page)
        assert violations == [], f"{name} at {width} width, its sidebar open:\n{report(violations)}"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_its_title_language_and_headings_in_order(open_tab, name):
    path, role, text, title = PAGES[name]
    page = open_tab(role)
    page.goto(path)
    rendered(page, text)
    assert page.title().startswith(f"{title} · "), page.title()
    assert page.locator("html").get_attribute("lang") == "en"
    found = headings(page)
    assert out_of_order(found) == [], found


def test_the_heading_check_finds_a_skipped_level():
    assert out_of_order([(1, "Helicopter view"), (2, "Boards ranked"), (3, "Wellbeing")]) == []
    assert out_of_order([(1, "Helicopter view"), (3, "Boards ranked")]) == ["h3 'Boards ranked' after an h1"]
    assert out_of_order([(2, "Boards ranked"), (1, "Helicopter view")]) == ["the first heading is not an h1"]
    assert out_of_order([(1, "A"), (2, "B"), (1, "C")]) == ["2 h1 headings"]
