"""A keyboard alone does the analyst's round (WCAG 2.1.1): sign in, pick an 'as at' quarter, open a board, open a
target, enter a figure on My targets and save it. Only Tab, Shift+Tab, Enter, Space, arrow keys and typing; no
mouse. Whatever has the focus at each step shows a ring a sighted keyboard user can see (2.4.7), on screen and
not covered (2.4.11)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.access.permissions import Role
from dashboard.store.engine import make_engine
from tests.browser.conftest import idle, screenshot
from tests.browser.test_sign_in import my_targets_column
from tests.fixtures import PASSWORD, user_of

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

pytestmark = pytest.mark.browser

# What has the focus, and whether it (or the frame around it: a drop-down's, a table's, a switch's label) shows a
# ring: an outline at least 2px wide, or the focused element's own box shadow, on an element big enough to see,
# not transparent, inside the window and not covered by anything at its centre, once what moves has stopped.
FOCUS = """async () => {
  // What a key sets moving (a cell's editor fading in) is looked at once it has arrived.
  const finite = document.getAnimations().filter(a => a.effect && a.effect.getTiming().iterations !== Infinity);
  await Promise.race([Promise.all(finite.map(a => a.finished.catch(() => null))),
                      new Promise(done => setTimeout(done, 2000))]);
  // Tab from a page's last stop goes to the browser's own controls, which show their own focus.
  if (!document.hasFocus()) return {seen: true, what: "the browser's own controls"};
  const active = document.activeElement;
  if (!active || active === document.body) return {seen: false, what: 'nothing (the page itself)'};
  const what = `${active.tagName.toLowerCase()} ${active.getAttribute('aria-label') || ''}`
    + ` "${(active.innerText || active.value || '').trim().slice(0, 40)}"`;
  for (let e = active, depth = 0; e && depth < 12; e = e.parentElement, depth++) {
    const style = getComputedStyle(e);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      || (e === active && style.boxShadow !== 'none');
    const box = e.getBoundingClientRect();
    if (!ring || box.width < 8 || box.height < 8) continue;
    if (box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth) {
      return {seen: false, what: what + ' (off screen)'};
    }
    for (let up = e; up; up = up.parentElement) {
      const seen = getComputedStyle(up);
      if (seen.opacity === '0' || seen.visibility === 'hidden') {
        return {seen: false, what: `${what} (transparent: ${up.tagName.toLowerCase()} ${up.className})`};
      }
    }
    const x = Math.min(Math.max(box.left + box.width / 2, 1), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 1), innerHeight - 1);
    // A table's canvas lies under its own scrolling layer: covered means by something of another element.
    const own = e.closest('[data-testid="stElementContainer"]') || e;
    const top = document.elementFromPoint(x, y);
    const covered = !top || !(own.contains(top) || top.contains(e));
    return {seen: !covered, what: what + (covered ? ' (covered)' : '')};
  }
  return {seen: false, what: what + ' (no focus ring)'};
}"""
ACTUAL = my_targets_column(Role.ANALYST, "Actual")
"""My targets' Actual column (the page's column order)."""
HAS_FOCUS = "e => e === document.activeElement || e.contains(document.activeElement)"
# The option a drop-down's list has the keyboard on (the input keeps the focus and points at it).
ACTIVE_OPTION = """() => { const id = document.activeElement.getAttribute('aria-activedescendant');
                          return id ? document.getElementById(id).textContent : null; }"""


def focus_seen(page) -> None:
    found = page.evaluate(FOCUS)
    assert found["seen"], f"the keyboard focus cannot be seen: {found['what']}"


def press(page, key: str) -> None:
    page.keyboard.press(key)
    focus_seen(page)


def follow(page) -> None:
    """Enter on a link: another page opens, and, as after any page load, the keyboard starts again from its top."""
    page.keyboard.press("Enter")


def tab_to(page, target, key: str = "Tab", limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until target (a locator) has the focus, checking the ring at every stop."""
    target.wait_for(state="visible")
    for _ in range(limit):
        press(page, key)
        if target.evaluate(HAS_FOCUS):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {target}")


def choose_with_arrows(page, combobox, option: str) -> None:
    """Open a drop-down with the down arrow, move to option with the arrows, and take it with Enter."""
    tab_to(page, combobox)
    for _ in range(20):
        press(page, "ArrowDown")
        if page.evaluate(ACTIVE_OPTION) == option:
            break
    else:
        raise AssertionError(f"the arrows never reached {option!r}")
    press(page, "Enter")


def selected_cell(table) -> tuple[int, int]:
    """The column and row of the table's selected cell (Glide's accessible copy marks it)."""
    cell = table.locator('td[aria-selected="true"]')
    cell.wait_for(state="attached")
    column, row = re.fullmatch(r"glide-cell-(\d+)-(\d+)", cell.get_attribute("data-testid")).groups()
    return int(column), int(row)


