"""Escalation and recognition on hand-built histories: each rule fires exactly when it should, never a quarter
early, and says why in words."""

from __future__ import annotations

import pytest

from dashboard.access.permissions import Role
from dashboard.domain.periods import parse_period
from dashboard.read.escalations import Rule, RuleSetting, default_rules, escalations, rules_of
from dashboard.read.position import load_position
from dashboard.read.views import md_escape
from dashboard.store.engine import make_engine
from dashboard.write.importer import import_bytes
from tests.fixtures import acting, app_test, new_store

HEADER = "indicator_code,theme_board,frequency,period,target,actual,remedial_action\n"
ACTION = "Recovery plan agreed"
# Quarterly targets of 100, higher is better, amber within 5 % (95 to 100).
HISTORY = HEADER + "".join(
    f"{code},{board},{frequency},{period},100,{actual},{action}\n"
    for code, board, frequency, rows in [
        # Red in Q1 and Q2: escalated as at Q2, not as at Q1.
        ("NI 1", "People", "", [("2009/10 Q1", 90, ACTION), ("2009/10 Q2", 90, ACTION)]),
        # Green, then red (with an action): green to red as at Q2 only.
        ("NI 2", "People", "", [("2009/10 Q1", 100, ""), ("2009/10 Q2", 80, ACTION)]),
        # Amber, then red with no remedial action.
        ("NI 3", "People", "", [("2009/10 Q1", 96, ""), ("2009/10 Q2", 80, "")]),
        # Figures in Q1, a data-awaited row in Q2 and nothing for Q3: two quarters without figures as at Q3.
        ("NI 4", "Places", "", [("2009/10 Q1", 100, ""), ("2009/10 Q2", "", "")]),
        # Green for four quarters by Q3.
        ("NI 5", "Places", "", [(p, 101, "") for p in ("2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3")]),
        # Improved into Q3: red to green (+2), amber to green (+1, a gain of 4 %), red to amber (+1, 46 %).
        ("NI 6", "Places", "", [("2009/10 Q2", 80, ACTION), ("2009/10 Q3", 101, "")]),
        ("NI 7", "Places", "", [("2009/10 Q2", 96, ""), ("2009/10 Q3", 100, "")]),
        ("NI 8", "Places", "", [("2009/10 Q2", 50, ACTION), ("2009/10 Q3", 96, "")]),
        # Red in Q1 and Q3 with Q2 missing: not two quarters running.
        ("NI 9", "Places", "", [("2009/10 Q1", 90, ACTION), ("2009/10 Q3", 90, ACTION)]),
        # An annual target red two years running.
        ("NI 10", "Places", "annual", [("2007/08", 90, ACTION), ("2008/09", 90, ACTION)]),
    ]
    for period, actual, action in rows
)


@pytest.fixture
def position(engine):
    import_bytes(engine, HISTORY.encode(), "history.csv", acting())
    return load_position(engine)


def fired(position, quarter: str, rules=None) -> list[tuple[str, str, str, str]]:
    found = escalations(position, parse_period(quarter), rules)
    return list(found[["rule", "indicator_code", "since", "why"]].itertuples(index=False, name=None))


def test_each_rule_fires_from_the_quarter_its_run_is_complete_and_not_before(position):
    # As at Q1 only the annual target has a run: 2007/08 and 2008/09 (the 2009/10 outturn is not due yet).
    assert fired(position, "2009/10 Q1") == [("red_run", "NI 10", "2007/08", "red in 2007/08 and 2008/09")]
    assert fired(position, "2009/10 Q2") == [
        ("red_run", "NI 1", "2009/10 Q1", "red in 2009/10 Q1 and Q2"),
        ("red_run", "NI 10", "2007/08", "red in 2007/08 and 2008/09"),
        ("green_to_red", "NI 2", "2009/10 Q2", "green in 2009/10 Q1, red in 2009/10 Q2"),
        ("red_no_action", "NI 3", "2009/10 Q2", "red in 2009/10 Q2 with no remedial action"),
    ]
    # As at Q3: NI 4 has had no figures for Q2 and Q3 (as at Q2 its Q1 figures were still the latest due);
    # NI 5 is green for its fourth quarter; NI 9's two red quarters are not running (nothing for Q2). The most
    # improved: red to green first, then the two that rose one status, the larger gain against target first.
    assert fired(position, "2009/10 Q3") == [
        ("red_run", "NI 1", "2009/10 Q1", "red in 2009/10 Q1 and Q2"),
        ("red_run", "NI 10", "2007/08", "red in 2007/08 and 2008/09"),
        ("green_to_red", "NI 2", "2009/10 Q2", "green in 2009/10 Q1, red in 2009/10 Q2"),
        ("red_no_action", "NI 3", "2009/10 Q2", "red in 2009/10 Q2 with no remedial action"),
        ("awaited_run", "NI 4", "2009/10 Q2", "no figures for 2009/10 Q2 and Q3"),
        ("green_run", "NI 5", "2008/09 Q4", "green in 2008/09 Q4, 2009/10 Q1, Q2 and Q3"),
        ("most_improved", "NI 6", "2009/10 Q3", "red in 2009/10 Q2, green in 2009/10 Q3"),
        ("most_improved", "NI 8", "2009/10 Q3", "red in 2009/10 Q2, amber in 2009/10 Q3"),
        ("most_improved", "NI 7", "2009/10 Q3", "amber in 2009/10 Q2, green in 2009/10 Q3"),
    ]


