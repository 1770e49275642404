"""The dashboard's own package modules (movement, quality, preview, entry, views, charts) on the Haringey demo data."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from dashboard.access.permissions import LOCAL_ADMIN, Actor, Role
from dashboard.domain.names import find_name
from dashboard.domain.periods import parse_period
from dashboard.domain.rules import Status
from dashboard.papers import charts, reports
from dashboard.read import movement, quality, views
from dashboard.read.breakdown import COUNT_COLUMNS, board_breakdown, rank_boards
from dashboard.read.movement import Direction, Move, classify, direction
from dashboard.read.position import load_position, target_history
from dashboard.settings import SAMPLE_DATA
from dashboard.store.engine import make_engine
from dashboard.write import preview
from dashboard.write.entry import card_summary, column_order, entry_file, entry_table, with_cards
from dashboard.write.importer import import_bytes
from dashboard.write.signoff import sign_off_question
from tests.fixtures import acting, new_store

ROOT = Path(__file__).resolve().parent.parent
Q1, Q2, Q3 = (parse_period(f"2009/10 Q{n}") for n in (1, 2, 3))
CHANGE_FILE = (
    b"indicator_code,theme_board,period,actual,target,rag\n"
    b"NI 117,Children's Trust,2009/10 Q3,9,10,\n"
    b"NI 151,Enterprise,2009/10 Q3,66.6,66.5,\n"
    b"NI 999,New Board,2009/10 Q3,5,4,r\n"
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('units') / 'demo.sqlite3'}"
    new_store(url, demo=True)
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def position(engine):
    return load_position(engine)


def codes(frame: pd.DataFrame) -> list[str]:
    return frame["indicator_code"].tolist()


# movement ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "move"),
    [
        ("amber", "red", Move.NEWLY_RED),
        ("green", "red", Move.NEWLY_RED),
        ("data awaited", "red", Move.NEWLY_RED),
        (None, "red", Move.NEWLY_RED),
        ("red", "amber", Move.RECOVERED),
        ("red", "green", Move.RECOVERED),
        ("green", "amber", Move.WORSENED),
        ("amber", "green", Move.IMPROVED),
        ("green", "data awaited", Move.NOW_AWAITED),
        ("red", "data awaited", Move.NOW_AWAITED),
        ("data awaited", "data awaited", Move.STILL_AWAITED),
        (None, None, Move.STILL_AWAITED),
        ("data awaited", "green", Move.DATA_ARRIVED),
        ("red", "red", Move.UNCHANGED),
        ("green", "green", Move.UNCHANGED),
    ],
)
def test_classify(before, after, move):
    assert classify(before, after) is move


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("amber", "red", 1.0, 0.5, "higher_is_better"), Direction.WORSE),
        (("red", "amber", 0.5, 1.0, "higher_is_better"), Direction.BETTER),
        (("red", "red", 50.0, 55.0, "higher_is_better"), Direction.BETTER),
        (("red", "red", 50.0, 55.0, "lower_is_better"), Direction.WORSE),
        (("red", "red", 58.52, 58.52, "higher_is_better"), Direction.SAME),
        (("green", "green", None, 3.0, None), Direction.SAME),
        (("green", "data awaited", 1.18, None, None), Direction.UNKNOWN),
        ((None, "red", None, 1.0, None), Direction.UNKNOWN),
    ],
)
def test_direction(args, expected):
    assert direction(*args) is expected


def test_moves_between_2009_10_q2_and_q3(position):
    moved = movement.moves(position, Q3)
    assert codes(moved[Move.NEWLY_RED]) == ["NI 171", "NI 39", "NI 15", "NI 30"]
    assert codes(moved[Move.RECOVERED]) == []
    assert codes(moved[Move.WORSENED]) == ["NI 125", "NI 32", "NI 115"]
    assert codes(moved[Move.IMPROVED]) == []
    assert codes(moved[Move.NOW_AWAITED]) == ["NI 19", "NI 195"]
    assert len(moved[Move.STILL_AWAITED]) == 22
    assert len(moved[Move.UNCHANGED]) == 43
    assert sum(len(f) for f in moved.values()) == 74
    assert moved[Move.NEWLY_RED][["before", "after"]].values.tolist() == [["amber", "red"]] * 4


def test_moves_default_to_the_latest_quarter(position):
    assert codes(movement.moves(position)[Move.NEWLY_RED]) == ["NI 171", "NI 39", "NI 15", "NI 30"]


def test_moves_between_2009_10_q1_and_q2(position):
    moved = movement.moves(position, Q2)
    assert codes(moved[Move.NEWLY_RED]) == ["NI 151", "NI 117", "NI 191"]
    assert codes(moved[Move.RECOVERED]) == ["NI 30"]
    assert codes(moved[Move.WORSENED]) == ["NI 15", "NI 63", "NI 155"]
    assert codes(moved[Move.IMPROVED]) == ["NI 16"]


def test_direction_of_travel_on_the_demo(position):
    compared = movement.compare(position, Q3).set_index("indicator_code")
    assert compared.loc["NI 171", "direction"] == "worse"  # amber → red
    assert compared.loc["NI 151", "direction"] == "worse"  # red both quarters, employment down from 62.4% to 61.1%
    assert compared.loc["NI 152", "direction"] == "better"  # red both quarters, claims down from 16.6% to 16.2%
    assert compared.loc["NI 19", "direction"] == "no comparison"  # now data awaited
    assert compared.loc["NI 120", "direction"] == "same"  # an annual outturn: the same 2008/09 figure
    assert compared["direction"].value_counts().to_dict() == {
        "better": 18,
        "worse": 18,
        "same": 14,
        "no comparison": 24,
    }


def test_headline_tiles(position):
    tiles = movement.headline(position, Q3)
    assert {k: (t["value"], t["change"]) for k, t in tiles.items()} == {
        "targets": (74, 0),
        "red": (18, 4),
        "amber": (7, -1),
        "green": (25, -5),
        "data_awaited": (24, 2),
    }
    assert tiles["red"]["history"] == [11, 12, 14, 18]
    assert tiles["red"]["pct"] == 24.3
    assert movement.headline(position, Q1)["red"]["history"] == [11, 12]


def test_a_boards_own_mix_with_its_change_is_the_one_its_paper_opens_with(position):
    tiles = movement.headline(position, Q3, "children's trust")
    assert {k: (t["value"], t["pct"], t["change"]) for k, t in tiles.items()} == {
        "targets": (26, None, 0),
        "red": (9, 34.6, 0),
        "amber": (3, 11.5, 1),
        "green": (10, 38.5, -1),
        "data_awaited": (4, 15.4, 0),
    }
    assert tiles["red"]["history"] == [7, 8, 9, 9]
    mix = reports.board_paper(
        position, Q3, "Children's Trust", views.board_targets(position.statuses(Q3), "Children's Trust")
    ).mix
    assert {s.value: (mix.counts[s], mix.pcts[s]) for s in mix.counts} == {
        s.value: (tiles[key]["value"], tiles[key]["pct"]) for key, s in COUNT_COLUMNS.items()
    }
    assert [views.tile_label(k, t["pct"]) for k, t in tiles.items()] == [
        "Targets", "✖ Red · 34.6%", "▲ Amber · 11.5%", "✔ Green · 38.5%", "… Awaited · 15.4%",
    ]  # fmt: skip


def test_mix_over_time(position):
    mix = movement.mix_over_time(position)
    assert mix["period_label"].unique().tolist() == ["2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3"]
    red = mix[mix["status"] == "red"]
    assert red["targets"].tolist() == [11, 12, 14, 18]
    assert red["pct"].tolist() == [14.9, 16.2, 18.9, 24.3]
    assert mix.groupby("period_label")["targets"].sum().tolist() == [74, 74, 74, 74]


def test_actual_trends(position):
    nid = int(position.targets.set_index("indicator_code").loc["NI 117", "target_id"])
    assert movement.actual_trends(position)[nid] == [10.62, 10.9, 11.45, 11.76]
    assert movement.actual_trends(position, Q1)[nid] == [10.62, 10.9]


# quality ----------------------------------------------------------------------------------------------------------


def test_awaited_by_board_and_lead_partner(position):
    statuses = position.statuses(Q3)
    by_board = quality.awaited_by(statuses, "theme_board")
    assert by_board.values.tolist() == [
        ["Better Places", 7, 4, 57.1],
        ["Children's Trust", 26, 4, 15.4],
        ["Integrated Housing", 6, 4, 66.7],
        ["Enterprise", 7, 3, 42.9],
        ["PMG", 4, 3, 75.0],
        ["Safer Communities", 10, 3, 30.0],
        ["Wellbeing", 14, 3, 21.4],
    ]
    by_partner = quality.awaited_by(statuses, "lead_partner")
    assert by_partner.values.tolist()[:3] == [
        ["Haringey Council", 43, 15, 34.9],
        ["CHENEL", 5, 3, 60.0],
        ["Homes for Haringey", 2, 2, 100.0],
    ]
    assert by_partner["data_awaited"].sum() == 24


def test_stale_targets(position):
    # Each target is judged in its own cycle: the annual 2008/09 outturns held are not overdue in 2009/10 (the
    # 2009/10 outturn is not due yet); the 17 annual targets with no 2008/09 outturn are; the quarterly targets
    # that never had figures are awaiting data, not overdue.
    for quarter in position.quarters():
        assert set(quality.stale(position, quarter)["frequency"]) <= {"annual"}, quarter.label
    assert len(quality.stale(position, Q3)) == 17
    # As at 2010/11 Q1 the 2008/09 outturns are more than a financial year behind (the 17 never reported, 9
    # quarters, since 2007/08), and the quarterly figures that stopped at 2009/10 Q3 miss 2009/10 Q4: all
    # overdue, the longest overdue first.
    later = quality.stale(position, parse_period("2010/11 Q1"))
    annual = later[later["frequency"] == "annual"]
    assert len(annual) == 29 and codes(later)[:29] == codes(annual)
    assert annual["last_period"].value_counts(dropna=False).to_dict() == {None: 17, "2008/09": 12}
    assert set(annual["due"]) == {"2009/10"}
    assert annual["quarters_behind"].value_counts().to_dict() == {9: 17, 5: 12}
    quarterly = later[later["frequency"] == "quarterly"]
    assert set(quarterly["due"]) == {"2009/10 Q4"} and set(quarterly["quarters_behind"]) == {2, 3}


def test_quarters_between():
    assert quality.quarters_between(parse_period("2008/09"), Q3) == 3
    assert quality.quarters_between(Q2, Q3) == 1
    assert quality.quarters_between(parse_period("2009-11"), Q3) == 0


def test_missing_settings():
    statuses = pd.DataFrame(
        {
            "target_id": [1, 2, 3],
            "indicator_code": ["NI 1", "NI 2", "NI 3"],
            "indicator_name": ["a", "b", "c"],
            "theme_board": ["PMG"] * 3,
            "lead_partner": ["HAVCO", None, " "],
            "polarity": ["higher_is_better", None, "lower_is_better"],
            "target_value": [1.0, None, 2.0],
        }
    )
    missing = quality.missing_settings(statuses)
    assert missing[["indicator_code", "missing"]].values.tolist() == [
        ["NI 2", "lead partner, polarity, target value"],
        ["NI 3", "lead partner"],
    ]


def test_quality_summary(position):
    assert quality.summary(position, Q3) == {"targets": 74, "data_awaited": 24, "stale": 17, "missing_settings": 0}


# preview ----------------------------------------------------------------------------------------------------------


def test_preview_status_moves_and_sentences(engine, position):
    plan = import_bytes(engine, CHANGE_FILE, "change.csv", acting("test"), dry_run=True, new_boards=True).plan
    moves = preview.status_moves(plan, position)
    assert moves[["indicator_code", "before", "after", "move"]].values.tolist() == [
        ["NI 151", "red", "green", "recovered"],
        ["NI 117", "red", "green", "recovered"],
        ["NI 999", None, "red", "new target"],
    ]
    # Each target is counted once: NI 151 and NI 117 recover, and are not also said to "turn green".
    assert preview.move_sentences(moves) == [
        "2 targets recover from ✖ red (to ✔ green)",
        "1 new target: 1 ✖ red",
    ]
    assert preview.changed_rows(plan).values.tolist() == [
        ["NI 117", "2009/10 Q3", "target value", "10.5", "10"],
        ["NI 117", "2009/10 Q3", "actual", "11.76", "9"],
        ["NI 151", "2009/10 Q3", "actual", "61.1", "66.6"],
    ]


def test_preview_turning_red(engine, position):
    # NI 125 (higher is better) down to 10 and NI 32 (lower is better) up to 99: both far off target.
    data = (
        b"indicator_code,theme_board,period,actual\n"
        b"NI 125,Wellbeing,2009/10 Q3,10\n"
        b"NI 32,Safer Communities,2009/10 Q3,99\n"
    )
    plan = import_bytes(engine, data, "worse.csv", acting("test"), dry_run=True).plan
    moves = preview.status_moves(plan, position)
    assert moves[["indicator_code", "before", "after", "move"]].values.tolist() == [
        ["NI 125", "amber", "red", "newly red"],
        ["NI 32", "amber", "red", "newly red"],
    ]
    assert preview.move_sentences(moves) == ["2 targets turn ✖ red"]


def test_preview_of_an_unchanged_file_moves_nothing(engine, position):
    data = (SAMPLE_DATA / "haringey_corrections.csv").read_bytes()
    plan = import_bytes(engine, data, "again.csv", acting("test"), dry_run=True).plan
    assert preview.status_moves(plan, position).empty
    assert preview.move_sentences(preview.status_moves(plan, position)) == []
    assert preview.changed_rows(plan).empty


def test_preview_on_an_empty_store(engine):
    plan = import_bytes(engine, CHANGE_FILE, "change.csv", acting("test"), dry_run=True, new_boards=True).plan
    moves = preview.status_moves(plan, None)
    assert moves["move"].tolist() == ["new target"] * 3
    assert preview.move_sentences(moves) == ["3 new targets: 1 ✖ red, 2 ✔ green"]


# entry ------------------------------------------------------------------------------------------------------------


def test_an_entry_takes_the_edited_cells_of_the_tables_own_rows_matched_by_code(position):
    before = entry_table(position, LOCAL_ADMIN, Q3)
    after = before.copy()
    after.loc[after["Code"] == "NI 163", ["Actual", "Theme board"]] = [12.5, "Wellbeing"]  # the board is not editable
    after.loc[after["Code"] == "NI 165", "Commentary"] = "Awaited from the ONS."
    added = after[after["Code"].isin(["NI 151", "NI 166"])].assign(Code=["NI 999", "NI 166"], Actual=[5.0, 99.0])
    after = pd.concat([after.iloc[1:], added], ignore_index=True)  # NI 151 deleted; NI 999 and a second NI 166 added
    entry = entry_file(before, after, LOCAL_ADMIN)
    assert entry.data.decode().splitlines() == [
        "indicator_code,theme_board,period,actual,commentary,remedial_action",
        "NI 163,Enterprise,2009/10,12.5,,",  # annual targets: the row is the financial year's
        "NI 165,Enterprise,2009/10,,Awaited from the ONS.,",
    ]
    assert entry.codes == {2: "NI 163", 3: "NI 165"}


NHS = Actor("nhs", Role.PARTNER, partner="NHS Haringey")
CHAIR = Actor("chris", Role.CHAIR, boards=frozenset({"Children's Trust"}))


def test_my_targets_puts_the_cells_one_may_change_first_after_the_pinned_code_and_name():
    assert column_order(NHS) == [
        "Code", "Indicator", "Actual", "Commentary", "Remedial action", "Open to you", "Period", "Status", "Target",
        "Last period", "Last status", "Theme board", "Lead partner",
    ]  # fmt: skip
    assert column_order(CHAIR)[:9] == [
        "Code", "Indicator", "Commentary", "Remedial action", "Open to you", "Period", "Status", "Target", "Actual",
    ]  # fmt: skip


def test_my_targets_rows_show_each_periods_own_status_and_the_period_before(position):
    table = entry_table(position, NHS, Q3).set_index("Code")
    shown = ["Open to you", "Period", "Status", "Target", "Actual", "Last period", "Last status"]
    assert table.loc["NI 39", shown].tolist() == ["✎ open", "2009/10 Q3", "✖ red", 1450, 1571, 1496, "▲ amber"]
    # an annual target's row is its financial year's: no 2009/10 target is stored yet, so only text can go in
    assert table.loc["NI 56", shown].fillna("").tolist() == [
        "✎ text only: no target yet", "2009/10 (annual)", "", "", "", 24.6, "✖ red",
    ]  # fmt: skip
    assert card_summary(table.reset_index().iloc[0], column_order(NHS)[2:5]) == (
        "Wellbeing · NHS Haringey · 2009/10 Q3 · ✎ open. Target 1450; status ✖ red. Last period 1496 (▲ amber)."
    )
    assert card_summary(table.reset_index().iloc[0], ["Commentary", "Remedial action"]).endswith(
        "status ✖ red. Actual 1571. Last period 1496 (▲ amber)."
    )


def test_my_targets_rows_look_locked_in_a_signed_off_quarter_or_one_not_begun(position):
    signed = entry_table(position, CHAIR, Q3, frozenset({("Children's Trust", Q3.end)})).set_index("Code")
    assert signed.loc[["NI 51", "NI 56"], "Open to you"].tolist() == ["🔒 signed off", "✎ open"]  # NI 56: annual
    ahead = entry_table(position, NHS, parse_period("2010/11 Q1"), today=parse_period("2009/10 Q4").end)
    assert ahead.set_index("Code").loc[["NI 39", "NI 56"], "Open to you"].tolist() == [
        "🔒 opens 2010/11 Q1", "🔒 opens 2010/11 Q4",
    ]  # fmt: skip


def test_what_is_typed_on_a_phones_card_is_the_tables_entry_and_an_untouched_card_changes_nothing(position):
    before = entry_table(position, NHS, Q3)
    grid = before.copy()
    grid.loc[grid["Code"] == "NI 40", "Actual"] = 1300.0
    cards = {("NI 39", "Actual"): "1571", ("NI 40", "Actual"): "1329", ("NI 150", "Actual"): " 7 "}
    entry = entry_file(before, with_cards(grid, before, cards), NHS)
    assert [line.split(",")[:4] for line in entry.data.decode().splitlines()[1:]] == [
        ["NI 40", "Wellbeing", "2009/10 Q3", "1300"],  # the card still shows what was stored: the grid's edit stands
        ["NI 150", "Wellbeing", "2009/10 Q3", "7"],
    ]


# views ------------------------------------------------------------------------------------------------------------


def test_status_labels_carry_symbol_and_word():
    assert [views.status_label(s) for s in ("red", "amber", "green", "data awaited", None)] == [
        "✖ red",
        "▲ amber",
        "✔ green",
        "… data awaited",
        "… data awaited",
    ]


def test_breakdown_table(position):
    boards, total = board_breakdown(position.statuses(Q3))
    table = views.breakdown_table(boards, total)
    assert table.columns.tolist() == [
        "Theme board", "Targets", "✖ Red", "▲ Amber", "✔ Green", "… Data awaited",
        "✖ Red %", "▲ Amber %", "✔ Green %", "… Data awaited %",
    ]  # fmt: skip
    assert table.iloc[-1].tolist() == ["Total", 74, 18, 7, 25, 24, 24.3, 9.5, 33.8, 32.4]
    assert views.breakdown_cell_status("✖ Red %") is Status.RED
    assert views.breakdown_cell_status("Targets") is None


def test_ranking_words(position):
    boards, _ = board_breakdown(position.statuses(Q3))
    assert views.ranking_sentence("all").startswith("Boards are ranked by the share of targets green or amber, of all")
    assert "rated targets only" in views.ranking_sentence("rated")
    # The note names the order it lists: the other basis's, in full.
    assert views.bases_note(boards, "all") == (
        "Ranked on rated targets only instead, the order is: Integrated Housing, Wellbeing, Safer Communities, "
        "Better Places, Children's Trust, Enterprise, PMG (7 boards in a different place: Wellbeing, "
        "Safer Communities, Children's Trust, Integrated Housing, Better Places, PMG, Enterprise)."
    )
    assert views.bases_note(boards, "rated").startswith(
        "Ranked on all targets instead, the order is: Wellbeing, Safer Communities, Children's Trust,"
    )
    same = boards[boards["theme_board"].isin(["Wellbeing", "PMG"])]
    assert views.bases_note(same, "rated") == "Ranking on all targets gives the same order."


def test_links_and_picking():
    options = ["Enterprise", "Children's Trust"]
    assert find_name(options, "  children's   TRUST ") == "Children's Trust"
    assert find_name(options, "children\u2019s\u00a0 trust") == "Children's Trust"
    assert find_name(options, "Nobody") is None
    assert find_name(options, None) is None


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
        ("[click](javascript:alert(1))", "\\[click\\]\\(javascript\\:\u2060alert\\(1\\)\\)"),
        (":red[alarm] $x$ **bold**", "\\:\u2060red\\[alarm\\] \\$x\\$ \\*\\*bold\\*\\*"),
        # Bare addresses would be linked by Streamlit's Markdown: an invisible word joiner keeps them text.
        (
            "http://evil.example www.evil.example a@b.example",
            "http\\:\u2060//evil\\.example www\u2060\\.evil\\.example a@\u2060b\\.example",
        ),
        ("Children's Trust", "Children's Trust"),
        (None, ""),
    ],
)
def test_md_escape(text, escaped):
    assert views.md_escape(text) == escaped


def test_board_rows_exception_mode(position):
    statuses = position.statuses(Q3)
    shown = views.board_targets(statuses, "children's trust")
    rows = views.board_table(shown, movement.compare(position, Q3), movement.actual_trends(position, Q3))
    assert views.board_targets_title(shown, show_all=False) == "9 red targets"
    assert sorted(rows["Code"], key=lambda c: int(c.split()[1])) == [
        "NI 56", "NI 59", "NI 60", "NI 72", "NI 73", "NI 92", "NI 94", "NI 112", "NI 117",
    ]  # fmt: skip
    assert rows["Shortfall %"].tolist() == sorted(rows["Shortfall %"], reverse=True)
    assert set(rows["Status"]) == {"✖ red"}
    assert rows.set_index("Code").loc["NI 117", "Trend"] == [10.62, 10.9, 11.45, 11.76]
    every = views.board_targets(statuses, "Children's Trust", show_all=True)
    assert len(every) == 26
    assert views.board_targets_title(every, show_all=True) == "26 targets"
    only = views.board_targets(
        statuses,
        "Children's Trust",
        show_all=True,
        target_types=["mandatory education"],
        lead_partners=["Haringey Council"],
    )
    assert set(only["target_type"]) == {"mandatory education"} and set(only["lead_partner"]) == {"Haringey Council"}
    assert views.board_targets_title(only.head(1), show_all=False) == "1 red target"


def test_versions_table_shows_the_corrected_value(engine, position):
    target, versions = target_history(engine, position, "NI 117")
    table = views.versions_table(versions)
    assert table[["Period", "Actual", "Version"]].values.tolist() == [
        ["2009/10 Q1", 10.81, "superseded"],
        ["2009/10 Q1", 10.9, "current"],
    ]
    assert len(views.versions_table(versions, corrected_only=False)) == 5
    assert views.periods_table(versions)["Actual"].tolist() == [10.62, 10.9, 11.45, 11.76]
    assert views.target_caption(target)["Polarity"] == "lower is better"


# charts and the palette -------------------------------------------------------------------------------------------


def test_board_mix_figure(position):
    boards, _ = board_breakdown(position.statuses(Q3))
    fig = charts.board_mix(boards)
    assert [t.name for t in fig.data] == ["✖ red", "▲ amber", "✔ green", "… data awaited"]
    red = fig.data[0]
    assert list(red.y) == boards["theme_board"].tolist()
    assert list(red.x) == [57.1, 7.1, 20.0, 34.6, 14.3, 0.0, 25.0]
    assert red.marker.color == charts.STATUS_COLOURS[Status.RED]
    assert {t.marker.pattern.shape for t in fig.data} == {"x", "/", "", "."}


def test_mix_trend_figure(position):
    fig = charts.mix_trend(movement.mix_over_time(position))
    assert [t.name for t in fig.data] == ["✖ red", "▲ amber", "✔ green", "… data awaited"]
    assert list(fig.data[0].text) == ["11", "12", "14", "18"]


def test_target_history_figure_draws_the_amber_band(engine, position):
    target, versions = target_history(engine, position, "NI 117")
    fig = charts.target_history(target, versions)
    band = next(t for t in fig.data if t.name and t.name.startswith("▲ amber band"))
    floor = fig.data[list(fig.data).index(band) - 1]
    assert band.fill == "tonexty"
    assert list(band.y) == [10.5] * 4
    assert [round(v, 3) for v in floor.y] == [11.025] * 4  # lower is better: 5% above target is still amber
    earlier = next(t for t in fig.data if t.name == "earlier version (corrected since)")
    assert (list(earlier.x), list(earlier.y)) == (["2009/10 Q1"], [10.81])
    names = {t.name for t in fig.data}
    assert {"actual: ▲ amber", "actual: ✖ red", "target"} <= names


def test_a_change_is_written_with_its_sign():
    assert [views.signed(c) for c in (4, -1, 0, None)] == ["+4", "-1", "0", None]


def test_board_mix_says_what_it_shows_and_holds_the_figures_it_draws(position):
    boards, _ = board_breakdown(position.statuses(Q3))
    ranked = rank_boards(boards, "all")
    text = charts.board_mix_text(boards, ranked)
    assert text.sentence.startswith("Each board's targets by status, boards ranked best first: 1 · Wellbeing: ")
    assert "; 3 · Children's Trust: 9 red, 3 amber, 10 green, 4 data awaited of 26 targets; " in text.sentence
    assert text.sentence.endswith("7 · Enterprise: 4 red, 0 amber, 0 green, 3 data awaited of 7 targets.")
    fig = charts.board_mix(boards, ranked)
    # The table holds what the bars draw, board by board in the chart's order, each share as the bars' figure.
    assert text.figures["Theme board"].tolist() == list(fig.data[0].y)
    for trace, status in zip(fig.data, ["✖ Red", "▲ Amber", "✔ Green", "… Data awaited"], strict=True):
        assert [float(v) for v in text.figures[f"{status} %"]] == list(trace.x)
        assert text.figures[status].tolist() == [c for c, _ in trace.customdata]
    assert text.figures["Targets"].tolist() == [14, 10, 26, 6, 7, 4, 7]


def test_mix_trend_says_what_it_shows_quarter_by_quarter(position):
    mix = movement.mix_over_time(position)
    text = charts.mix_trend_text(mix)
    assert text.sentence.endswith("; 2009/10 Q3: 18 red, 7 amber, 25 green, 24 data awaited of 74 targets.")
    fig = charts.mix_trend(mix)
    assert text.figures["Quarter"].tolist() == list(fig.data[0].x)
    assert [str(n) for n in text.figures["✖ Red"]] == list(fig.data[0].text) == ["11", "12", "14", "18"]
    assert text.figures["… Data awaited %"].tolist() == ["29.7", "29.7", "29.7", "32.4"]


def test_target_history_says_each_periods_actual_target_status_and_correction(engine, position):
    target, versions = target_history(engine, position, "NI 117")
    text = charts.target_history_text(target, versions)
    assert text.sentence == (
        "NI 117's actual against its target over 4 periods (lower is better; amber within 5% of target): "
        "2008/09 Q4: actual 10.62, target 10.5, amber; 2009/10 Q1: actual 10.9 (corrected from 10.81), target 10.5, "
        "amber; 2009/10 Q2: actual 11.45, target 10.5, red; 2009/10 Q3: actual 11.76, target 10.5, red."
    )
    assert text.figures.iloc[1].to_dict() == {
        "Period": "2009/10 Q1",
        "Target": "10.5",
        "Amber band": "10.5 to 11.025",
        "Actual": "10.9",
        "Status": "▲ amber",
        "Earlier versions": "10.81",
    }


def test_a_period_with_no_figures_is_said_to_be_awaited():
    target = pd.Series({"indicator_code": "NI 1", "polarity": None, "tolerance_pct": None})
    versions = pd.DataFrame(
        {
            "period_end": [1, 2],
            "period_label": ["2009/10 Q1", "2009/10 Q2"],
            "target_value": [10.0, None],
            "actual": [12.0, None],
            "status": ["green", "data awaited"],
            "is_current": [True, True],
        }
    )
    text = charts.target_history_text(target, versions)
    assert text.sentence == (
        "NI 1's actual against its target over 2 periods (higher is better; amber within 5% of target): "
        "2009/10 Q1: actual 12, target 10, green; 2009/10 Q2: no actual, no target, data awaited."
    )
    assert text.figures["Amber band"].tolist() == ["9.5 to 10", ""]


def test_palette_is_set_once_in_the_theme_and_the_charts():
    config = tomllib.loads((ROOT / "laa_app" / ".streamlit" / "config.toml").read_text())
    theme = config["theme"]
    assert theme["redColor"] == charts.STATUS_COLOURS[Status.RED]
    assert theme["orangeColor"] == charts.STATUS_COLOURS[Status.AMBER]
    assert theme["greenColor"] == charts.STATUS_COLOURS[Status.GREEN]
    assert theme["chartCategoricalColors"][:4] == [charts.STATUS_COLOURS[s] for s in Status]
    assert 1 <= config["server"]["maxUploadSize"] <= 50


def test_the_package_never_imports_streamlit():
    for path in (ROOT / "dashboard").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "streamlit" for n in names), path


def test_no_page_renders_html_from_data():
    for path in (ROOT / "laa_app").glob("*.py"):
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        # The one st.html is the app's own stylesheet: a file of the package, CSS and no markup, never data.
        assert re.findall(r"st\.html\(([^)]*)\)", text) == (["widgets.STYLESHEET"] if path.name == "app.py" else []), (
            path
        )
    assert "<" not in (ROOT / "laa_app" / "accessible.css").read_text()


def test_an_unknown_address_is_named_as_asked_shortened_and_literal():
    assert views.no_page_sentence("users") == "There is no page at /users"
    assert views.no_page_sentence("[x](http:evil)" + "a" * 60) == (
        "There is no page at /\\[x\\]\\(http\\:\u2060evil\\)" + "a" * 25 + "…"
    )


def test_signing_off_asks_first_naming_what_is_still_awaited_and_who_it_binds(position):
    assert sign_off_question(position.statuses(Q3), "children's trust", Q3) == (
        "Sign off children's trust 2009/10 Q3? 4 of 26 targets are still data awaited: NI 80, NI 99, NI 100, NI 101. "
        "Once signed off, partners, the chair and analysts can no longer change the board's figures for 2009/10 Q3, "
        "until an analyst or the chair re-opens it, giving a reason."
    )
    one = position.statuses(Q3)
    one = one[~one["indicator_code"].isin(["NI 1", "NI 4"])]
    assert "? 1 of 2 targets is still data awaited: NI 6. Once" in sign_off_question(one, "PMG", Q3)
    none = one[one["indicator_code"] != "NI 6"]
    assert "? None of its 1 target is data awaited. Once" in sign_off_question(none, "PMG", Q3)
