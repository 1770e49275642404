"""The Users page (issue 15, item 1), through streamlit.testing's AppTest: the administrator's alone; every account
with its role, boards, lead partner, e-mail, last sign-in, and whether it is locked or disabled; adding a user with
a one-time password shown once (or single sign-on), changing a role, resetting a password, unlocking, disabling
and enabling, each refusal one sentence."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.accounts import SignInRefused, find_user, sign_in
from dashboard.access.permissions import LOCAL_ADMIN, Role
from dashboard.access.sessions import session_account, start_session
from dashboard.read.audit import audit_trail
from dashboard.store.engine import make_engine
from tests.fixtures import PASSWORD, app_test, new_store, ran, user_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def users_page(role: Role = Role.ADMIN) -> AppTest:
    at = ran(app_test(role))
    at.switch_page("users.py")
    return ran(at)


def table(at: AppTest) -> dict[str, dict]:
    (frame,) = at.dataframe
    return {row["name"]: row for row in frame.value.to_dict("records")}


def shown(markdown: str) -> str:
    """Markdown as the reader sees it: escaped characters as themselves, bold without its stars."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("**", "").replace("\u2060", ""))


def errors(at: AppTest) -> list[str]:
    return [shown(e.value) for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [shown(s.value) for s in at.success]


def add(at: AppTest, name: str, role: str, *, email: str = "", sso: bool = False, **scope) -> AppTest:
    form = next(t.key for t in at.text_input if t.key.startswith("new_") and t.key.endswith("_name"))[: -len("_name")]
    at.text_input(key=f"{form}_name").input(name)
    at.selectbox(key=f"{form}_role").select(role)
    at = ran(at)
    if "boards" in scope:
        at.multiselect(key=f"{form}_boards").set_value(scope["boards"])
    if "partner" in scope:
        at.selectbox(key=f"{form}_partner").select(scope["partner"])
    at.text_input(key=f"{form}_email").input(email)
    if sso:
        at.radio(key=f"{form}_sign_in").set_value("single sign-on (their e-mail only)")
    at.button(key="add_user").click()
    return ran(at)


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.CHAIR, Role.PARTNER, Role.ANALYST])
def test_no_other_role_has_the_users_page(store, role):
    at = ran(app_test(role))
    with pytest.raises(ValueError):
        at.switch_page("users.py")  # not in their navigation


def test_the_page_lists_every_account_with_its_last_sign_in_and_whether_it_is_locked_or_disabled(store):
    nhs, eve = user_of(store, Role.PARTNER), user_of(store, Role.EXECUTIVE)
    user_of(store, Role.CHAIR)
    start_session(store, nhs, datetime(2026, 12, 3, 14, 30, tzinfo=UTC))
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(store, eve.name, "password guess", client="203.0.113.9")
    at = users_page()
    assert [t.value for t in at.title] == ["Users"]
    rows = table(at)
    assert list(rows) == ["ada", "chris", "eve", "nhs"]
    assert (rows["chris"]["role"], rows["chris"]["boards"], rows["chris"]["partner"]) == (
        "chair",
        "Children's Trust",
        "",
    )
    assert (rows["nhs"]["partner"], rows["nhs"]["last_sign_in"]) == ("NHS Haringey", "2026-12-03 14:30")
    assert rows["chris"]["last_sign_in"] == "never"
    assert (rows["eve"]["locked"], rows["eve"]["disabled"], rows["nhs"]["locked"]) == (True, False, False)
    assert rows["ada"]["last_sign_in"] != "never"  # the administrator's own sign-in, of this page


def test_the_administrator_adds_a_partner_and_sees_the_one_time_password_once(store):
    at = add(users_page(), "haringey council", "partner", partner="Haringey Council", email="HC@example.org")
    assert errors(at) == []
    assert successes(at) == [
        "The one-time password of haringey council is below. It is shown only now: pass it on to them, and they "
        "sign in with it.",
        "User haringey council added as partner; they sign in with the one-time password.",
    ]
    (code,) = at.code
    password = code.value
    assert sign_in(store, "haringey council", password).actor().partner == "Haringey Council"
    assert table(at)["haringey council"]["email"] == "hc@example.org"
    assert at.text_input(key="new_1_name").value == ""  # empty fields for the next one
    ran(at)
    assert not at.code  # shown once
    assert password not in str([e.value for e in at.markdown] + successes(at))
    trail = audit_trail(store, LOCAL_ADMIN, "ada")
    assert list(trail["action"])[:1] == ["add user"]


