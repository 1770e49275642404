"""The Haringey demo looks like a partnership's real history: varied shortfalls, targets that improve and worsen,
commentary and remedial actions of their own; and every target's status, quarter by quarter, is still the one the
partnership reported, so Tables 1 and 2 and the ranking stay exact (tests/test_haringey.py)."""

from __future__ import annotations

import csv
import importlib.util
import io

import pytest

from dashboard.domain.periods import parse_period
from dashboard.domain.rules import Status
from dashboard.read import movement
from dashboard.read.breakdown import exceptions, shortfall_frame
from dashboard.read.position import load_position, target_history
from dashboard.read.spc import spc_summary
from dashboard.settings import SAMPLE_DATA
from dashboard.store.engine import make_engine
from tests.conftest import ROOT
from tests.fixtures import new_store

Q3 = parse_period("2009/10 Q3")
EARLIER = 11
"""Quarters held before the partnership's path: 2006/07 Q1 to 2008/09 Q3, five targets' figures for their XmR charts."""
LETTER = {"red": "R", "amber": "A", "green": "G", "data awaited": "D"}

# Every target's status as at 2008/09 Q4, 2009/10 Q1, Q2 and Q3 (after the corrections): the partnership's path.
PATHS = {
    "NI 151": "AARR", "NI 152": "ARRR", "NI 153": "RRRR", "NI 163": "DDDD", "NI 165": "DDDD", "NI 171": "GAAR",
    "NI 166": "DDDD", "NI 8": "DDDD", "NI 39": "AAAR", "NI 40": "GGGG", "NI 120": "GGGG", "NI 121": "DDDD",
    "NI 123": "RAAA", "NI 124": "GGGG", "NI 125": "GGGA", "NI 130": "AGGG", "NI 135": "GGGG", "NI 136": "GGGG",
    "NI 141": "AGGG", "NI 142": "GGGG", "NI 150": "DDDD", "NI 15": "GGAR", "NI 16": "AAGG", "NI 19": "AGGD",
    "NI 20": "GGGG", "NI 21": "DDDD", "NI 30": "RRAR", "NI 32": "GGGA", "NI 35": "GGGG", "NI 38": "DDDD",
    "NI 49": "GGGG", "NI 51": "GGGG", "NI 56": "RRRR", "NI 59": "RRRR", "NI 60": "ARRR", "NI 62": "GGGG",
    "NI 63": "GGAA", "NI 72": "RRRR", "NI 73": "RRRR", "NI 75": "GGGG", "NI 79": "GGGG", "NI 80": "DDDD",
    "NI 83": "GGGG", "NI 87": "AAAA", "NI 92": "RRRR", "NI 93": "GGGG", "NI 94": "RRRR", "NI 99": "DDDD",
    "NI 100": "DDDD", "NI 101": "DDDD", "NI 110": "GGGG", "NI 111": "AGGG", "NI 112": "RRRR", "NI 115": "GGGA",
    "NI 116": "GGGG", "NI 117": "AARR", "NI 148": "GGGG", "NI 186": "DDDD", "NI 188": "GGGG", "NI 191": "AARR",
    "NI 192": "GGGG", "NI 195": "GGGD", "NI 196": "DDDD", "NI 175": "DDDD", "NI 154": "DDDD", "NI 155": "GGAA",
    "NI 156": "GGGG", "NI 158": "DDDD", "NI 187": "DDDD", "NI 160": "DDDD", "NI 1": "DDDD", "NI 4": "DDDD",
    "NI 6": "DDDD", "NI 7": "RRRR",
}  # fmt: skip


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo_data') / 'demo.sqlite3'}"
    new_store(url, demo=True)
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def position(engine):
    return load_position(engine)


@pytest.fixture(scope="module")
def reds(position):
    return exceptions(position.statuses(Q3), Status.RED)


def test_every_target_keeps_the_partnerships_status_path(position):
    paths = {}
    for quarter in position.quarters()[EARLIER:]:
        for code, status in position.statuses(quarter).set_index("indicator_code")["status"].items():
            paths[code] = paths.get(code, "") + LETTER[status]
    assert paths == PATHS