def arrow_in_table(page, table, key: str) -> tuple[int, int]:
    """Move the table's selection one cell with an arrow key, once the table has taken the key. On a loaded machine
    the grid can draw itself again and lose the focus and the key with it: then, as a keyboard user would, tab back
    into the grid and press the key again."""
    column, row = selected_cell(table)
    step = {"ArrowDown": (0, 1), "ArrowUp": (0, -1), "ArrowRight": (1, 0), "ArrowLeft": (-1, 0)}[key]
    moved = (column + step[0], row + step[1])
    there = table.locator(f'[data-testid="glide-cell-{moved[0]}-{moved[1]}"][aria-selected="true"]')
    for _ in range(3):
        press(page, key)
        try:
            there.wait_for(state="attached", timeout=10_000)
            return moved
        except PlaywrightTimeout:
            if selected_cell(table) != (column, row):
                raise  # the selection went elsewhere: not a lost key
            canvas = table.get_by_test_id("data-grid-canvas")
            if not canvas.evaluate(HAS_FOCUS):
                tab_to(page, canvas)
    raise AssertionError(f"{key} never moved the selection from {(column, row)}")


def analyst(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        return user_of(engine, Role.ANALYST).name
    finally:
        engine.dispose()


def test_a_keyboard_alone_signs_in_reads_and_enters_a_figure(open_tab, writing_dashboard):
    page = open_tab(None, writing_dashboard)
    name = analyst(writing_dashboard[1])
    page.goto("/")

    # Sign in: the username has the focus when the page opens.
    expect(page.get_by_label("Username")).to_be_focused()
    focus_seen(page)
    page.keyboard.type(name)
    press(page, "Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")  # the form is sent and a new page loads: the focus is checked there
    expect(page.locator("h1").first).to_have_text("Helicopter view · Haringey")
    idle(page)

    # Pick an as-at quarter from the drop-down.
    choose_with_arrows(page, page.get_by_role("combobox", name="As at"), "2009/10 Q2")
    expect(page.get_by_text("Boards ranked, best first, as at 2009/10 Q2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"as_at=2009%2F10\+Q2"))
    idle(page)
    screenshot(page, "keyboard_as_at")

    # Open a board from the ranking.
    tab_to(page, page.get_by_role("link", name=re.compile(r"^\d · Children's Trust — ")))
    follow(page)
    expect(page.locator("h1").first).to_have_text("Children's Trust")
    expect(page.get_by_text(re.compile(r"red targets \(exception mode\) as at 2009/10 Q2"))).to_be_visible()
    idle(page)

    # Open a target from the board's commentary.
    link = page.get_by_role("link", name=re.compile(r"^NI \d+ · history and every version$")).first
    code = re.search(r"NI \d+", link.inner_text()).group()
    tab_to(page, link)
    follow(page)
    expect(page.locator("h1").first).to_contain_text(f"{code} · ")
    expect(page).to_have_url(re.compile(r"/target\?"))
    idle(page)

    # Back up the page to the sidebar's My targets with Shift+Tab, and open it.
    tab_to(page, page.get_by_role("link", name="Back to Children's Trust"))
    tab_to(page, page.locator(".st-key-navigation").get_by_role("link", name="My targets"), key="Shift+Tab")
    follow(page)
    expect(page.get_by_role("heading", name="My targets")).to_be_visible()
    idle(page)

    # Into the table, down its Code column to NI 150, across to its Actual, and type a figure.
    table = page.locator('[data-testid="stDataFrame"]').first
    tab_to(page, table.get_by_test_id("data-grid-canvas"))
    press(page, "ArrowDown")  # the first arrow selects a cell
    column, row = selected_cell(table)
    while column > 0:
        column, row = arrow_in_table(page, table, "ArrowLeft")
    while table.locator(f'[data-testid="glide-cell-0-{row}"]').text_content() != "NI 150":
        column, row = arrow_in_table(page, table, "ArrowDown")
    while column < ACTUAL:
        column, row = arrow_in_table(page, table, "ArrowRight")
    page.keyboard.type("7")  # typing on a cell opens its editor with what was typed, as in a spreadsheet
    page.wait_for_function("() => ['INPUT', 'TEXTAREA'].includes(document.activeElement.tagName)")
    expect(page.locator(":focus")).to_have_value("7")
    focus_seen(page)
    press(page, "Enter")
    expect(page.get_by_text("What saving will do")).to_be_visible()
    idle(page)
    screenshot(page, "keyboard_entry")

    # Save with the keyboard: Tab to the button, Space presses it.
    tab_to(page, page.get_by_role("button", name="Save 1 entry"))
    page.keyboard.press("Space")  # saving draws the page again, with the button gone
    saved = re.compile(rf"^Saved 1 entry for 2009/10 Q3 as batch \d+, entered in the browser by {name}\.$")
    expect(page.get_by_text(saved)).to_be_visible()
    assert page.dialogs == []


def test_the_focus_check_fails_where_no_ring_shows(open_tab):
    """The check above can fail: the page itself (nothing focused) and an element whose ring is taken away."""
    page = open_tab(Role.ANALYST)
    page.goto("/")
    expect(page.locator("h1").first).to_have_text("Helicopter view · Haringey")
    idle(page)
    assert page.evaluate(FOCUS) == {"seen": False, "what": "nothing (the page itself)"}
    link = page.locator(".st-key-navigation").get_by_role("link", name="Theme board")
    tab_to(page, link)
    link.evaluate("e => e.style.setProperty('outline', 'none', 'important')")
    assert page.evaluate(FOCUS)["seen"] is False