def test_a_chair_is_added_with_boards_and_a_single_sign_on_user_gets_no_password(store):
    at = add(users_page(), "chair two", "chair", boards=["Wellbeing", "Children's Trust"])
    assert (errors(at), len(at.code)) == ([], 1)
    assert find_user(store, "chair two").boards == ("Wellbeing", "Children's Trust")
    at = add(ran(at), "eve", "executive", email="eve@example.org", sso=True)
    assert errors(at) == [] and not at.code
    assert successes(at) == ["User eve added as executive; they sign in with single sign-on."]
    assert find_user(store, "eve").email == "eve@example.org"


@pytest.mark.parametrize(
    ("name", "role", "extra", "refusal"),
    [
        ("ada", "executive", {}, "There is already a user 'ada': `laa user list` lists them."),
        ("chris", "chair", {}, "A chair needs the boards they chair: give --board BOARD once for each."),
        ("sso", "executive", {"sso": True}, "A user who signs in with single sign-on needs their e-mail."),
        ("x", "executive", {"email": "not an address"}, "'not an address' is not an e-mail address."),
    ],
)
def test_a_refused_user_is_one_sentence_and_nothing_is_added(store, name, role, extra, refusal):
    before = table(users_page())
    at = add(users_page(), name, role, **extra)
    assert errors(at) == [refusal]
    assert not at.code and not at.exception
    assert table(at).keys() == before.keys()


def change(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="change_name").select(name)
    return ran(at)


def test_the_administrator_changes_a_users_role_and_their_sign_ins_end(store):
    nhs = user_of(store, Role.PARTNER)
    token = start_session(store, nhs)
    at = change(users_page(), "nhs")
    at.selectbox(key="role_nhs").select("chair")
    at = ran(at)
    at.multiselect(key="change_nhs_boards").set_value(["Wellbeing"])
    at.button(key="change_role").click()
    at = ran(at)
    assert successes(at) == ["nhs is now chair, chair of Wellbeing; their open sign-ins have ended."]
    assert (table(at)["nhs"]["role"], table(at)["nhs"]["boards"]) == ("chair", "Wellbeing")
    assert session_account(store, token, timedelta(minutes=30)) is None

    at.selectbox(key="role_nhs").select("partner")
    at = ran(at)
    at.button(key="change_role").click()
    at = ran(at)
    assert errors(at) == ["A partner needs the lead partner it speaks for: give --partner, e.g. 'NHS Haringey'."]
    assert table(at)["nhs"]["role"] == "chair"


def test_the_administrator_resets_a_password_unlocks_disables_and_enables_a_user(store):
    eve = user_of(store, Role.EXECUTIVE)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(store, eve.name, "password guess", client="203.0.113.9")
    at = change(users_page(), "eve")
    assert [shown(m.value) for m in at.markdown if m.value.startswith("**eve**")] == [
        "eve: locked out by wrong passwords; may sign in"
    ]
    at.button(key="unlock").click()
    at = ran(at)
    assert successes(at) == ["eve may sign in again now, from every address."]
    assert table(at)["eve"]["locked"] is False
    assert "unlock" not in [b.key for b in at.button]

    at.button(key="reset_password").click()
    at = ran(at)
    (code,) = at.code
    assert successes(at)[1] == "The password of eve is reset (and their sign-in unlocked)."
    assert sign_in(store, "eve", code.value).name == "eve"
    with pytest.raises(SignInRefused):
        sign_in(store, "eve", PASSWORD)

    at.button(key="disable").click()
    at = ran(at)
    assert successes(at) == ["eve can no longer sign in; what they recorded keeps their name."]
    assert table(at)["eve"]["disabled"] is True
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in(store, "eve", code.value)
    at.button(key="enable").click()
    at = ran(at)
    assert successes(at) == ["eve may sign in again."]
    assert sign_in(store, "eve", code.value).name == "eve"
    at = change(at, "ada")
    at.button(key="disable").click()
    at = ran(at)
    assert errors(at) == ["You cannot disable your own account: ask another administrator."]
    assert table(at)["ada"]["disabled"] is False
    actions = list(audit_trail(store, LOCAL_ADMIN, "ada")["action"])
    assert actions == ["enable user", "disable user", "set password", "unlock user"]
