"""Single sign-on end to end: the dashboard with an [auth] section in its secrets, signing in through a stand-in
OpenID Connect provider (tests/oidc_provider.py) with st.login, as a partnership on Microsoft Entra ID would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from dashboard.access.accounts import add_user, disable_user
from dashboard.access.permissions import LOCAL_ADMIN
from dashboard.store.engine import make_engine
from dashboard.store.models import SignInSession
from tests.browser.conftest import idle, running_dashboard
from tests.browser.test_sign_in import PARTNERSHIP_DATA, Received, signed_in_as, upload_status
from tests.conftest import free_port
from tests.fixtures import PASSWORD, new_store
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

pytestmark = pytest.mark.browser

CHAIR_EMAIL = "Chris.Chair@haringey.example"
PARTNER_EMAIL = "nhs.lead@nhs.example"
LEAVER_EMAIL = "wendy@haringey.example"
WORK_ACCOUNT = "Sign in with your work account"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with Provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_dashboard(provider, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The demo partnership served with single sign-on through the provider; two chairs and a partner have
    their work e-mail. Yields the address and the database URL."""
    folder = tmp_path_factory.mktemp("sso")
    url = new_store(f"sqlite:///{folder / 'demo.sqlite3'}", demo=True)
    engine = make_engine(url)
    add_user(engine, LOCAL_ADMIN, "chris", "chair", PASSWORD, boards=["Children's Trust"], email=CHAIR_EMAIL)
    add_user(engine, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey", email=PARTNER_EMAIL)
    add_user(engine, LOCAL_ADMIN, "wendy", "chair", PASSWORD, boards=["Wellbeing"], email=LEAVER_EMAIL)
    engine.dispose()
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a long random string, for this test only"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    options = ("--secrets.files", str(secrets))
    with running_dashboard(url, folder / "streamlit.log", port=port, options=options) as base:
        yield base, url


@pytest.fixture
def tab(open_tab, sso_dashboard):
    return open_tab(None, sso_dashboard)


def sign_in_with_provider(page, provider: Provider, email: str) -> None:
    provider.email = email
    page.goto("/")
    page.get_by_role("button", name=WORK_ACCOUNT).click()


def test_before_signing_in_the_page_offers_the_work_account_and_shows_nothing_else(tab):
    received = Received(tab)
    tab.goto("/board?board=PMG")  # a bookmark: the prompt stands at every page's address
    expect(tab.get_by_role("button", name=WORK_ACCOUNT)).to_be_visible()
    idle(tab)
    assert tab.get_by_role("dialog").count() == 0  # no "Page not found"
    # The form's way in returns to the bookmark once signed in: the only "PMG" sent is the one the browser asked for.
    back = "/signin?next=%2Fboard%3Fboard%3DPMG"
    expect(tab.get_by_role("link", name="Sign in")).to_have_attribute("href", back)
    tab.wait_for_load_state("networkidle")
    assert received.leaks(PARTNERSHIP_DATA, asked=back) == []
    tab.goto("/signin")
    expect(tab.get_by_role("link", name="sign in with your work account")).to_have_attribute("href", "/?sso=1")


def test_a_chair_signs_in_with_the_work_account_and_lands_on_their_board(tab, provider):
    signed_in_before = provider.sign_ins
    sign_in_with_provider(tab, provider, CHAIR_EMAIL.lower())  # the provider may write it in any case
    expect(signed_in_as(tab)).to_have_text("Signed in as chris (chair, chair of Children's Trust)")
    expect(tab.locator("h1").first).to_have_text("Children's Trust")
    expect(tab).to_have_url(re.compile(r"/board\?board=Children%27s\+Trust$"))
    assert provider.sign_ins == signed_in_before + 1

    tab.reload()  # the provider's sign-in holds across a reload, without asking the provider again
    expect(signed_in_as(tab)).to_have_text("Signed in as chris (chair, chair of Children's Trust)")
    assert provider.sign_ins == signed_in_before + 1

    tab.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("button", name=WORK_ACCOUNT)).to_be_visible()
    assert signed_in_as(tab).count() == 0
    tab.goto("/board?board=Children%27s+Trust")
    expect(tab.get_by_role("button", name=WORK_ACCOUNT)).to_be_visible()
    assert tab.get_by_text("red targets (exception mode)").count() == 0


def test_a_partner_signs_in_and_lands_on_my_targets(tab, provider):
    sign_in_with_provider(tab, provider, PARTNER_EMAIL)
    expect(signed_in_as(tab)).to_have_text("Signed in as nhs (partner, for NHS Haringey)")
    expect(tab.get_by_role("heading", name="My targets")).to_be_visible()
    expect(tab).to_have_url(re.compile(r"/my-targets(\?quarter=.*)?$"))


def test_an_email_that_is_no_users_sees_only_whom_to_ask(tab, provider):
    received = Received(tab)
    sign_in_with_provider(tab, provider, "stranger@elsewhere.example")
    expect(tab.get_by_text("has no dashboard account")).to_have_text(
        "stranger@\u2060elsewhere.example has no dashboard account: ask your partnership's dashboard "
        "administrator to add your e-mail to a user."
    )
    tab.wait_for_load_state("networkidle")
    assert signed_in_as(tab).count() == 0
    assert received.leaks(PARTNERSHIP_DATA) == []


def test_the_gate_takes_only_a_signed_identity_of_an_enabled_user(tab, provider, sso_dashboard):
    base, url = sso_dashboard
    assert upload_status(base, {}) == 401
    forged = '{"email": "wendy@haringey.example", "is_logged_in": true}'
    assert upload_status(base, {"_streamlit_user": forged}) == 401

    sign_in_with_provider(tab, provider, LEAVER_EMAIL)
    expect(signed_in_as(tab)).to_have_text("Signed in as wendy (chair, chair of Wellbeing)")
    identity = {c["name"]: c["value"] for c in tab.context.cookies() if c["name"].startswith("_streamlit_user")}
    assert identity, "the provider's sign-in left Streamlit's identity cookie"
    assert upload_status(base, identity) == 403  # past the gate: Streamlit's own XSRF check answers

    engine = make_engine(url)
    disable_user(engine, LOCAL_ADMIN, "wendy")  # she leaves; her provider account lives on
    engine.dispose()
    assert upload_status(base, identity) == 401
    tab.reload()
    expect(tab.get_by_text("has no dashboard account")).to_be_visible()
    assert signed_in_as(tab).count() == 0


def test_an_idle_work_account_sign_in_ends_like_a_passwords(tab, provider, sso_dashboard):
    sign_in_with_provider(tab, provider, PARTNER_EMAIL)
    expect(signed_in_as(tab)).to_have_text("Signed in as nhs (partner, for NHS Haringey)")
    signed_in_before = provider.sign_ins
    engine = make_engine(sso_dashboard[1])
    with engine.begin() as conn:  # 31 minutes without a click: past LAA_IDLE_TIMEOUT_MINUTES' 30
        conn.execute(update(SignInSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    engine.dispose()

    tab.reload()
    expect(tab.get_by_role("button", name=WORK_ACCOUNT)).to_be_visible()
    assert signed_in_as(tab).count() == 0
    assert tab.get_by_text("has no dashboard account").count() == 0
    tab.get_by_role("button", name=WORK_ACCOUNT).click()
    expect(signed_in_as(tab)).to_have_text("Signed in as nhs (partner, for NHS Haringey)")
    assert provider.sign_ins == signed_in_before + 1