def test_a_rule_can_be_switched_off_and_its_count_tuned(position):
    rules = default_rules() | {
        Rule.RED_RUN: RuleSetting(True, 3),
        Rule.GREEN_TO_RED: RuleSetting(False),
        Rule.MOST_IMPROVED: RuleSetting(True, 1),
        Rule.GREEN_RUN: RuleSetting(True, 5),
        Rule.AWAITED_RUN: RuleSetting(True, 3),
    }
    # NI 4's Q1 figures fall inside three quarters running to Q3, but Q1 is before the quarter due (Q2): overdue.
    assert fired(position, "2009/10 Q3", rules) == [
        ("red_no_action", "NI 3", "2009/10 Q2", "red in 2009/10 Q2 with no remedial action"),
        ("awaited_run", "NI 4", "2009/10 Q2", "figures for 2009/10 Q2 were due; the latest are for 2009/10 Q1"),
        ("most_improved", "NI 6", "2009/10 Q3", "red in 2009/10 Q2, green in 2009/10 Q3"),
    ]


def test_what_an_escalation_row_holds(position):
    row = escalations(position, parse_period("2009/10 Q2")).iloc[0]
    assert (row["kind"], row["theme_board"], row["lead_partner"], row["remedial_action"]) == (
        "escalate", "People", None, ACTION
    )  # fmt: skip


def test_laa_escalations_lists_what_the_rules_raise_for_a_board(position):
    from tests.conftest import laa

    found = laa("escalations", "--board", "places", "--as-at", "2009/10 Q3", "--format", "json").json()
    assert found["as_at"] == "2009/10 Q3"
    assert [(e["kind"], e["indicator_code"], e["why"]) for e in found["escalations"]] == [
        ("escalate", "NI 10", "red in 2007/08 and 2008/09"),
        ("escalate", "NI 4", "no figures for 2009/10 Q2 and Q3"),
        ("recognise", "NI 5", "green in 2008/09 Q4, 2009/10 Q1, Q2 and Q3"),
        ("recognise", "NI 6", "red in 2009/10 Q2, green in 2009/10 Q3"),
        ("recognise", "NI 8", "red in 2009/10 Q2, amber in 2009/10 Q3"),
        ("recognise", "NI 7", "amber in 2009/10 Q2, green in 2009/10 Q3"),
    ]
    wrong = laa("escalations", "--kind", "praise")
    assert (wrong.code, wrong.err) == (2, "error: --kind 'praise': use escalate or recognise\n")


def test_only_an_administrator_sets_a_rule_and_every_change_is_audited(position, engine):
    from dashboard.access.permissions import Actor, PermissionDenied, Role
    from dashboard.read.escalations import rules_of
    from dashboard.write.rules import RuleProblem, set_rule
    from tests.conftest import laa
    from tests.helpers import assert_unchanged, snapshot

    before = snapshot(engine)
    for role in (Role.ANALYST, Role.CHAIR, Role.EXECUTIVE, Role.PARTNER):
        with pytest.raises(PermissionDenied):
            set_rule(engine, Actor("someone", role, partner="P"), None, Rule.RED_RUN, count=3)
    with pytest.raises(RuleProblem, match="^red_run takes a count from 1 to 20, not 21$"):
        set_rule(engine, acting(), None, Rule.RED_RUN, count=21)
    with pytest.raises(RuleProblem, match="^red_no_action takes no count: switch it on or off$"):
        set_rule(engine, acting(), None, Rule.RED_NO_ACTION, count=2)
    assert_unchanged(engine, before)
    run = laa("rules", "red-run", "--count", "3")
    assert run.code == 0, run.err
    assert laa("rules", "most_improved", "--off").code == 0
    rules = rules_of(engine, position.area_id)
    assert (rules[Rule.RED_RUN], rules[Rule.MOST_IMPROVED]) == (RuleSetting(True, 3), RuleSetting(False, 3))
    # The pages and the command read the partnership's rules: NI 1's two red quarters no longer raise it.
    codes = [e["indicator_code"] for e in laa("escalations", "--as-at", "2009/10 Q3", "--format", "json").json()[
        "escalations"]]  # fmt: skip
    assert "NI 1" not in codes and "NI 6" not in codes and "NI 10" not in codes
    audit = [(e["action"], e["field"], e["old"], e["new"]) for e in laa("audit", "--format", "json").json()["audit"]]
    assert ("set a rule", "red_run", "on, 2", "on, 3") in audit
    assert ("set a rule", "most_improved", "on, 3", "off, 3") in audit
    unknown = laa("rules", "red-ish", "--on")
    assert unknown.err == (
        "error: no rule named 'red-ish': use one of red_run, green_to_red, red_no_action, awaited_run, green_run, "
        "most_improved\n"
    )


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    from tests.fixtures import app_test, new_store
    from tests.test_app_pages import use_database

    use_database(monkeypatch, new_store(f"sqlite:///{tmp_path / 'demo.sqlite3'}", demo=True))
    return app_test()


