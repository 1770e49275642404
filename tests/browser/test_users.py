"""The Users page in headless Debian chromium (issue 15): the administrator adds a partner user in the browser and
that user signs in with the one-time password the page showed."""

from __future__ import annotations

import re

import pytest

from dashboard.access.permissions import Role
from tests.browser.conftest import idle, screenshot

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

pytestmark = pytest.mark.browser


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)


def type_in(page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).fill(text)
    page.get_by_label(label, exact=True).press("Enter")  # the field's value reaches the app, which runs again
    idle(page)


def test_the_administrator_adds_a_partner_user_who_signs_in_with_the_one_time_password(open_tab, writing_dashboard):
    admin = open_tab(Role.ADMIN, writing_dashboard)
    admin.goto("/users")
    expect(admin.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    idle(admin)
    type_in(admin, "Username", "haringey council")
    choose(admin, "Role", "partner")
    choose(admin, "Lead partner", "Haringey Council")
    type_in(admin, "E-mail", "hc@example.org")
    admin.get_by_role("button", name="Add user").click()
    expect(
        admin.get_by_text("User haringey council added as partner; they sign in with the one-time password.")
    ).to_be_visible()
    expect(admin.get_by_text("It is shown only now: pass it on to them")).to_be_visible()
    password = admin.locator('[data-testid="stCode"] code').inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password), password
    screenshot(admin, "users")

    partner = open_tab(None, writing_dashboard)
    partner.goto("/signin")
    partner.get_by_label("Username").fill("haringey council")
    partner.get_by_label("Password").fill(password)
    partner.get_by_role("button", name="Sign in").click()
    expect(partner).to_have_url(re.compile(r"/my-targets$"))
    expect(partner.get_by_role("heading", name="My targets")).to_be_visible()
    expect(partner.locator('[data-testid="stSidebar"]').get_by_text("Signed in as")).to_have_text(
        "Signed in as haringey council (partner, for Haringey Council)"
    )

    # The password is shown once: the next run of the administrator's page no longer holds it.
    admin.reload()
    expect(admin.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    idle(admin)
    assert admin.locator('[data-testid="stCode"]').count() == 0
    assert admin.get_by_text(password).count() == 0
