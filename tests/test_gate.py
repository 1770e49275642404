"""The one gate at the write path (dashboard/write/importer/gate.py): every role against every kind of change, and the
holes of issue 14 tried through the command line and the Upload page, each refused with the store unchanged."""

from __future__ import annotations

import pytest

from dashboard.access.permissions import LOCAL_ADMIN, Action, PermissionDenied, Role, allows
from dashboard.domain.periods import parse_period
from dashboard.write.importer import ImportRejected, import_bytes, import_entry
from dashboard.write.signoff import sign_off
from tests.conftest import laa
from tests.fixtures import user_of
from tests.helpers import LOGIN, assert_unchanged, rejected, snapshot, summary, write

Q3 = parse_period("2009/10 Q3")
BOARD = "Children's Trust"
# NI 112 (under 18 conceptions): a quarterly Children's Trust target led by NHS Haringey, held for 2008/09 Q4 to
# 2009/10 Q3; the test chair chairs its board and the test partner is its lead partner.
ROW = "NI 112,Children's Trust,"
CHANGES = {
    "actual": f"indicator_code,theme_board,period,actual\n{ROW}2009/10 Q2,-28\n",
    "status": f"indicator_code,theme_board,period,rag\n{ROW}2009/10 Q2,green\n",
    "target": f"indicator_code,theme_board,period,target\n{ROW}2009/10 Q2,-30\n",
    "commentary": f"indicator_code,theme_board,period,commentary\n{ROW}2009/10 Q2,Clinics opened\n",
    "setting": f"indicator_code,theme_board,period,tolerance_pct\n{ROW}2009/10 Q2,2\n",
    "board": "indicator_code,theme_board,period\nNI 112,Wellbeing,2009/10 Q2\n",
    "new target": "indicator_code,theme_board,lead_partner,period,target\n"
    "LOC 9,Children's Trust,NHS Haringey,2009/10 Q2,10\n",
    "future quarter": f"indicator_code,theme_board,period,commentary\n{ROW}2034/35 Q4,Plans for the year\n",
    # After the chair signs off Children's Trust 2009/10 Q3:
    "inside a signed-off quarter": f"indicator_code,theme_board,period,commentary\n{ROW}2009-12-30,Late\n",
    "outside a signed-off quarter": f"indicator_code,theme_board,period,commentary\n{ROW}2009/10 Q2,Earlier\n",
}
SIGNED = ("inside a signed-off quarter", "outside a signed-off quarter")
ANYTHING_BUT_SIGNED = set(CHANGES) - {"inside a signed-off quarter"}
MAY = {
    Role.EXECUTIVE: set(),
    Role.CHAIR: {"commentary", "outside a signed-off quarter"},
    Role.PARTNER: {"actual", "commentary", "outside a signed-off quarter"},
    Role.ANALYST: ANYTHING_BUT_SIGNED,
    Role.ADMIN: ANYTHING_BUT_SIGNED,
}


def attempt(engine, actor, change: str) -> None:
    """The change as the role makes it: a file upload, or My targets for a chair (who may not upload)."""
    data = CHANGES[change].encode()
    if allows(actor, Action.UPLOAD):
        import_bytes(engine, data, "change.csv", actor, dry_run=True, new_boards=True)
    else:
        import_entry(engine, data, actor, dry_run=True)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_against_every_kind_of_change_through_the_gate(demo, role):
    actor = user_of(demo, role).actor()
    got = {}
    for change in CHANGES:
        if change == SIGNED[0]:
            sign_off(demo, LOCAL_ADMIN, None, BOARD, Q3)
        before = snapshot(demo)
        try:
            attempt(demo, actor, change)
        except (ImportRejected, PermissionDenied):
            got[change] = False
            assert_unchanged(demo, before)
        else:
            got[change] = True
    assert {c for c, allowed in got.items() if allowed} == MAY[role]


@pytest.fixture
def demo(demo):
    """The demo store with the test partner (nhs, NHS Haringey) and chair (chris, Children's Trust) added."""
    user_of(demo, Role.PARTNER)
    user_of(demo, Role.CHAIR)
    return demo


def partner_import(tmp_path, text: str, *args: str):
    return laa("import", str(write(tmp_path, "partner.csv", text)), "--as", "nhs", *args)


def test_a_partner_may_not_send_a_status(demo, tmp_path):
    # NI 39 is red at 2009/10 Q3: 1571 against 1450, lower is better. A reported green would win under rule 1.
    before = snapshot(demo)
    run = partner_import(tmp_path, "indicator_code,theme_board,period,rag\nNI 39,Wellbeing,2009/10 Q3,green\n")
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 2, column rag, value 'green': the file sets the rag of NI 39 for 2009/10 Q3, and a reported status "
        "is an analyst's judgement: a partner may not send or change it. Fix: leave the rag column out: the status "
        "is worked out from the actual and the target."
    )
    assert_unchanged(demo, before)