def test_the_helicopter_view_and_a_board_page_list_what_the_rules_raise(demo_app):
    from tests.test_app_pages import frame_with, no_exception

    at = no_exception(demo_app.run())
    assert "Escalated and recognised, as at 2009/10 Q3" in [h.value for h in at.header]
    # The demo as at 2009/10 Q3: 9 red two quarters or more running, 22 with no figures for two quarters or
    # overdue annual outturns; 15 green four quarters running; nothing improved since 2009/10 Q2.
    assert [s.value for s in at.subheader][-2:] == ["To escalate: 31", "To recognise: 15"]
    first = frame_with(at, "Why").iloc[0]
    assert (first["Code"], first["Why"], first["Since"], first["Theme board"]) == (
        "NI 151", "red in 2009/10 Q2 and Q3", "2009/10 Q2", "Enterprise"
    )  # fmt: skip
    at.switch_page("board.py").run()
    at.selectbox(key="pick_board").select("Children's Trust").run()
    no_exception(at)
    assert [s.value for s in at.subheader][-2:] == ["To escalate: 8", "To recognise: 5"]
    assert "Theme board" not in frame_with(at, "Why").columns
    # NI 117 (lower is better): 10.9, 11.45, 11.76 in Q1 to Q3 → the line reaches 12.23 in Q4 against 10.5, past
    # the amber edge of 11.025: off track.
    outlook = frame_with(at, "Year-end forecast").set_index("Code")["Year-end forecast"]
    assert outlook["NI 117"] == "off track"
    # As at 2009/10 Q1 the rules recognise four targets, none of them the Children's Trust's: the page says so.
    at.selectbox(key="pick_as_at").select("2009/10 Q1").run()
    assert [s.value for s in no_exception(at).subheader][-2:] == ["To escalate: 6", "To recognise: 0"]
    assert "Nothing to recognise yet: no target meets a recognition rule." in [c.value for c in at.caption]


def test_an_administrator_switches_and_tunes_the_rules_on_the_helicopter_view_and_others_only_read_them(
    tmp_path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    at = app_test(Role.ADMIN)
    at.run()
    assert not at.exception
    before = escalated(at)
    at.toggle(key="on_red_no_action").set_value(False)
    at.number_input(key="n_red_run").set_value(3)
    at.button[[b.label for b in at.button].index("Save the rules")].click().run()
    assert not at.exception
    assert at.success[-1].value == md_escape(
        "Saved (in the audit trail): red_run: on, 2 → on, 3; red_no_action: on → off"
    )
    engine = make_engine(url)
    assert rules_of(engine, 1)[Rule.RED_RUN] == RuleSetting(True, 3)
    assert rules_of(engine, 1)[Rule.RED_NO_ACTION] == RuleSetting(False, None)
    at.run()
    assert escalated(at) < before

    reader = app_test(Role.EXECUTIVE)
    reader.run()
    assert not reader.exception
    assert not [t for t in reader.toggle if t.key == "on_red_run"]
    rules = next(d.value for d in reader.dataframe if "Raises a target that is" in d.value.columns)
    assert rules[["Rule", "On", "Count"]].values.tolist()[:2] == [["red_run", "on", "3"], ["green_to_red", "on", "–"]]


def escalated(at) -> int:
    """How many targets the helicopter view lists to escalate."""
    heading = next(s.value for s in at.subheader if s.value.startswith("To escalate: "))
    return int(heading.removeprefix("To escalate: "))


def test_the_why_column_is_wide_enough_for_its_words(demo_app):
    """The grid sizes a column by its first rows: without a width, the helicopter view cut "figures for 2008/09 were
    due; none have come" short under the red runs' shorter words."""
    import json

    from tests.test_app_pages import no_exception

    at = no_exception(demo_app.run())
    widths = [json.loads(d.proto.columns).get("Why", {}).get("width") for d in at.dataframe if "Why" in d.proto.columns]
    assert widths == ["large", "large"]  # to escalate, to recognise
