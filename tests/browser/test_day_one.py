"""What the executive, the chair and the analyst hit on the first day, driven in headless Debian chromium:
drop-downs that take every choice, a bookmark opened first on a fresh server, the ranking above the fold,
and the as-at quarter and ranking basis kept from page to page."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

from dashboard.access.permissions import Role
from tests.browser.conftest import idle, new_tab, running_dashboard

pytestmark = pytest.mark.browser

APP_PAGES = [
    "Helicopter view", "Theme board", "Target", "My targets", "Upload", "Indicators", "Targets for the year",
    "Data quality", "Audit",
]  # fmt: skip
"""The analyst's navigation."""
RANKING = ["Wellbeing", "Safer Communities", "Children's Trust", "Integrated Housing", "Better Places", "PMG"]


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def selected(page, label: str):
    """The drop-down's shown value."""
    return page.locator('[data-testid="stSelectbox"]', has=page.get_by_text(label, exact=True))


def nav_labels(page) -> list[str]:
    links = page.locator(".st-key-navigation a")
    return [text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()]


def heading(page):
    return page.locator("h1").first


# 1. Every choice in a drop-down shows at once -----------------------------------------------------------------


def test_five_board_choices_in_a_row_each_show_at_once(page):
    page.goto("/board?board=PMG")
    expect(heading(page)).to_have_text("PMG")
    for board in ["Children's Trust", "Wellbeing", "Enterprise", "PMG", "Better Places"]:
        choose(page, "Theme board", board)
        expect(heading(page)).to_have_text(board)
        expect(page).to_have_url(re.compile(r"board=" + re.escape(board.replace(" ", "+").replace("'", "%27"))))
    idle(page)


