"""Accounts and permissions: every role against every action through the package, users managed from the command
line with argon2-hashed passwords, sign-in that slows a guesser down by locking the account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from dashboard.accounts import (
    AccountProblem,
    SignInRefused,
    account_by_email,
    add_user,
    find_user,
    set_email,
    sign_in,
)
from dashboard.permissions import LOCAL_ADMIN, Action, Actor, PermissionDenied, Role, TargetScope, allows, require
from dashboard.sessions import session_account, start_session
from dashboard.store.models import User
from tests.conftest import laa
from tests.helpers import assert_unchanged, current, rejected, snapshot, write

CHAIR = Actor("chris", Role.CHAIR, frozenset({"Children's Trust"}))
PARTNER = Actor("nhs", Role.PARTNER, partner="NHS Haringey")
OWN = TargetScope("Children's Trust", "NHS Haringey")  # NI 56: Children's Trust, led by NHS Haringey
OTHERS = TargetScope("Enterprise", "Haringey Council")
PASSWORD = "correct horse battery"

# role → action → (allowed on the chair's / partner's own target, allowed on another board's / partner's target)
MATRIX = {
    Role.EXECUTIVE: {Action.VIEW: (True, True)},
    Role.CHAIR: {Action.VIEW: (True, True), Action.EDIT_COMMENTARY: (True, False), Action.SIGN_OFF: (True, False),
                 Action.REOPEN: (True, False)},
    Role.PARTNER: {Action.VIEW: (True, True), Action.UPLOAD: (True, False), Action.ENTER_VALUE: (True, False),
                   Action.EDIT_COMMENTARY: (True, False)},
    Role.ANALYST: {a: (True, True) for a in (Action.VIEW, Action.UPLOAD, Action.ENTER_VALUE, Action.CHANGE_TARGET,
                                             Action.EDIT_COMMENTARY, Action.REOPEN, Action.ROLL_BACK,
                                             Action.READ_AUDIT)},
    Role.ADMIN: {a: (True, True) for a in Action},
}  # fmt: skip
ACTORS = {
    Role.EXECUTIVE: Actor("eve", Role.EXECUTIVE),
    Role.CHAIR: CHAIR,
    Role.PARTNER: PARTNER,
    Role.ANALYST: Actor("ann", Role.ANALYST),
    Role.ADMIN: Actor("ada", Role.ADMIN),
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_every_role_against_every_action(role, action):
    actor = ACTORS[role]
    own, others = MATRIX[role].get(action, (False, False))
    assert allows(actor, action, OWN) is own
    assert allows(actor, action, OTHERS) is others
    if not others:
        with pytest.raises(PermissionDenied) as refused:
            require(actor, action, OTHERS)
        assert str(refused.value).startswith(f"{actor.name} ({role.value}) may not {action.value}")


def test_a_refusal_names_the_rule():
    with pytest.raises(PermissionDenied) as refused:
        require(PARTNER, Action.ENTER_VALUE, OTHERS)
    assert str(refused.value) == (
        "nhs (partner) may not enter a value for a target of lead partner Haringey Council: a partner updates "
        "actuals, commentary and remedial action of the targets it leads, and never targets, tolerances, polarity "
        "or other partners' rows"
    )
    with pytest.raises(PermissionDenied, match="^eve \\(executive\\) may not manage users: an executive sees"):
        require(ACTORS[Role.EXECUTIVE], Action.MANAGE_USERS)


def test_a_user_is_added_with_an_argon2_hash_and_signs_in(demo):
    account = add_user(demo, LOCAL_ADMIN, "chris", "chair", PASSWORD, ["children’s trust"])
    assert (account.role, account.boards, account.partner) == (Role.CHAIR, ("Children's Trust",), None)
    with demo.connect() as conn:
        stored = conn.scalar(select(User.password_hash).where(User.name == "chris"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert sign_in(demo, "chris", PASSWORD).actor() == CHAIR


def test_wrong_passwords_lock_the_account_and_say_so(demo):
    add_user(demo, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    for _ in range(4):
        with pytest.raises(SignInRefused, match="^the username or password is not right$"):
            sign_in(demo, "nhs", "guess", now)
    with pytest.raises(SignInRefused, match="^too many wrong passwords: the account is locked for 15 minutes$"):
        sign_in(demo, "nhs", "guess", now)
    with pytest.raises(SignInRefused, match="locked for 10 more minute"):
        sign_in(demo, "nhs", PASSWORD, now + timedelta(minutes=5))  # even the right password, while locked
    assert sign_in(demo, "nhs", PASSWORD, now + timedelta(minutes=16)).name == "nhs"
    with pytest.raises(SignInRefused, match="^the username or password is not right$"):
        sign_in(demo, "nobody", PASSWORD, now)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (" " * 12, "a password cannot be only spaces"),
        ("x" * 11, "a password needs at least 12 characters"),
        ("correct horse battery " * 47, "a password is at most 1024 characters"),
        *[
            (common, "that password is one of the most common passwords, which are guessed first: choose another "
                     "(three random words make a good one)")
            for common in ("Password1234", "Correct Horse Battery Staple", "qwertyuiop123", "iloveyou1234")
        ],
        *[
            (simple, "that password is a simple pattern (one character or a few repeated, or a run such as "
                     "123456789012), which is guessed first: choose another (three random words make a good one)")
            for simple in ("aaaaaaaaaaaa", "abcabcabcabc", "123456789012", "zyxwvutsrqpo", "7890123456789")
        ],
    ],
)  # fmt: skip
def test_a_password_that_is_guessed_first_is_refused(demo, password, problem):
    with pytest.raises(AccountProblem) as refused:
        add_user(demo, LOCAL_ADMIN, "eve", "executive", password)
    assert str(refused.value) == problem


def test_a_blank_password_is_refused_from_the_command_line_too(demo):
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    blank = laa("user", "passwd", "eve", "--password-stdin", input=" " * 12 + "\n")
    assert (blank.code, blank.err) == (2, "error: a password cannot be only spaces\n")
    assert sign_in(demo, "eve", PASSWORD).name == "eve"  # unchanged


def test_the_deny_list_shipped_holds_only_passwords_the_length_rule_lets_through():
    from dashboard.passwords import common_passwords

    assert len(common_passwords()) >= 150
    assert [p for p in common_passwords() if len(p) < 12] == []


def test_a_hash_made_with_weaker_parameters_is_made_again_at_a_sign_in(demo):
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with demo.begin() as conn:
        conn.execute(update(User).where(User.name == "eve").values(password_hash=weak))
    assert sign_in(demo, "eve", PASSWORD).name == "eve"
    with demo.connect() as conn:
        stored = conn.scalar(select(User.password_hash).where(User.name == "eve"))
    assert stored != weak and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert sign_in(demo, "eve", PASSWORD).name == "eve"


def test_only_an_administrator_manages_users(demo):
    with pytest.raises(PermissionDenied, match="^ann \\(analyst\\) may not manage users"):
        add_user(demo, ACTORS[Role.ANALYST], "eve", "executive", PASSWORD)
    with pytest.raises(AccountProblem, match="^a chair needs the boards they chair"):
        add_user(demo, LOCAL_ADMIN, "chris", "chair", PASSWORD)
    with pytest.raises(AccountProblem, match="^a password needs at least 12 characters$"):
        add_user(demo, LOCAL_ADMIN, "eve", "executive", "short")
    with pytest.raises(AccountProblem, match="^there is no user 'eve'"):
        find_user(demo, "eve")  # nothing was stored by the refusals


def test_users_from_the_command_line(demo):
    stdin = f"{PASSWORD}\n"
    added = laa("user", "add", "nhs", "--role", "partner", "--partner", "NHS Haringey", "--password-stdin", input=stdin)
    assert (added.code, added.out) == (0, "user nhs added as partner for NHS Haringey\n")
    again = laa("user", "add", "nhs", "--role", "partner", "--partner", "NHS Haringey", "--password-stdin", input=stdin)
    assert (again.code, again.err) == (2, "error: there is already a user 'nhs': `laa user list` lists them\n")
    listed = laa("user", "list", "--format", "json").json()
    assert listed == {"users": [{"name": "nhs", "role": "partner", "boards": "", "partner": "NHS Haringey",
                                 "email": "", "disabled": False}]}  # fmt: skip
    assert laa("user", "disable", "nhs").code == 0
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in(demo, "nhs", PASSWORD)
    bad = laa("user", "add", "x", "--role", "boss", "--password-stdin", input=stdin)
    assert bad.err == "error: 'boss' is not a role: use one of executive, chair, partner, analyst, admin\n"


def test_single_sign_on_finds_the_user_given_that_e_mail(demo):
    stdin = f"{PASSWORD}\n"
    added = laa("user", "add", "eve", "--role", "executive", "--email", " Eve@Example.org ", "--password-stdin",
                input=stdin)  # fmt: skip
    assert added.code == 0
    assert laa("user", "list", "--format", "json").json()["users"][0]["email"] == "eve@example.org"
    assert account_by_email(demo, "EVE@example.org").name == "eve"
    assert account_by_email(demo, "someone@example.org") is None and account_by_email(demo, "") is None
    bad = laa("user", "add", "x", "--role", "executive", "--email", "not an address", "--password-stdin", input=stdin)
    assert bad.err == "error: 'not an address' is not an e-mail address\n"
    laa("user", "disable", "eve")
    assert account_by_email(demo, "eve@example.org") is None


def test_an_e_mail_is_set_later_and_opens_one_account_only(demo):
    stdin = f"{PASSWORD}\n"
    for name in ("eve", "ella"):
        assert laa("user", "add", name, "--role", "executive", "--password-stdin", input=stdin).code == 0
    token = start_session(demo, find_user(demo, "eve"))
    done = laa("user", "email", "eve", " Eve@Example.org ")
    assert (done.code, done.out) == (0, "e-mail of eve set to eve@example.org\n")
    assert account_by_email(demo, "EVE@example.org").name == "eve"
    assert session_account(demo, token, timedelta(minutes=30)) is None  # a new address signs the user out

    taken = laa("user", "email", "ella", "eve@EXAMPLE.org")
    assert (taken.code, taken.err) == (2, "error: eve@example.org is already the e-mail of user 'eve'\n")
    assert find_user(demo, "ella").email is None
    both = laa("user", "email", "ella", "ella@example.org", "--clear")
    assert (both.code, both.err) == (2, "error: give the e-mail, or --clear to remove it\n")
    added = laa("user", "add", "x", "--role", "executive", "--email", "eve@example.org", "--password-stdin",
                input=stdin)  # fmt: skip
    assert (added.code, added.err) == (2, "error: eve@example.org is already the e-mail of user 'eve'\n")

    cleared = laa("user", "email", "eve", "--clear")
    assert (cleared.code, cleared.out) == (0, "e-mail of eve removed\n")
    assert account_by_email(demo, "eve@example.org") is None
    trail = laa("audit", "--format", "json").json()["audit"]
    assert [(e["action"], e["old"], e["new"], e["detail"]) for e in trail if e["action"] == "set e-mail"] == [
        ("set e-mail", "eve@example.org", None, "user eve"),
        ("set e-mail", None, "eve@example.org", "user eve"),
    ]
    with pytest.raises(PermissionDenied):
        set_email(demo, Actor("ann", Role.ANALYST), "eve", "eve@example.org")


# --- Permissions at the import: a partner's file changes only what the partner leads ---

HEADER = "indicator_code,theme_board,period,target,actual,commentary"


def partner_nhs(demo) -> None:
    assert laa("user", "add", "nhs", "--role", "partner", "--partner", "NHS Haringey", "--password-stdin",
               input=f"{PASSWORD}\n").code == 0  # fmt: skip


def test_a_partners_file_touching_another_partners_target_is_refused_whole(demo, tmp_path):
    partner_nhs(demo)
    before = snapshot(demo)
    path = write(
        tmp_path,
        "nhs_q3.csv",
        "indicator_code,theme_board,period,actual,commentary\n"
        "NI 40,Wellbeing,2009/10 Q3,1300,ours\nNI 151,Enterprise,2009/10 Q3,66,not ours\n",
    )
    run = laa("import", str(path), "--as", "nhs")
    assert run.code == 1
    assert run.err == rejected(
        "line 3, column indicator_code, value 'NI 151': NI 151 is led by Jobcentre Plus, not NHS Haringey: a "
        "partner updates only the targets it leads. Fix: take the row out of the file (the lead partner or an "
        "analyst uploads it)."
    )
    assert_unchanged(demo, before)


def test_a_partner_changing_a_target_is_refused(demo, tmp_path):
    partner_nhs(demo)
    before = snapshot(demo)
    path = write(tmp_path, "nhs_target.csv", f"{HEADER}\nNI 40,Wellbeing,2009/10 Q3,1400,1300,\n")
    run = laa("import", str(path), "--as", "nhs")
    assert run.code == 1
    assert "the file changes the target of NI 40 for 2009/10 Q3, and a partner cannot change targets" in run.err
    assert_unchanged(demo, before)


def test_a_partner_updates_its_own_actuals_and_commentary(demo, tmp_path):
    partner_nhs(demo)
    path = write(tmp_path, "nhs_own.csv", "indicator_code,theme_board,period,actual,commentary\n"
                                          "NI 40,Wellbeing,2009/10 Q3,1300,Revised by the trust\n")  # fmt: skip
    run = laa("import", str(path), "--as", "nhs")
    assert run.code == 0, run.err
    stored = current("NI 40")["2009/10 Q3"]
    assert (stored["actual"], stored["commentary"], stored["recorded_by"]) == (1300.0, "Revised by the trust", "nhs")


def test_an_executive_may_not_upload_and_the_store_is_unchanged(demo, tmp_path):
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    before = snapshot(demo)
    path = write(tmp_path, "eve.csv", "indicator_code,theme_board,period,actual\nNI 56,Children's Trust,2009/10 Q3,1\n")
    run = laa("import", str(path), "--as", "eve")
    assert (run.code, run.err) == (2, "error: eve (executive) may not upload: an executive sees everything and "
                                      "changes nothing\n")  # fmt: skip
    assert_unchanged(demo, before)


def test_accounts_and_sign_ins_leave_the_data_version_so_dashboards_keep_their_cached_figures(demo, tmp_path):
    from dashboard.store.schema import data_version

    before = data_version(demo)
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    with pytest.raises(SignInRefused):
        sign_in(demo, "eve", "a wrong password")
    sign_in(demo, "eve", PASSWORD)
    assert data_version(demo) == before
    path = write(tmp_path, "q3.csv", "indicator_code,theme_board,period,actual\nNI 40,Wellbeing,2009/10 Q3,1300\n")
    assert laa("import", str(path)).code == 0
    assert data_version(demo) == before + 1  # a figure changed: every dashboard reads again
