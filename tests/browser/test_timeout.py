"""An unused sign-in is warned of before it ends (WCAG 2.2.1 Timing adjustable). On a dashboard whose idle timeout is
one minute, a dialog comes thirty seconds before the end, saying when in the browser's own time zone, and takes the
keyboard focus; the warning's own runs do not count as use; "Stay signed in", or closing the dialog with Esc, keeps
the sign-in and the figure typed on My targets; a page left open past the end clears itself to the sign-in prompt,
whose link signs in again and returns to the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from dashboard.access.permissions import Role
from dashboard.store.engine import as_utc, make_engine
from dashboard.store.models import SignInSession
from tests.browser.conftest import idle, running_dashboard, screenshot
from tests.browser.test_accessibility import axe_violations, report
from tests.browser.test_keyboard import tab_to
from tests.browser.test_sign_in import sign_in
from tests.fixtures import USERS, new_store

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ZONE = "Europe/Paris"  # a partner working from abroad: the time is the browser's, not the server's


def last_seen(engine) -> datetime:
    """When the test's one sign-in was last marked used."""
    with engine.connect() as conn:
        newest = conn.scalar(select(func.max(SignInSession.id)))
        return as_utc(conn.scalar(select(SignInSession.last_seen_at).where(SignInSession.id == newest)))


def test_an_unused_sign_in_is_warned_of_kept_with_the_keyboard_and_ends_on_screen(open_tab, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    engine = make_engine(url)
    settings = {"LAA_IDLE_TIMEOUT_MINUTES": "1"}
    with running_dashboard(url, tmp_path / "streamlit.log", settings=settings) as base:
        page = open_tab(Role.PARTNER, (base, url), viewport=PHONE, timezone_id=ZONE)
        page.goto("/my-targets")
        expect(page.get_by_role("heading", name="My targets")).to_be_visible()
        idle(page)
        actual = page.get_by_label("Actual · NI 150")
        actual.fill("7")
        actual.press("Enter")
        expect(page.get_by_text("What saving will do")).to_be_visible()
        seen = last_seen(engine)

        warning = page.get_by_role("dialog", name="Your sign-in is about to end")
        expect(warning).to_be_visible(timeout=60_000)
        ends = (seen + timedelta(minutes=1)).astimezone(ZoneInfo(ZONE))
        expect(warning.get_by_text("Your sign-in ends at")).to_have_text(
            f"Your sign-in ends at {ends:%H:%M} unless you use the dashboard before then, and anything typed and not "
            "yet saved would then be lost. Stay signed in, or close this message, to carry on."
        )
        assert last_seen(engine) == seen, "the warning's own run marked the sign-in used"
        idle(page)
        violations = axe_violations(page)
        assert violations == [], report(violations)
        screenshot(page, "timeout_warning", whole_page=False)

        # The dialog has the keyboard focus: Tab reaches its button, and Enter keeps the sign-in and the typing.
        tab_to(page, warning.get_by_role("button", name="Stay signed in"), limit=5)
        page.keyboard.press("Enter")
        expect(warning).to_have_count(0)
        assert last_seen(engine) > seen
        expect(page.get_by_label("Actual · NI 150")).to_have_value("7")
        expect(page.get_by_text("What saving will do")).to_be_visible()

        # Warned again, Esc (closing the message) keeps it too.
        seen = last_seen(engine)
        expect(warning).to_be_visible(timeout=60_000)
        page.keyboard.press("Escape")
        expect(warning).to_have_count(0)
        idle(page)
        assert last_seen(engine) > seen
        expect(page.get_by_label("Actual · NI 150")).to_have_value("7")

        # Then left unused past its end (the store says so at once, rather than the test waiting a minute): the
        # page's next timed run clears it to the sign-in prompt, and no figure stays on screen.
        with engine.begin() as conn:
            conn.execute(update(SignInSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=2)))
        ended = page.get_by_text("Your sign-in ended after 1 minute unused. Sign in again to carry on.")
        expect(ended).to_be_visible(timeout=60_000)
        expect(page.get_by_label("Actual · NI 150")).to_have_count(0)
        expect(page.get_by_text("NI 150")).to_have_count(0)
        # Signing in again returns to the page the sign-in ended on.
        again = page.get_by_role("link", name="Sign in", exact=True)
        expect(again).to_have_attribute("href", "/signin?next=%2Fmy-targets%3Fquarter%3D2009%252F10%2BQ3")
        again.click()  # in this tab
        sign_in(page, USERS[Role.PARTNER][0])
        expect(page).to_have_url(re.compile(r"/my-targets\?quarter=2009%2F10\+Q3$"))
        expect(page.get_by_label("Actual · NI 150")).to_be_visible()
    engine.dispose()