def test_five_as_at_choices_in_a_row_each_show_at_once(page):
    page.goto("/")
    expect(page.get_by_text("Targets by status as at 2009/10 Q3")).to_be_visible()
    for quarter in ["2009/10 Q2", "2009/10 Q1", "2008/09 Q4", "2009/10 Q3", "2009/10 Q1"]:
        choose(page, "As at", quarter)
        expect(page.get_by_text(f"Targets by status as at {quarter}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"as_at=2009%2F10\+Q1"))


def test_five_target_choices_in_a_row_each_show_at_once(page):
    page.goto("/target?target=NI+117")
    expect(heading(page)).to_contain_text("NI 117 · ")
    for code in ["NI 56", "NI 151", "NI 8", "NI 117", "NI 192"]:
        page.get_by_label("Target", exact=True).click()
        page.keyboard.type(f"{code} · ")  # the list of 74 is long: filter it as a user would
        page.get_by_role("option", name=re.compile(rf"^{code} · ")).click()
        expect(heading(page)).to_contain_text(f"{code} · ")


# 2. A bookmark opened first on a freshly started server runs inside the app ---------------------------------


def test_a_bookmark_opened_first_on_a_fresh_server_runs_inside_the_app(browser, demo_database, tmp_path):
    with running_dashboard(demo_database, tmp_path / "fresh.log") as base:
        first = new_tab(browser, base, demo_database, viewport={"width": 1440, "height": 900})
        context = first.context
        try:
            first.goto("/board?board=PMG")
            expect(heading(first)).to_have_text("PMG")
            idle(first)
            assert nav_labels(first) == APP_PAGES
            # The app's wide layout, not the narrow one of a page run on its own.
            assert first.locator("h1").first.bounding_box()["width"] > 900
            # And it stays so for the next visitor.
            later = context.new_page()
            later.goto("/target?target=NI+117")
            expect(heading(later)).to_contain_text("NI 117 · ")
            idle(later)
            assert nav_labels(later) == APP_PAGES
        finally:
            context.close()


# 9. Who is best and who is worst, on the first screen ---------------------------------------------------------


def test_the_ranking_is_on_the_first_screen_and_each_board_opens(page):
    page.goto("/")
    ranking = page.get_by_text("Boards ranked, best first, as at 2009/10 Q3")
    expect(ranking).to_be_visible()
    idle(page)
    links = page.locator('[data-testid="stPageLink"] a', has_text=re.compile(r"\d · .* — "))
    names = [re.sub(r"^\d · (.*) — .*$", r"\1", t.strip().splitlines()[-1]) for t in links.all_inner_texts()]
    assert names == [*RANKING, "Enterprise"]
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["y"] + box["height"] <= 900, names[i]
    # The percentages are shown, not only in tooltips.
    expect(links.first).to_contain_text("1 · Wellbeing — ✔▲ 71.4% · ✖ 7.1%")
    links.nth(6).click()
    expect(heading(page)).to_have_text("Enterprise")
    expect(page).to_have_url(re.compile(r"/board\?board=Enterprise"))
    assert len(page.context.pages) == 1


def test_a_phone_sees_the_partnership_mix_on_its_first_screen(open_tab):
    phone = open_tab(Role.EXECUTIVE, viewport={"width": 390, "height": 844})
    phone.goto("/")
    expect(phone.get_by_text("Boards ranked, best first")).to_be_attached()
    idle(phone)
    tiles = phone.locator('[data-testid="stMetric"]')
    assert tiles.count() == 5
    # Two tiles to a row: the five fit in the first screen and a half, not two and a half screens.
    bottoms = [tiles.nth(i).bounding_box() for i in range(5)]
    assert bottoms[1]["y"] == bottoms[0]["y"]
    assert bottoms[2]["y"] + bottoms[2]["height"] <= 844
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390


# 10. The as-at quarter and the ranking basis travel with the user ----------------------------------------------


def test_as_at_and_basis_are_kept_across_pages_and_links(page):
    page.goto("/")
    expect(page.get_by_text("Boards ranked, best first, as at 2009/10 Q3")).to_be_visible()
    choose(page, "As at", "2009/10 Q2")
    expect(page.get_by_text("Boards ranked, best first, as at 2009/10 Q2")).to_be_visible()
    page.get_by_role("radio", name="Rated targets only").click()
    expect(page).to_have_url(re.compile(r"basis=rated"))
    expect(page.locator('[data-testid="stPageLink"] a').filter(has_text="1 · Integrated Housing")).to_be_visible()

    # A board name on the helicopter view: the board page opens as at the same quarter, in the same tab.
    page.locator('[data-testid="stPageLink"] a', has_text="· Children's Trust —").click()
    expect(heading(page)).to_have_text("Children's Trust")
    expect(page.get_by_text("red targets (exception mode) as at 2009/10 Q2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"as_at=2009%2F10\+Q2"))

    # A row of the board's table opens its target in the same tab, still as at 2009/10 Q2.
    idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection cell
    expect(page).to_have_url(re.compile(r"/target\?target=NI\+\d+.*as_at=2009%2F10\+Q2"))
    assert len(page.context.pages) == 1

    # The sidebar's own links keep the choices too.
    page.locator(".st-key-navigation a", has_text="Helicopter view").click()
    expect(page.get_by_text("Boards ranked, best first, as at 2009/10 Q2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"basis=rated"))
    expect(page.locator('[data-testid="stPageLink"] a').filter(has_text="1 · Integrated Housing")).to_be_visible()


def test_a_link_with_an_as_at_opens_that_quarter_on_a_fresh_page(page):
    page.goto("/board?board=PMG&as_at=2009%2F10+Q1")
    expect(page.get_by_text("red target (exception mode) as at 2009/10 Q1")).to_be_visible()
    page.goto("/quality?as_at=2009%2F10+Q1")
    expect(page.get_by_text("as at 2009/10 Q1").first).to_be_visible()


def test_two_people_at_once_keep_their_own_choices(open_tab):
    chair, executive = (
        open_tab(role, viewport={"width": 1440, "height": 900}) for role in (Role.CHAIR, Role.EXECUTIVE)
    )
    chair.goto("/board?board=PMG")
    executive.goto("/")
    choose(chair, "Theme board", "Wellbeing")
    choose(executive, "As at", "2009/10 Q1")
    choose(chair, "As at", "2009/10 Q2")
    expect(heading(chair)).to_have_text("Wellbeing")
    expect(chair.get_by_text("(exception mode) as at 2009/10 Q2")).to_be_visible()
    expect(executive.get_by_text("Targets by status as at 2009/10 Q1")).to_be_visible()
    executive.reload()
    expect(executive.get_by_text("Targets by status as at 2009/10 Q1")).to_be_visible()
