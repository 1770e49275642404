"""Notes tied to a period: on a target or a whole board, by an analyst or a board's chair, in the audit trail;
removed ones leave the charts but not the trail; a change of process names where control limits start again."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access.permissions import Actor, PermissionDenied, Role
from dashboard.domain.periods import parse_period
from dashboard.read.annotations import notes_on, process_changes
from dashboard.read.position import load_position
from dashboard.read.views import md_escape
from dashboard.store.engine import make_engine
from dashboard.store.models import AuditEvent
from dashboard.write.annotations import AnnotationProblem, annotate, remove_annotation
from tests.conftest import laa
from tests.fixtures import acting, app_test, new_store, xmr_store
from tests.helpers import assert_unchanged, snapshot

Q1, Q3 = parse_period("2009/10 Q1"), parse_period("2009/10 Q3")
CHAIR = Actor("chris", Role.CHAIR, frozenset({"Children's Trust"}))


def test_notes_on_a_target_and_its_board_show_together_and_a_change_of_process_starts_new_limits(demo):
    annotate(demo, acting(), None, Q1, "New  definition\nfrom this quarter", target="ni117", change_of_process=True)
    annotate(demo, CHAIR, None, Q3, "Winter pressures", board="children's trust")
    annotate(demo, acting(), None, Q3, "Data break", target="NI 40")
    position = load_position(demo)
    notes = notes_on(position, target="NI 117")
    assert notes[["about", "period_label", "note", "change_of_process", "noted_by"]].values.tolist() == [
        ["NI 117", "2009/10 Q1", "New definition from this quarter", True, "analyst"],
        ["Children's Trust board", "2009/10 Q3", "Winter pressures", False, "chris"],
    ]
    assert notes_on(position, board="Wellbeing")["note"].tolist() == ["Data break"]
    assert process_changes(position, "NI 117") == [date(2009, 6, 30)]
    assert process_changes(position, "NI 40") == []
    with demo.connect() as conn:
        trail = conn.execute(
            select(AuditEvent.user_name, AuditEvent.action, AuditEvent.indicator_code, AuditEvent.theme_board,
                   AuditEvent.period_label, AuditEvent.new_value, AuditEvent.detail)
            .where(AuditEvent.action == "annotate").order_by(AuditEvent.id)
        ).all()  # fmt: skip
    assert [tuple(t) for t in trail] == [
        ("analyst", "annotate", "NI 117", "Children's Trust", "2009/10 Q1", "New definition from this quarter",
         "note 1 (change of process)"),
        ("chris", "annotate", None, "Children's Trust", "2009/10 Q3", "Winter pressures", "note 2"),
        ("analyst", "annotate", "NI 40", "Wellbeing", "2009/10 Q3", "Data break", "note 3"),
    ]  # fmt: skip

    removed = remove_annotation(demo, CHAIR, 1)
    assert removed.sentence() == "note 1 on NI 117 at 2009/10 Q1 (change of process): New definition from this quarter"
    assert process_changes(load_position(demo), "NI 117") == []
    with pytest.raises(AnnotationProblem, match=r"^there is no note 1 to remove: `laa note list` lists them$"):
        remove_annotation(demo, acting(), 1)


@pytest.mark.parametrize(
    ("actor", "where"),
    [
        (CHAIR, {"target": "NI 40"}),  # a Wellbeing target: not the chair's board
        (CHAIR, {"board": "Wellbeing"}),
        (Actor("nhs", Role.PARTNER, partner="NHS Haringey"), {"target": "NI 40"}),
        (Actor("eve", Role.EXECUTIVE), {"board": "Wellbeing"}),
    ],
)
def test_a_note_outside_the_actors_remit_is_refused_and_changes_nothing(demo, actor, where):
    before = snapshot(demo)
    with pytest.raises(PermissionDenied, match=r"may not annotate a target or board"):
        annotate(demo, actor, None, Q3, "Not mine", **where)
    assert_unchanged(demo, before)


@pytest.mark.parametrize(
    ("note", "where", "problem"),
    [
        ("  ", {"target": "NI 40"}, "say what happened: the note is empty"),
        ("x" * 501, {"target": "NI 40"}, "the note has 501 characters: shorten it to 500 or fewer"),
        ("x", {}, "name either one target (its code) or one board"),
        ("x", {"target": "NI 40", "board": "Wellbeing"}, "name either one target (its code) or one board"),
        ("x", {"target": "NI 999"}, "there is no target 'NI 999' in Haringey: give one of its codes, such as NI 151"),
        ("x", {"board": "Health"}, "there is no theme board 'Health' in Haringey (boards: Enterprise, Wellbeing, "
         "Safer Communities, Children's Trust, Better Places, Integrated Housing, PMG)"),
    ],
)  # fmt: skip
def test_a_note_that_cannot_be_made_says_why_and_changes_nothing(demo, note, where, problem):
    before = snapshot(demo)
    with pytest.raises(AnnotationProblem) as raised:
        annotate(demo, acting(), None, Q3, note, **where)
    assert str(raised.value) == problem
    assert_unchanged(demo, before)


def test_the_note_commands_add_list_and_remove(demo):
    added = laa("note", "add", "New definition", "--period", "2009/10 Q1", "--target", "NI 117", "--change-of-process")
    assert (added.code, added.out) == (0, "note 1 on NI 117 at 2009/10 Q1 (change of process): New definition\n")
    assert laa("note", "add", "Winter", "--period", "2009/10 Q3", "--board", "PMG").code == 0
    listed = laa("note", "list", "--format", "json")
    assert listed.json()["notes"] == [
        {"note_id": 1, "period_label": "2009/10 Q1", "about": "NI 117", "note": "New definition",
         "change_of_process": True, "noted_by": listed.json()["notes"][0]["noted_by"]},
        {"note_id": 2, "period_label": "2009/10 Q3", "about": "PMG board", "note": "Winter",
         "change_of_process": False, "noted_by": listed.json()["notes"][1]["noted_by"]},
    ]  # fmt: skip
    assert laa("note", "list", "--board", "PMG", "--format", "json").json()["notes"][0]["note_id"] == 2
    assert laa("note", "remove", "2").out == "removed note 2 on the PMG board at 2009/10 Q3: Winter\n"
    refused = laa("note", "add", "x", "--period", "2009/10 Q9", "--board", "PMG")
    assert refused.code == 2 and refused.err.startswith("error: --period '2009/10 Q9': ")


def test_laa_history_shows_each_note_at_its_period_with_the_boards(demo):
    laa("note", "add", "New definition", "--period", "2009/10 Q1", "--target", "NI 117", "--change-of-process")
    laa("note", "add", "Winter", "--period", "2009/10 Q3", "--board", "Children's Trust")
    laa("note", "add", "Not ours", "--period", "2009/10 Q2", "--board", "PMG")
    by = laa("note", "list", "--format", "json").json()["notes"][0]["noted_by"]
    rows = laa("history", "NI 117", "--format", "json").json()["history"]
    assert [(r["period"], r["current"], r["notes"]) for r in rows] == [
        ("2008/09 Q4", True, ""),
        ("2009/10 Q1", False, f"New definition ({by})"),
        ("2009/10 Q1", True, f"New definition ({by})"),
        ("2009/10 Q2", True, ""),
        ("2009/10 Q3", True, f"whole board: Winter ({by})"),
    ]
    table = laa("history", "NI 117").out
    assert "Notes" in table.splitlines()[0] and "whole board: Winter" in table


def test_the_target_page_marks_each_note_on_its_chart_and_a_chair_adds_one(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    engine = make_engine(url)
    annotate(engine, acting(), None, Q1, "New definition <b>from</b> here", target="NI 117", change_of_process=True)
    at = app_test(Role.CHAIR)
    at.query_params["target"] = "NI 117"
    at.switch_page("target.py").run()
    assert not at.exception
    assert any(m.value.startswith("**Note 1, 2009/10 Q1** · change of process") for m in at.markdown)
    assert [t.value for t in at.text][:1] == ["New definition <b>from</b> here"]  # shown as text, never as HTML
    chart = next(c for c in at.get("plotly_chart"))
    figure = json.loads(chart.proto.spec)
    marks = [(a["text"], a["hovertext"]) for a in figure["layout"]["annotations"]]
    assert marks == [("note 1", "note 1, 2009/10 Q1 (change of process): New definition &lt;b&gt;from&lt;/b&gt; here")]

    at.text_input(key="note_text_NI 117").input("Winter pressures")
    at.checkbox(key="note_board_NI 117").check()
    at.button[[b.label for b in at.button].index("Add the note")].click().run()
    assert not at.exception
    assert at.success[0].value == md_escape(
        "Added note 2 on the Children's Trust board at 2009/10 Q3: Winter pressures (in the audit trail)."
    )
    assert notes_on(load_position(engine), board="Children's Trust")["note"].tolist() == [
        "New definition <b>from</b> here",
        "Winter pressures",
    ]


def test_the_target_page_draws_the_xmr_chart_with_its_special_cause_and_note(tmp_path, monkeypatch):
    url = xmr_store(tmp_path / "spc.sqlite3")  # a jump to 80 in the last quarter: outside the limits, improving
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    annotate(make_engine(url), acting(), None, parse_period("2009/10 Q2"), "Outreach began", target="NI 1")
    at = app_test(Role.ANALYST)
    at.query_params["target"] = "NI 1"
    at.switch_page("target.py").run()
    assert not at.exception
    assert "**Variation:** ▲ special cause, improving · **Assurance:** ↕ hit and miss" in [m.value for m in at.markdown]
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    xmr = next(f for f in figures if any(t.get("name") == "process limits" for t in f["data"]))
    flagged = next(t for t in xmr["data"] if t.get("name") == "special cause, improving")
    assert flagged["x"] == ["2009/10 Q2"]
    assert [a["text"] for a in xmr["layout"]["annotations"]] == ["note 1"]
    periods = next(d.value for d in at.dataframe if "Notes" in d.value.columns)
    assert periods.loc[periods["Notes"] != "", ["Period", "Notes"]].values.tolist() == [
        ["2009/10 Q2", "Outreach began (analyst)"]
    ]

    at.query_params.clear()
    at.switch_page("helicopter.py").run()
    assert not at.exception
    lists = next(d.value for d in at.dataframe if "▼ Concerning special cause" in d.value.columns)
    assert lists.values.tolist() == [["People", "0", "0"]]
    assert "- People is already first\\." in [m.value for m in at.markdown]
    at.query_params["board"] = "People"
    at.query_params["statuses"] = "all"
    at.switch_page("board.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Variation" in d.value.columns)
    assert table[["Code", "Variation", "Assurance"]].values.tolist() == [
        ["NI 1", "▲ special cause, improving", "↕ hit and miss"]
    ]