def test_a_row_dated_inside_a_signed_off_quarter_is_refused_to_everyone_until_it_is_reopened(demo, tmp_path):
    sign_off(demo, user_of(demo, Role.CHAIR).actor(), None, BOARD, Q3)
    assert summary()["boards"][3]["red"] == 9
    user_of(demo, Role.ANALYST)
    before = snapshot(demo)
    text = "indicator_code,theme_board,period,target,actual\nNI 56,Children's Trust,2009-12-30,22.5,20\n"
    signed = "line 2, column period, value '2009-12-30': NI 56: Children's Trust 2009/10 Q3 was signed off by chris on "
    for args in ((), ("--as", "ann")):  # the partner, and an analyst alike
        run = laa("import", str(write(tmp_path, "late.csv", text)), *args) if args else partner_import(tmp_path, text)
        assert run.code == 1 and signed in run.err, run.err
        assert "Fix: re-open the quarter first, giving a reason" in run.err
    assert_unchanged(demo, before)
    # NI 56's only row is 2008/09's annual figure: it is what rule 2 gives for 2009/10 Q3, so it is frozen too.
    annual = "indicator_code,theme_board,period,actual\nNI 56,Children's Trust,2008/09,20\n"
    assert "NI 56: Children's Trust 2009/10 Q3 was signed off" in partner_import(tmp_path, annual).err
    assert laa("reopen", BOARD, "--period", "2009/10 Q3", "--reason", "late figure").code == 0
    assert laa("import", str(write(tmp_path, "late.csv", text)), "--as", "ann").code == 0
    assert summary()["boards"][3]["red"] == 8


def test_a_partner_writes_only_quarters_that_have_begun_and_the_view_opens_at_the_latest_reported(demo, tmp_path):
    text = "indicator_code,theme_board,period,commentary\nNI 39,Wellbeing,2034/35 Q4,Plans\n"
    before = snapshot(demo)
    run = partner_import(tmp_path, text)
    assert run.code == 1
    assert "line 2, column period, value '2034/35 Q4': 2034/35 Q4 has not begun yet, and a partner enters " in run.err
    assert_unchanged(demo, before)
    # An analyst may set a later quarter ahead (its target, a comment): every page still opens at 2009/10 Q3.
    ahead = "indicator_code,theme_board,period,target,commentary\nNI 39,Wellbeing,2010/11 Q4,1400,Plans\n"
    assert laa("import", str(write(tmp_path, "ahead.csv", ahead))).code == 0
    assert summary()["as_at"] == "2009/10 Q3"
    assert summary()["total"]["red"] == 18


def test_a_misspelt_board_is_refused_with_the_nearest_name_until_confirmed(demo, tmp_path):
    text = (
        "indicator_code,theme_board,period,actual\nNI 39,Wellbeeing,2009/10 Q3,1571\n"
        "NI 117,Childrens Trust Board,2009/10 Q3,11.76\n"
    )
    path = write(tmp_path, "boards.csv", text)
    before = snapshot(demo)
    for args in (("--dry-run",), ()):
        run = laa("import", str(path), *args)
        assert (run.code, run.out) == (1, "")
        confirm = (
            "Fix: correct the board's name, or confirm that the file makes new boards and moves targets between "
            "boards (`laa import --new-boards`, or the tick box on the Upload page)."
        )
        assert run.err == rejected(
            "line 2, column theme_board, value 'Wellbeeing': Wellbeeing is not a theme board of Haringey (did you "
            f"mean Wellbeing?): the file would make it a new board. {confirm}",
            "line 3, column theme_board, value 'Childrens Trust Board': Childrens Trust Board is not a theme board "
            f"of Haringey (did you mean Children's Trust?): the file would make it a new board. {confirm}",
        )
    assert_unchanged(demo, before)
    # A partner is refused the move itself, confirmed or not.
    run = partner_import(tmp_path, text.split("\n")[0] + "\n" + text.split("\n")[1] + "\n", "--new-boards")
    assert "the file changes NI 39's theme board, and a partner cannot change a target's settings" in run.err
    assert_unchanged(demo, before)
    dry = laa("import", str(path), "--dry-run", "--new-boards", "--format", "json")
    assert dry.json()["board_changes"] == [
        "new theme board Wellbeeing in Haringey (did you mean Wellbeing?)",
        "NI 39 moves from Wellbeing to Wellbeeing",
        "new theme board Childrens Trust Board in Haringey (did you mean Children's Trust?)",
        "NI 117 moves from Children's Trust to Childrens Trust Board",
    ]
    table = laa("import", str(path), "--dry-run", "--new-boards")
    assert (
        "\nBoard changes it would make: new theme board Wellbeeing in Haringey (did you mean Wellbeing?); NI 39 moves "
        "from Wellbeing to Wellbeeing; new theme board Childrens Trust Board in Haringey (did you mean Children's "
        "Trust?); NI 117 moves from Children's Trust to Childrens Trust Board.\n"
    ) in table.out
    assert laa("import", str(path), "--new-boards").code == 0
    moves = laa("audit", "--target", "NI 39", "--format", "json").json()["audit"]
    assert [(m["field"], m["old"], m["new"]) for m in moves if m["who"] == LOGIN] == [
        ("theme_board", "Wellbeing", "Wellbeeing")
    ]