def test_five_targets_have_the_history_of_each_kind_of_variation_and_assurance(position):
    summary = spc_summary(position).set_index("indicator_code")
    charted = summary[summary["variation"].notna()]
    assert charted[["points", "variation", "assurance"]].to_dict("index") == {
        "NI 151": {"points": 15, "variation": "special cause, concerning", "assurance": "hit and miss"},
        "NI 153": {"points": 15, "variation": "special cause, concerning",
                   "assurance": "never met unless the process changes"},
        "NI 142": {"points": 15, "variation": "common cause", "assurance": "always met"},
        "NI 115": {"points": 15, "variation": "common cause", "assurance": "hit and miss"},
        "NI 156": {"points": 15, "variation": "special cause, improving", "assurance": "hit and miss"},
    }  # fmt: skip
    assert summary.loc["NI 117", "reason"] == "needs 8 more quarters of actuals: has 4 of 12"
    # As at a quarter before a target's first row, it has no points (and the chart of the others still reads).
    first = spc_summary(position, parse_period("2006/07 Q1")).set_index("indicator_code")
    assert first.loc["NI 117", "reason"] == "needs 12 more quarters of actuals: has 0 of 12"
    assert first.loc["NI 151", "reason"] == "needs 11 more quarters of actuals: has 1 of 12"
    # Before 2008/09 Q4 only these five hold figures, each rated against the same target.
    early = position.values[position.values["period_end"] < parse_period("2008/09 Q4").end]
    codes = position.targets.set_index("target_id").loc[early["target_id"], "indicator_code"]
    assert sorted(set(codes)) == ["NI 115", "NI 142", "NI 151", "NI 153", "NI 156"] and len(early) == 55


def test_red_shortfalls_vary(reds):
    shortfalls = reds["shortfall_pct"].tolist()
    assert len(shortfalls) == 18
    assert len(set(shortfalls)) == 18
    assert min(shortfalls) < 8 and max(shortfalls) > 25  # from just over the amber band to well short
    assert all(5 < s <= 30 for s in shortfalls)


def test_ambers_and_greens_vary_within_their_bands(position):
    statuses = position.statuses(Q3)
    rated = statuses[statuses["reported_status"].isna()]
    shortfall = shortfall_frame(rated)
    amber = shortfall[rated["status"] == "amber"]
    green = shortfall[rated["status"] == "green"]
    assert len(set(amber)) >= 6 and all(0 < s <= 5 for s in amber)
    assert len(set(green)) >= 15 and all(s <= 0 for s in green)


def test_direction_of_travel_shows_targets_improving_and_worsening(position):
    directions = movement.compare(position)["direction"].value_counts().to_dict()
    assert directions.get("better", 0) >= 10
    assert directions.get("worse", 0) >= 10
    # Red both quarters, yet moving: the chair sees which reds are recovering.
    compared = movement.compare(position).set_index("indicator_code")
    red_both = compared[(compared["before"] == "red") & (compared["after"] == "red")]
    assert {"better", "worse"} <= set(red_both["direction"])


def test_quarterly_figures_move_from_quarter_to_quarter(position):
    values = position.values.dropna(subset=["actual"])
    quarterly = position.targets[position.targets["frequency"] == "quarterly"]["target_id"]
    moving = values[values["target_id"].isin(quarterly)].groupby("target_id")["actual"]
    assert (moving.nunique() > 1).all()


def test_red_targets_have_their_own_commentary_and_remedial_action(reds):
    assert reds["remedial_action"].notna().all()
    assert reds["remedial_action"].nunique() == len(reds) == 18
    assert reds["commentary"].nunique() == 18


def test_every_remedial_action_and_commentary_belongs_to_one_target(position):
    values = position.values.merge(position.targets[["target_id", "indicator_code"]], on="target_id")
    for column in ("remedial_action", "commentary"):
        owners = values.dropna(subset=[column]).groupby(column)["indicator_code"].nunique()
        assert (owners == 1).all(), owners[owners > 1].index.tolist()


def test_annual_targets_are_annual(position):
    periods = position.values.groupby("target_id")["period_label"].agg(set)
    annual = set(periods[periods.map(lambda p: p == {"2008/09"})].index)
    assert len(annual) == 29
    frequency = position.targets.set_index("target_id")["frequency"]
    assert set(frequency[list(annual)]) == {"annual"}
    assert set(frequency.drop(list(annual))) == {"quarterly"}


def test_the_corrections_change_history_not_the_latest_position(engine, position):
    _, neet = target_history(engine, position, "NI 117")
    q1 = neet[neet["period_label"] == "2009/10 Q1"]
    assert list(zip(q1["actual"], q1["is_current"], q1["status"], strict=True)) == [
        (10.81, False, "amber"),
        (10.9, True, "amber"),
    ]
    _, alcohol = target_history(engine, position, "NI 39")
    q2 = alcohol[alcohol["period_label"] == "2009/10 Q2"]
    assert list(zip(q2["actual"], q2["is_current"], q2["status"], strict=True)) == [
        (1546.0, False, "red"),
        (1496.0, True, "amber"),
    ]
    assert "1,546" in q2["commentary"].iloc[1]


def test_the_files_are_what_build_demo_writes():
    spec = importlib.util.spec_from_file_location("build_demo", ROOT / "sample_data" / "build_demo.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for name, records in (("haringey_demo.csv", build.rows()), ("haringey_corrections.csv", build.CORRECTIONS)):
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
        assert (SAMPLE_DATA / name).read_bytes().decode("utf-8") == out.getvalue(), name
