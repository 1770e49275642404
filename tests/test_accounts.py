"""Accounts and permissions: every role against every action through the package, users managed from the command
line with argon2-hashed passwords, sign-in that slows a guesser down by locking the account."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, inspect, select, text, update

from dashboard.access.accounts import (
    AccountProblem,
    SignInRefused,
    account_by_email,
    add_user,
    disable_user,
    enable_user,
    find_user,
    invite_user,
    list_users,
    reset_password,
    set_email,
    set_role,
    sign_in,
    unlock_user,
)
from dashboard.access.passwords import password_problem
from dashboard.access.permissions import (
    LOCAL_ADMIN,
    Action,
    Actor,
    PermissionDenied,
    Role,
    TargetScope,
    allows,
    require,
)
from dashboard.access.sessions import session_account, start_session
from dashboard.read.audit import audit_trail
from dashboard.store.models import User
from tests.conftest import SHIPPED_HASHER, laa
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
                 Action.REOPEN: (True, False), Action.ANNOTATE: (True, False)},
    Role.PARTNER: {Action.VIEW: (True, True), Action.UPLOAD: (True, False), Action.ENTER_VALUE: (True, False),
                   Action.EDIT_COMMENTARY: (True, False)},
    Role.ANALYST: {a: (True, True) for a in (Action.VIEW, Action.UPLOAD, Action.ENTER_VALUE, Action.CHANGE_TARGET,
                                             Action.EDIT_COMMENTARY, Action.REOPEN, Action.ROLL_BACK,
                                             Action.READ_AUDIT, Action.SET_GROUPS, Action.ANNOTATE)},
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


# --- Holes of issue 14: one user per name, lockouts nobody else can cause, nothing told about who exists ---

STRANGER, OWNER = "203.0.113.9", "198.51.100.7"
"""Client addresses: a guesser's, and the one the account's owner signs in from."""
WRONG = "the username or password is not right"
LOCKED_NOW = "too many wrong passwords: the account is locked for 15 minutes"
LOCKED = "too many wrong passwords: the account is locked for 15 more minute(s)"


def refusal(engine, name: str, password: str, now=None, client: str = STRANGER) -> tuple[str, int]:
    """The message and the count of wrong passwords of a sign-in that must be refused."""
    with pytest.raises(SignInRefused) as refused:
        sign_in(engine, name, password, now, client=client)
    return str(refused.value), refused.value.failures


def look_alike(new: str, held: str) -> str:
    return (
        f"error: {new!r} is the same name as the user {held!r} to the sign-in, which takes names whatever their "
        "case, width or spacing: choose another name\n"
    )


def test_a_look_alike_name_is_refused_and_every_lookup_finds_the_one_user(demo):
    for name in ("admin", "executive"):
        assert laa("user", "add", name, "--role", name, "--password-stdin", input=f"{PASSWORD}\n").code == 0
    for name, held in [("ａｄｍｉｎ", "admin"), ("Executive", "executive"), (" EXECUTIVE ", "executive")]:
        added = laa("user", "add", name, "--role", "analyst", "--password-stdin", input="its own password\n")
        assert (added.code, added.out, added.err) == (2, "", look_alike(name.strip(), held))
    hidden = laa("user", "add", "ad\u200bmin", "--role", "analyst", "--password-stdin", input="its own password\n")
    assert hidden.err == "error: a username cannot hold control or invisible characters\n"
    assert [u["name"] for u in laa("user", "list", "--format", "json").json()["users"]] == ["admin", "executive"]

    assert refusal(demo, "ａｄｍｉｎ", "its own password") == (WRONG, 1)
    assert sign_in(demo, "ａｄｍｉｎ", PASSWORD).name == "admin"  # the one user of that name
    disabled = laa("user", "disable", "ＥＸＥＣＵＴＩＶＥ")
    assert (disabled.code, disabled.out) == (0, "user executive disabled\n")
    assert {u["name"]: u["disabled"] for u in laa("user", "list", "--format", "json").json()["users"]} == {
        "admin": False,
        "executive": True,
    }
    acting = laa("audit", "--as", "ｅｘｅｃｕｔｉｖｅ")
    assert (acting.code, acting.err) == (2, "error: user executive is disabled: `laa user list` shows who may act\n")
    changed = laa("user", "passwd", "  Admin ", "--password-stdin", input="another good password\n")
    assert (changed.code, changed.out) == (0, "password of admin changed\n")
    assert laa("user", "email", "ADMIN", "admin@example.org").code == 0
    assert find_user(demo, "admin").email == "admin@example.org"
    assert sign_in(demo, "admin", "another good password").name == "admin"


def test_a_name_is_looked_up_by_one_query_on_its_unique_key(demo):
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    statements: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(demo, "before_cursor_execute", note)
    try:
        assert find_user(demo, "ＥＶＥ").name == "eve"
        refusal(demo, " Eve ", "a wrong password")
    finally:
        event.remove(demo, "before_cursor_execute", note)
    on_users = [s for s in statements if "FROM users" in s]
    assert len(on_users) == 2 and all("WHERE users.name_key = " in s for s in on_users)
    (index,) = [i for i in inspect(demo).get_indexes("users") if i["column_names"] == ["name_key"]]
    assert index["unique"]


def migrated_to(engine, revision: str) -> None:
    """The store as that revision of the schema left it (an older release's database)."""
    from alembic import command

    from dashboard.store.engine import locked
    from dashboard.store.schema import _config

    with locked(engine) as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_the_upgrade_keys_every_user_and_disables_a_look_alike_added_later(bare_engine):
    from dashboard.access.passwords import hash_password
    from dashboard.access.sessions import _hash as token_hash
    from dashboard.store.schema import upgrade

    migrated_to(bare_engine, "0005")
    at = datetime(2026, 12, 1, tzinfo=UTC)
    with bare_engine.begin() as conn:
        for name, password in [("admin", PASSWORD), ("ａｄｍｉｎ", "its own password"), ("executive", PASSWORD),
                               ("Executive", "its own password")]:  # fmt: skip
            conn.execute(
                text("INSERT INTO users (name, role, password_hash, created_at, failed_sign_ins) "
                     "VALUES (:name, 'analyst', :hash, :at, 0)"),
                {"name": name, "hash": hash_password(password), "at": at},
            )  # fmt: skip
        conn.execute(
            text("INSERT INTO sign_in_sessions (token_hash, user_id, started_at, last_seen_at) "
                 "SELECT :token, id, :at, :at FROM users WHERE name = 'ａｄｍｉｎ'"),
            {"token": token_hash("the look-alike's cookie"), "at": datetime.now(UTC)},
        )  # fmt: skip
    upgrade(bare_engine)

    users = {u.name: u.disabled for u in list_users(bare_engine)}
    assert users == {"admin": False, "ａｄｍｉｎ": True, "executive": False, "Executive": True}
    assert session_account(bare_engine, "the look-alike's cookie", timedelta(minutes=30)) is None
    assert refusal(bare_engine, "ａｄｍｉｎ", "its own password")[0] == WRONG
    assert sign_in(bare_engine, "ａｄｍｉｎ", PASSWORD).name == "admin"
    assert sign_in(bare_engine, "EXECUTIVE", PASSWORD).name == "executive"
    trail = audit_trail(bare_engine, LOCAL_ADMIN)
    disabled = trail[trail["action"] == "disable user"]
    assert sorted(zip(disabled["who"], disabled["old"], disabled["detail"], strict=True)) == [
        ("laa init", "Executive", "the same name to the sign-in as user executive, added before it"),
        ("laa init", "ａｄｍｉｎ", "the same name to the sign-in as user admin, added before it"),
    ]


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
    from dashboard.access.passwords import common_passwords

    assert len(common_passwords()) >= 150
    assert [p for p in common_passwords() if len(p) < 12] == []


SHIPPED_PARAMETERS = "$argon2id$v=19$m=65536,t=3,p=4$"
"""argon2's RFC 9106 low-memory profile: what the package hashes with (the tests swap in cheaper ones)."""


def test_the_package_hashes_with_argon2s_production_parameters():
    """Whatever the tests swap in (tests/conftest.py's cheap_hashes), the package as shipped, in a fresh process with
    this process's environment, builds its hasher with the production parameters, and they are these."""
    probe = (
        "from dashboard.access.passwords import HASHER as h, hash_password;"
        "print(h.time_cost, h.memory_cost, h.parallelism, hash_password('correct horse battery'))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    time_cost, memory_cost, parallelism, stored = run.stdout.split()
    assert (int(time_cost), int(memory_cost), int(parallelism)) == (3, 65536, 4)
    assert stored.startswith(SHIPPED_PARAMETERS)
    assert (SHIPPED_HASHER.time_cost, SHIPPED_HASHER.memory_cost, SHIPPED_HASHER.parallelism) == (3, 65536, 4)


def test_a_hash_made_with_weaker_parameters_is_made_again_at_a_sign_in(demo, shipped_hashes):
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    with demo.connect() as conn:
        assert conn.scalar(select(User.password_hash).where(User.name == "eve")).startswith(SHIPPED_PARAMETERS)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with demo.begin() as conn:
        conn.execute(update(User).where(User.name == "eve").values(password_hash=weak))
    assert sign_in(demo, "eve", PASSWORD).name == "eve"
    with demo.connect() as conn:
        stored = conn.scalar(select(User.password_hash).where(User.name == "eve"))
    assert stored != weak and stored.startswith(SHIPPED_PARAMETERS)
    assert sign_in(demo, "eve", PASSWORD).name == "eve"


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out_elsewhere(demo):
    add_user(demo, LOCAL_ADMIN, "ada", "admin", PASSWORD)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert [refusal(demo, "ada", "a guess at it", now) for _ in range(5)] == [
        (WRONG, 1), (WRONG, 2), (WRONG, 3), (WRONG, 4), (LOCKED_NOW, 5)
    ]  # fmt: skip
    assert refusal(demo, "ada", PASSWORD, now)[0] == LOCKED
    assert sign_in(demo, "ada", PASSWORD, now, client=OWNER).name == "ada"
    assert sign_in(demo, "ada", PASSWORD, now, client="2001:db8::1").name == "ada"
    assert refusal(demo, "ada", PASSWORD, now + timedelta(minutes=5))[0].endswith("locked for 10 more minute(s)")


def test_an_unknown_name_is_refused_slowed_and_locked_exactly_as_a_users(demo):
    add_user(demo, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def six_guesses(name: str) -> list[tuple[str, int]]:
        return [refusal(demo, name, "not the password", now) for _ in range(6)]

    assert six_guesses("nhs") == six_guesses("nobody") == [
        (WRONG, 1), (WRONG, 2), (WRONG, 3), (WRONG, 4), (LOCKED_NOW, 5),
        (LOCKED, 5),
    ]  # fmt: skip


def test_a_disabled_account_says_so_only_to_its_right_password(demo):
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    disable_user(demo, LOCAL_ADMIN, "eve")
    assert refusal(demo, "eve", "not the password") == refusal(demo, "nobody", "not the password") == (WRONG, 1)
    assert refusal(demo, "eve", PASSWORD) == ("this account is disabled: ask an administrator", 0)


def test_an_address_guessing_many_names_is_locked_out_of_every_name(demo):
    add_user(demo, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    guesses = [refusal(demo, f"user{n}", "password guess", now)[0] for n in range(30)]
    assert guesses == [WRONG] * 29 + [
        "too many wrong passwords from this address: signing in from it is locked for 15 minutes"
    ]
    assert refusal(demo, "nhs", PASSWORD, now) == (
        "too many wrong passwords from this address: signing in from it is locked for 15 more minute(s)",
        0,
    )
    assert sign_in(demo, "nhs", PASSWORD, now, client=OWNER).name == "nhs"


def test_guesses_from_many_addresses_lock_the_name_everywhere_until_an_administrator_unlocks_it(demo):
    add_user(demo, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey")
    for n in range(20):
        for _ in range(5):
            refusal(demo, "nhs", "password guess", client=f"192.0.2.{n}")
    assert refusal(demo, "nhs", PASSWORD, client=OWNER) == (LOCKED, 0)
    unlocked = laa("user", "unlock", "NHS")
    assert (unlocked.code, unlocked.out) == (0, "user nhs unlocked\n")
    assert sign_in(demo, "nhs", PASSWORD, client=OWNER).name == "nhs"
    assert sign_in(demo, "nhs", PASSWORD, client="192.0.2.7").name == "nhs"  # a locked-out address too


def test_an_administrator_unlocks_a_user_and_the_audit_trail_says_so(demo):
    partner_nhs(demo)
    for _ in range(5):
        refusal(demo, "nhs", "password guess")
    assert refusal(demo, "nhs", PASSWORD)[0].startswith("too many wrong passwords: the account is locked")
    assert laa("user", "unlock", "nobody").err == "error: there is no user 'nobody': `laa user list` lists them\n"
    assert laa("user", "unlock", "nhs").out == "user nhs unlocked\n"
    assert sign_in(demo, "nhs", PASSWORD, client=STRANGER).name == "nhs"
    again = laa("user", "unlock", "nhs")
    assert (again.code, again.out) == (0, "user nhs was not locked (its count of wrong passwords starts again)\n")
    trail = laa("audit", "--format", "json").json()["audit"]
    assert [(e["who"], e["new"], e["detail"]) for e in trail if e["action"] == "unlock user"] == [
        ("local administrator", "nhs", "was not locked; wrong passwords forgotten"),
        ("local administrator", "nhs", "sign-in unlocked"),
    ]
    with pytest.raises(PermissionDenied, match="^ann \\(analyst\\) may not manage users"):
        unlock_user(demo, ACTORS[Role.ANALYST], "nhs")


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
                                 "email": "", "last_sign_in": None, "locked": False,
                                 "disabled": False}]}  # fmt: skip
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


# --- Issue 15: the Users page's changes, in the package and on the command line ---


def test_a_role_change_moves_the_users_rights_ends_their_sign_ins_and_is_audited(demo):
    partner_nhs(demo)
    token = start_session(demo, find_user(demo, "nhs"))
    done = laa("user", "role", "NHS", "--role", "chair", "--board", "children’s trust", "--board", "Wellbeing")
    assert (done.code, done.out) == (0, "user nhs is now chair, chair of Wellbeing, Children's Trust; signed out\n")
    assert find_user(demo, "nhs").actor() == Actor("nhs", Role.CHAIR, frozenset({"Children's Trust", "Wellbeing"}))
    assert session_account(demo, token, timedelta(minutes=30)) is None
    assert sign_in(demo, "nhs", PASSWORD).role is Role.CHAIR

    back = set_role(demo, LOCAL_ADMIN, "nhs", "partner", partner="  Haringey   Council ")
    assert (back.role, back.boards, back.partner) == (Role.PARTNER, (), "Haringey Council")
    trail = laa("audit", "--format", "json").json()["audit"]
    assert [(e["old"], e["new"], e["detail"]) for e in trail if e["action"] == "set role"] == [
        ("chair chair of Wellbeing, Children's Trust", "partner for Haringey Council", "user nhs; signed out"),
        ("partner for NHS Haringey", "chair chair of Wellbeing, Children's Trust", "user nhs; signed out"),
    ]


def test_a_role_change_is_refused_as_an_added_user_would_be_and_changes_nothing(demo):
    partner_nhs(demo)
    refusals = {
        ("chair",): "error: a chair needs the boards they chair: give --board BOARD once for each\n",
        ("partner",): "error: a partner needs the lead partner it speaks for: give --partner, e.g. 'NHS Haringey'\n",
        ("analyst", "--board", "Wellbeing"): "error: only a chair has boards: leave out --board\n",
        ("analyst", "--partner", "NHS Haringey"): "error: only a partner has a lead partner: leave out --partner\n",
        ("chair", "--board", "Nowhere"): "error: there is no theme board 'Nowhere' (boards: ",
        ("boss",): "error: 'boss' is not a role: use one of executive, chair, partner, analyst, admin\n",
    }
    for (role, *rest), message in refusals.items():
        refused = laa("user", "role", "nhs", "--role", role, *rest)
        assert refused.code == 2 and refused.err.startswith(message), refused.err
    assert laa("user", "role", "nobody", "--role", "analyst").err == (
        "error: there is no user 'nobody': `laa user list` lists them\n"
    )
    assert find_user(demo, "nhs").actor() == PARTNER
    with pytest.raises(PermissionDenied, match="^ann \\(analyst\\) may not manage users"):
        set_role(demo, ACTORS[Role.ANALYST], "nhs", "analyst")
    add_user(demo, LOCAL_ADMIN, "ada", "admin", PASSWORD)
    with pytest.raises(AccountProblem, match="^you cannot change your own role: ask another administrator$"):
        set_role(demo, ACTORS[Role.ADMIN], "ada", "analyst")
    assert "set role" not in {e["action"] for e in laa("audit", "--format", "json").json()["audit"]}


def test_a_disabled_user_is_enabled_again_and_the_audit_trail_says_so(demo):
    partner_nhs(demo)
    assert laa("user", "disable", "nhs").code == 0
    assert refusal(demo, "nhs", PASSWORD)[0] == "this account is disabled: ask an administrator"
    done = laa("user", "enable", "NHS")
    assert (done.code, done.out) == (0, "user nhs enabled\n")
    assert sign_in(demo, "nhs", PASSWORD).name == "nhs"
    again = laa("user", "enable", "nhs")
    assert (again.code, again.out) == (0, "user nhs was not disabled\n")
    trail = laa("audit", "--format", "json").json()["audit"]
    assert [(e["new"], e["detail"]) for e in trail if e["action"] == "enable user"] == [("nhs", "may sign in again")]
    with pytest.raises(PermissionDenied, match="^ann \\(analyst\\) may not manage users"):
        enable_user(demo, ACTORS[Role.ANALYST], "nhs")


def test_the_list_of_users_gives_each_ones_latest_sign_in_and_whether_it_is_locked(demo):
    partner_nhs(demo)
    add_user(demo, LOCAL_ADMIN, "eve", "executive", PASSWORD)
    add_user(demo, LOCAL_ADMIN, "ann", "analyst", PASSWORD)
    nhs = find_user(demo, "nhs")
    first, latest = datetime(2026, 12, 1, 9, 0, tzinfo=UTC), datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    for started in (latest, first):
        start_session(demo, nhs, started)
    now = datetime.now(UTC)
    for _ in range(5):
        refusal(demo, "eve", "password guess", now)
    listed = {u.name: (u.last_sign_in, u.locked) for u in list_users(demo)}
    assert listed == {"ann": (None, False), "eve": (None, True), "nhs": (latest, False)}
    later = {u.name: u.locked for u in list_users(demo, now + timedelta(minutes=16))}
    assert later == {"ann": False, "eve": False, "nhs": False}  # the lock has run out
    table = laa("user", "list", "--format", "json").json()["users"]
    assert [(u["name"], u["last_sign_in"], u["locked"]) for u in table] == [
        ("ann", None, False),
        ("eve", None, True),
        ("nhs", "2026-12-03T14:30:00+00:00", False),
    ]
    unlock_user(demo, LOCAL_ADMIN, "eve")
    assert not next(u for u in list_users(demo) if u.name == "eve").locked


def test_a_new_user_is_given_a_one_time_password_once_or_none_with_single_sign_on(demo):
    account, password = invite_user(demo, LOCAL_ADMIN, "nhs", "partner", partner="NHS Haringey")
    assert account.actor() == PARTNER
    assert password_problem(password) is None and sign_in(demo, "nhs", password).name == "nhs"
    others = {invite_user(demo, LOCAL_ADMIN, f"u{n}", "executive")[1] for n in range(3)}
    assert len(others | {password}) == 4  # each one random
    sso, none = invite_user(demo, LOCAL_ADMIN, "eve", "executive", email="Eve@Example.org", single_sign_on=True)
    assert (sso.email, none) == ("eve@example.org", None)
    with pytest.raises(AccountProblem, match="^a user who signs in with single sign-on needs their e-mail$"):
        invite_user(demo, LOCAL_ADMIN, "ella", "executive", single_sign_on=True)
    _, reset = reset_password(demo, LOCAL_ADMIN, "nhs")
    assert reset != password and sign_in(demo, "nhs", reset).name == "nhs"
    with pytest.raises(SignInRefused):
        sign_in(demo, "nhs", password)
    with pytest.raises(PermissionDenied):
        invite_user(demo, ACTORS[Role.ANALYST], "x", "executive")


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


def test_the_longest_name_and_lead_partner_a_user_may_have_are_stored_and_one_more_is_refused(engine):
    """On both backends: PostgreSQL enforces a column's length, so a value one character longer must be refused
    with a message before it reaches the store (a DataError would lose the user's words in a traceback)."""
    name, partner = "u" * 100, "P" * 200
    account = add_user(engine, LOCAL_ADMIN, name, "partner", PASSWORD, partner=partner)
    assert (account.name, account.partner) == (name, partner)
    before = snapshot(engine)
    with pytest.raises(AccountProblem, match=r"^a username is 1 to 100 characters$"):
        add_user(engine, LOCAL_ADMIN, "u" * 101, "executive", PASSWORD)
    with pytest.raises(AccountProblem, match=r"^a lead partner is at most 200 characters, as in the import file"):
        add_user(engine, LOCAL_ADMIN, "other", "partner", PASSWORD, partner="P" * 201)
    with pytest.raises(AccountProblem, match=r"^a lead partner is at most 200 characters"):
        set_role(engine, LOCAL_ADMIN, name, "partner", partner="Q" * 201)
    assert_unchanged(engine, before)