def test_the_audit_trail_keeps_every_setting_and_survives_a_rollback(demo, tmp_path):
    settings = (
        "indicator_code,theme_board,period,polarity,tolerance_pct,lead_partner\n"
        "NI 117,Children's Trust,2009/10 Q3,higher_is_better,10,Connexions\n"
    )
    assert laa("import", str(write(tmp_path, "settings.csv", settings))).code == 0
    assert laa("rollback", "3").code == 0

    trail = laa("audit", "--target", "ni117", "--format", "json").json()["audit"]
    got = [(t["action"], t["field"], t["old"], t["new"]) for t in trail if t["who"] == LOGIN]
    assert got == [
        ("roll back", "tolerance_pct", "10", None),
        ("roll back", "polarity", "higher_is_better", "lower_is_better"),
        ("roll back", "lead_partner", "Connexions", "CHENEL"),
        ("upload", "tolerance_pct", None, "10"),
        ("upload", "polarity", "lower_is_better", "higher_is_better"),
        ("upload", "lead_partner", "CHENEL", "Connexions"),
    ]


def test_rolling_back_a_new_target_keeps_its_history(demo, tmp_path):
    new = "indicator_code,theme_board,lead_partner,period,target,actual\nLOC 1,Wellbeing,HAVCO,2009/10 Q3,10,12\n"
    assert laa("import", str(write(tmp_path, "new.csv", new))).code == 0
    assert laa("rollback", "3", "--as", user_of(demo, Role.ANALYST).name).code == 0
    trail = laa("audit", "--target", "LOC 1", "--format", "json").json()["audit"]
    got = {(t["who"], t["action"], t["field"], t["old"], t["new"]) for t in trail}
    assert {
        (LOGIN, "upload", "actual", None, "12"),
        (LOGIN, "upload", "target", None, "10"),
        (LOGIN, "upload", "lead_partner", None, "HAVCO"),
        ("ann", "roll back", "actual", "12", None),
        ("ann", "roll back", "indicator_code", "LOC 1", None),
    } <= got


def test_who_acted_is_never_a_name_typed_on_the_command_line(demo, tmp_path):
    path = write(tmp_path, "q3.csv", "indicator_code,theme_board,period,actual\nNI 117,Children's Trust,2009/10 Q3,9\n")
    for command in (("import", str(path), "--by", "chair"), ("rollback", "2", "--by", "executive")):
        run = laa(*command)
        assert run.code == 2 and "No such option: --by" in run.err, run.err


def test_a_partners_file_of_new_targets_only_is_refused_not_a_crash(demo, tmp_path):
    text = "indicator_code,theme_board,lead_partner,period,commentary\nLOC 5,Wellbeing,NHS Haringey,2009/10 Q3,New\n"
    before = snapshot(demo)
    run = partner_import(tmp_path, text)
    assert (run.code, run.out) == (1, "")
    assert "line 2, column indicator_code, value 'LOC 5': LOC 5 is not a target yet, and a partner cannot add " in (
        run.err
    )
    assert_unchanged(demo, before)


def test_a_rollback_that_would_change_a_signed_off_quarter_waits_for_it_to_be_reopened(demo, tmp_path):
    path = write(tmp_path, "q3.csv", "indicator_code,theme_board,period,actual\nNI 117,Children's Trust,2009/10 Q3,9\n")
    assert laa("import", str(path)).code == 0
    sign_off(demo, user_of(demo, Role.CHAIR).actor(), None, BOARD, Q3)
    before = snapshot(demo)
    run = laa("rollback", "3")
    assert run.code == 2
    assert run.err.startswith(
        "error: batch 3 cannot be rolled back: NI 117: Children's Trust 2009/10 Q3 was signed off by chris on "
    )
    assert_unchanged(demo, before)
    assert laa("reopen", BOARD, "--period", "2009/10 Q3", "--reason", "the NEET figure was wrong").code == 0
    assert laa("rollback", "3").code == 0


def test_a_tolerance_that_would_re_rate_a_signed_off_quarter_is_refused_and_one_that_would_not_is_stored(
    demo, tmp_path
):
    sign_off(demo, user_of(demo, Role.CHAIR).actor(), None, BOARD, Q3)
    before = snapshot(demo)
    header = "indicator_code,theme_board,period,tolerance_pct\n"
    # NI 115: 11.85 against 11.5, lower is better: amber within 5%, red within 2%.
    run = laa("import", str(write(tmp_path, "t.csv", header + "NI 115,Children's Trust,2009/10 Q3,2\n")))
    assert run.code == 1
    assert (
        "line 2, column tolerance_pct, value '2': the new tolerance re-rates NI 115 in 2009/10 Q3 from amber to "
        "red, and Children's Trust 2009/10 Q3 was signed off by chris on "
    ) in run.err
    assert_unchanged(demo, before)
    # NI 112 (-25.9 against -36, lower is better) is red whatever the band: its quarter's table stays as signed.
    assert laa("import", str(write(tmp_path, "t.csv", header + "NI 112,Children's Trust,2009/10 Q3,2\n"))).code == 0
