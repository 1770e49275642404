"""Roles through the package: every role against every action, done for real on the demo store; sign-off and
re-opening; browser entries as batches; the audit trail; a partner's day through the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from dashboard.access.accounts import add_user, disable_user
from dashboard.access.addresses import Page
from dashboard.access.permissions import LOCAL_ADMIN, Action, Actor, PermissionDenied, Role, landing, may_open
from dashboard.access.sessions import (
    end_session,
    keep_session,
    session_account,
    session_ends_at,
    start_session,
    timed_out,
    timeout_warning,
    warning_lead,
)
from dashboard.domain.periods import parse_period
from dashboard.read.audit import audit_trail
from dashboard.read.position import load_position
from dashboard.store.models import SignInSession, UploadBatch
from dashboard.write.groups import set_groups
from dashboard.write.importer import ImportRejected, import_bytes, import_entry, rollback
from dashboard.write.importer.gate import REOPEN_FIX
from dashboard.write.signoff import SignOffProblem, reopen, sign_off, signed_off
from tests.conftest import laa
from tests.fixtures import PASSWORD, USERS, user_of
from tests.helpers import assert_unchanged, snapshot

Q3 = parse_period("2009/10 Q3")
BOARD = "Children's Trust"
# NI 112 (under 18 conceptions) is a red Children's Trust target led by NHS Haringey: the chair's and the partner's.
ACTUAL = b"indicator_code,theme_board,period,actual\nNI 112,Children's Trust,2009/10 Q3,-30\n"
COMMENTARY = b"indicator_code,theme_board,period,commentary\nNI 112,Children's Trust,2009/10 Q3,Clinics opened\n"
TARGET = b"indicator_code,theme_board,period,target\nNI 112,Children's Trust,2009/10 Q3,-30\n"


def _upload(engine, actor):
    import_bytes(engine, ACTUAL, "q3.csv", actor)


def _enter_value(engine, actor):
    import_entry(engine, ACTUAL, actor)


def _change_target(engine, actor):
    import_bytes(engine, TARGET, "targets.csv", actor)


def _edit_commentary(engine, actor):
    import_entry(engine, COMMENTARY, actor)


def _sign_off(engine, actor):
    sign_off(engine, actor, None, BOARD, Q3)


def _reopen(engine, actor):
    sign_off(engine, LOCAL_ADMIN, None, BOARD, Q3)
    reopen(engine, actor, None, BOARD, Q3, "a late figure")


def _roll_back(engine, actor):
    rollback(engine, 2, actor)


def _manage_users(engine, actor):
    add_user(engine, actor, "newcomer", "executive", PASSWORD)


def _read_audit(engine, actor):
    audit_trail(engine, actor)


def _set_groups(engine, actor):
    set_groups(engine, b"group,area\nLondon,Haringey\n", actor, "groups.csv")


def _set_rules(engine, actor):
    from dashboard.read.escalations import Rule
    from dashboard.write.rules import set_rule

    set_rule(engine, actor, None, Rule.RED_RUN, count=3)


def _annotate(engine, actor):
    from dashboard.write.annotations import annotate

    annotate(engine, actor, None, Q3, "New definition from this quarter", target="NI 112", change_of_process=True)


DONE = {
    Action.VIEW: lambda engine, actor: load_position(engine),
    Action.UPLOAD: _upload,
    Action.ENTER_VALUE: _enter_value,
    Action.CHANGE_TARGET: _change_target,
    Action.EDIT_COMMENTARY: _edit_commentary,
    Action.SIGN_OFF: _sign_off,
    Action.REOPEN: _reopen,
    Action.ROLL_BACK: _roll_back,
    Action.MANAGE_USERS: _manage_users,
    Action.READ_AUDIT: _read_audit,
    Action.SET_GROUPS: _set_groups,
    Action.SET_RULES: _set_rules,
    Action.ANNOTATE: _annotate,
}
ALLOWED = {
    Role.EXECUTIVE: {Action.VIEW},
    Role.CHAIR: {Action.VIEW, Action.EDIT_COMMENTARY, Action.SIGN_OFF, Action.REOPEN, Action.ANNOTATE},
    Role.PARTNER: {Action.VIEW, Action.UPLOAD, Action.ENTER_VALUE, Action.EDIT_COMMENTARY},
    Role.ANALYST: set(Action) - {Action.SIGN_OFF, Action.MANAGE_USERS, Action.SET_RULES},
    Role.ADMIN: set(Action),
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_every_role_against_every_action_through_the_package(demo, role, action):
    actor = user_of(demo, role).actor()
    if action in ALLOWED[role]:
        DONE[action](demo, actor)
        return
    before = snapshot(demo)
    with pytest.raises((PermissionDenied, ImportRejected)):
        DONE[action](demo, actor)
    if action is not Action.REOPEN:  # the refused re-opening follows an administrator's sign-off
        assert_unchanged(demo, before)


OPENS = {
    Role.EXECUTIVE: set(),
    Role.CHAIR: {Page.MY_TARGETS},
    Role.PARTNER: {Page.MY_TARGETS, Page.UPLOAD},
    Role.ANALYST: {Page.MY_TARGETS, Page.UPLOAD, Page.INDICATORS, Page.TARGETS, Page.AUDIT},
    Role.ADMIN: {Page.MY_TARGETS, Page.UPLOAD, Page.INDICATORS, Page.TARGETS, Page.AUDIT, Page.USERS},
}
"""Beyond the pages everyone signed in sees: the helicopter view, the areas, a board, a target, data quality."""


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_pages_of_what_it_may_do(role):
    actor = Actor("someone", role, frozenset({"Wellbeing"}), "NHS Haringey")
    everyone = {Page.HELICOPTER, Page.AREAS, Page.BOARD, Page.TARGET, Page.QUALITY}
    assert {page for page in Page if may_open(actor, page)} == everyone | OPENS[role]


def test_a_sign_in_lands_on_the_chairs_first_board_or_the_partners_targets():
    assert landing(Role.CHAIR, ("Children's Trust", "Wellbeing")) == "/board?board=Children%27s+Trust"
    assert landing(Role.CHAIR) == "/"
    assert landing(Role.PARTNER) == "/my-targets"
    assert [landing(role) for role in (Role.EXECUTIVE, Role.ANALYST, Role.ADMIN)] == ["/", "/", "/"]


def test_a_signed_off_quarter_refuses_the_partner_and_the_chair_until_an_analyst_reopens_it(demo):
    chair, partner = user_of(demo, Role.CHAIR).actor(), user_of(demo, Role.PARTNER).actor()
    done = sign_off(demo, chair, None, "children’s trust", Q3)
    assert done.sentence().startswith("Children's Trust 2009/10 Q3 was signed off by chris on ")
    with pytest.raises(SignOffProblem, match="signed off by chris on .* already$"):
        sign_off(demo, chair, None, BOARD, Q3)
    for actor in (partner, chair):
        data = ACTUAL if actor is partner else COMMENTARY
        with pytest.raises(ImportRejected) as refused:
            import_entry(demo, data, actor)
        (problem,) = refused.value.problems
        assert problem.message().startswith(
            "line 2, column period, value '2009/10 Q3': NI 112: Children's Trust 2009/10 Q3 was signed off by chris on "
        )
        assert problem.fix == REOPEN_FIX
    with pytest.raises(SignOffProblem, match="^say why the quarter is re-opened"):
        reopen(demo, user_of(demo, Role.ANALYST).actor(), None, BOARD, Q3, "  ")
    reopen(demo, user_of(demo, Role.ANALYST).actor(), None, BOARD, Q3, "NHS figure was late")
    assert signed_off(demo, None, BOARD, Q3) is None
    assert import_entry(demo, ACTUAL, partner).batch_id == 3


def test_other_boards_quarters_stay_open(demo):
    sign_off(demo, LOCAL_ADMIN, None, BOARD, Q3)
    wellbeing = b"indicator_code,theme_board,period,actual\nNI 150,Wellbeing,2009/10 Q3,7\n"
    assert import_entry(demo, wellbeing, user_of(demo, Role.PARTNER).actor()).batch_id == 3
    earlier = b"indicator_code,theme_board,period,actual\nNI 112,Children's Trust,2009/10 Q2,-30\n"
    assert import_entry(demo, earlier, user_of(demo, Role.PARTNER).actor()).batch_id == 4


def test_a_chair_edits_commentary_of_their_boards_only(demo):
    chair = user_of(demo, Role.CHAIR).actor()
    with pytest.raises(ImportRejected) as refused:
        import_entry(demo, ACTUAL, chair)
    assert [p.problem for p in refused.value.problems] == [
        "the entry changes the actual of NI 112 for 2009/10 Q3, and a chair edits commentary and remedial action only"
    ]
    other = b"indicator_code,theme_board,period,commentary\nNI 150,Wellbeing,2009/10 Q3,Not mine\n"
    with pytest.raises(ImportRejected) as refused:
        import_entry(demo, other, chair)
    assert [p.problem for p in refused.value.problems] == [
        "NI 150 belongs to Wellbeing, which chris does not chair: a chair edits the commentary of their own boards' "
        "targets"
    ]
    assert import_entry(demo, COMMENTARY, chair).batch_id == 3


def test_a_browser_entry_is_a_batch_with_versions_and_rolls_back(demo):
    partner = user_of(demo, Role.PARTNER).actor()
    stored = import_entry(demo, ACTUAL, partner)
    with demo.connect() as conn:
        batch = conn.execute(select(UploadBatch).where(UploadBatch.id == stored.batch_id)).one()
    assert (batch.file_name, batch.uploaded_by, batch.rows_changed) == ("entered in the browser by nhs", "nhs", 1)
    trail = audit_trail(demo, LOCAL_ADMIN, target="ni112", limit=3)
    assert trail[["who", "action", "target", "period", "field", "old", "new"]].to_dict("records")[0] == {
        "who": "nhs", "action": "browser entry", "target": "NI 112", "period": "2009/10 Q3", "field": "actual",
        "old": "-25.9", "new": "-30",
    }  # fmt: skip
    rollback(demo, stored.batch_id, user_of(demo, Role.ANALYST).actor())
    trail = audit_trail(demo, LOCAL_ADMIN, limit=2)
    assert trail.iloc[0][["who", "action"]].tolist() == ["ann", "roll back"]
    assert trail.iloc[0]["detail"] == (
        "batch 3 (entered in the browser by nhs): 1 figures withdrawn, 0 targets removed"
    )
    # The rollback's own change is in the trail, and the entry it undid survives it.
    again = audit_trail(demo, LOCAL_ADMIN, target="NI 112", limit=2)
    assert again[["who", "action", "field", "old", "new"]].values.tolist() == [
        ["ann", "roll back", "actual", "-30", "-25.9"],
        ["nhs", "browser entry", "actual", "-25.9", "-30"],
    ]


def test_the_audit_trail_filters_by_user_and_target_newest_first(demo):
    add_user(demo, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey")
    import_entry(demo, ACTUAL, user_of(demo, Role.PARTNER).actor())
    sign_off(demo, user_of(demo, Role.CHAIR).actor(), None, BOARD, Q3)
    by_nhs = audit_trail(demo, LOCAL_ADMIN, user="NHS")
    assert by_nhs[["action", "target", "field", "new"]].values.tolist() == [
        ["browser entry", None, None, None],
        ["browser entry", "NI 112", "actual", "-30"],
    ]
    everything = audit_trail(demo, LOCAL_ADMIN, limit=0)
    assert everything["when"].is_monotonic_decreasing
    assert everything.iloc[0][["who", "action", "board", "period"]].tolist() == [
        "chris", "sign off", BOARD, "2009/10 Q3"
    ]  # fmt: skip
    assert set(everything["action"]) >= {"add user", "upload", "browser entry", "sign off"}
    with pytest.raises(PermissionDenied, match="may not read the audit trail"):
        audit_trail(demo, user_of(demo, Role.EXECUTIVE).actor())


def test_a_session_ends_on_sign_out_idling_or_a_disabled_account(demo):
    idle = timedelta(minutes=30)
    account = user_of(demo, Role.CHAIR)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    token = start_session(demo, account, now)
    with demo.connect() as conn:
        (stored,) = conn.scalars(select(SignInSession.token_hash)).all()
    assert len(stored) == 64 and token not in stored  # the store holds its SHA-256, never the token
    assert session_account(demo, token, idle, now + timedelta(minutes=29)).name == "chris"
    assert session_account(demo, token, idle, now + timedelta(minutes=58)).name == "chris"  # use keeps it alive
    assert session_account(demo, token, idle, now + timedelta(minutes=89)) is None  # idle for 31 minutes
    assert session_account(demo, token, idle, now + timedelta(minutes=90)) is None  # and ended for good
    token = start_session(demo, account, now)
    end_session(demo, token)
    assert session_account(demo, token, idle, now) is None
    token = start_session(demo, account, now)
    disable_user(demo, LOCAL_ADMIN, "chris")
    assert session_account(demo, token, idle, now) is None
    assert session_account(demo, "a token nobody was given", idle, now) is None


def test_an_unused_sign_in_is_warned_of_two_minutes_before_it_ends_and_asking_is_not_use(demo):
    idle, minute = timedelta(minutes=30), timedelta(minutes=1)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    token = start_session(demo, user_of(demo, Role.PARTNER), now)
    assert warning_lead(idle) == 2 * minute
    assert warning_lead(minute) == timedelta(seconds=30)  # at least 20 seconds to keep it (WCAG 2.2.1)
    assert session_ends_at(demo, token, idle, now + 28 * minute) == now + idle
    assert session_ends_at(demo, token, idle, now + 29 * minute) == now + idle  # asking did not move it on
    assert keep_session(demo, token, idle, now + 29 * minute)  # "Stay signed in"
    assert session_ends_at(demo, token, idle, now + 29 * minute) == now + 59 * minute
    assert not timed_out(demo, token, idle, now + 59 * minute)
    assert session_ends_at(demo, token, idle, now + 60 * minute) is None
    assert timed_out(demo, token, idle, now + 60 * minute)  # ended unused
    assert not keep_session(demo, token, idle, now + 60 * minute)  # too late: it is ended for good
    assert session_account(demo, token, idle, now + 30 * minute) is None

    signed_out = start_session(demo, user_of(demo, Role.PARTNER), now)
    end_session(demo, signed_out)
    assert session_ends_at(demo, signed_out, idle, now) is None
    assert not timed_out(demo, signed_out, idle, now + 60 * minute)  # signing out is not timing out
    assert not keep_session(demo, signed_out, idle, now)


def test_any_use_once_the_warning_shows_keeps_the_sign_in_however_short_the_timeout(demo):
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    token = start_session(demo, user_of(demo, Role.PARTNER), now)
    seconds = timedelta(seconds=1)
    assert session_account(demo, token, timedelta(minutes=30), now + 50 * seconds) is not None
    assert session_ends_at(demo, token, timedelta(minutes=30), now + 50 * seconds) == now + timedelta(minutes=30)
    # A one-minute timeout warns at 30 seconds unused: a click then counts, though TOUCH_EVERY is a minute.
    assert session_account(demo, token, timedelta(minutes=1), now + 31 * seconds) is not None
    assert session_ends_at(demo, token, timedelta(minutes=1), now + 31 * seconds) == now + 91 * seconds


@pytest.mark.parametrize(
    ("zone", "ends", "clock"),
    [
        (ZoneInfo("Europe/London"), datetime(2026, 12, 2, 9, 30, tzinfo=UTC), "09:30"),
        (ZoneInfo("Europe/London"), datetime(2026, 7, 1, 9, 30, tzinfo=UTC), "10:30"),  # British Summer Time
        (None, datetime(2026, 7, 1, 9, 30, tzinfo=UTC), "09:30 UTC"),  # the browser gave no time zone
    ],
)
def test_the_warning_says_when_in_the_browsers_time_zone(zone, ends, clock):
    assert timeout_warning(ends, zone) == (
        f"Your sign-in ends at {clock} unless you use the dashboard before then, and anything typed and not yet "
        "saved would then be lost. Stay signed in, or close this message, to carry on."
    )


def test_a_partners_quarter_through_the_command_line(demo, tmp_path):
    add_user(demo, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey")
    add_user(demo, LOCAL_ADMIN, "chris", "chair", PASSWORD, [BOARD])
    theirs = tmp_path / "theirs.csv"
    theirs.write_bytes(ACTUAL + b"NI 59,Children's Trust,2009/10 Q3,70\n")
    before = snapshot(demo)
    refused = laa("import", str(theirs), "--as", "nhs")
    assert refused.code == 1
    assert "NI 59 is led by Haringey Council, not NHS Haringey: a partner updates only the targets it leads" in (
        refused.err
    )
    target = tmp_path / "target.csv"
    target.write_bytes(TARGET)
    refused = laa("import", str(target), "--as", "nhs")
    assert refused.code == 1 and "a partner cannot change targets" in refused.err
    assert_unchanged(demo, before)

    own = tmp_path / "own.csv"
    own.write_bytes(ACTUAL)
    stored = laa("import", str(own), "--as", "nhs")
    assert (stored.code, stored.out.strip().endswith("stored as batch 3.")) == (0, True)
    trail = laa("audit", "--user", "nhs", "--format", "json").json()["audit"]
    assert [(e["who"], e["action"], e["target"], e["field"], e["old"], e["new"]) for e in trail] == [
        ("nhs", "upload", None, None, None, None),
        ("nhs", "upload", "NI 112", "actual", "-25.9", "-30"),
    ]

    signed = laa("signoff", "children's trust", "--period", "2009/10 Q3", "--as", "chris")
    assert signed.code == 0 and signed.out.startswith("Children's Trust 2009/10 Q3 was signed off by chris on ")
    own.write_bytes(ACTUAL.replace(b"-30", b"-31"))
    before = snapshot(demo)
    refused = laa("import", str(own), "--as", "nhs")
    assert refused.code == 1 and "was signed off by chris on" in refused.err
    assert_unchanged(demo, before)
    paper = laa("exceptions", "--board", BOARD, "--format", "json").json()
    assert paper["sign_off"].startswith("Children's Trust 2009/10 Q3 was signed off by chris on ")

    assert laa("reopen", BOARD, "--period", "2009/10 Q3", "--as", "nhs", "--reason", "x").code == 2
    reopened = laa("reopen", BOARD, "--period", "2009/10 Q3", "--reason", "late NHS figure")
    assert (reopened.code, reopened.out) == (0, "Children's Trust 2009/10 Q3 re-opened\n")
    assert laa("import", str(own), "--as", "nhs").code == 0
    assert laa("audit", "--as", "nhs").err.startswith("error: nhs (partner) may not read the audit trail")


def test_the_demo_users_get_passwords_generated_once(bare_engine):
    assert laa("init").code == 0
    first = laa("demo")
    lines = [line.split() for line in first.out.splitlines() if line.startswith("  ")]
    assert [(line[0], line[2].strip("(,)")) for line in lines] == [
        ("admin", "admin"), ("analyst", "analyst"), ("executive", "executive"), ("chair", "chair"),
        ("partner", "partner"),
    ]  # fmt: skip
    passwords = {line[1] for line in lines}
    assert len(passwords) == 5 and all(len(p) >= 12 for p in passwords)
    second = laa("demo")
    assert second.out.endswith(
        "Demo users already there, passwords unchanged: admin, analyst, executive, chair, partner "
        "(`laa user passwd NAME` sets a new one).\n"
    )
    assert not passwords & set(second.out.split())
    assert sorted(USERS) == sorted(Role)  # the tests' own users cover every role too


def test_a_filter_holding_sql_finds_nothing_and_changes_nothing(demo):
    sql = "' OR 1=1 --"
    before = snapshot(demo)
    board = laa("exceptions", "--board", sql)
    assert board.code == 2 and board.err.startswith('error: --board "\' OR 1=1 --": no such theme board')
    assert laa("history", sql).code == 2
    assert laa("audit", "--user", sql).out == "no changes recorded for that filter\n"
    assert laa("audit", "--target", sql, "--format", "json").json() == {"audit": []}
    assert laa("user", "disable", sql).code == 2
    assert_unchanged(demo, before)


def test_the_board_paper_says_who_signed_off_the_quarter(demo, tmp_path):
    add_user(demo, LOCAL_ADMIN, "chris", "chair", PASSWORD, [BOARD])
    assert laa("signoff", BOARD, "--period", "2009/10 Q3", "--as", "chris").code == 0
    for suffix in ("pdf", "xlsx"):
        assert laa("exceptions", "--board", BOARD, "--output", str(tmp_path / f"paper.{suffix}")).code == 0
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "paper.pdf").pages)
    assert "Children's Trust 2009/10 Q3 was signed off by chris on " in " ".join(text.split())
    sheet = load_workbook(tmp_path / "paper.xlsx").active
    assert sheet["A2"].value.startswith("9 red targets. Children's Trust 2009/10 Q3 was signed off by chris on ")
