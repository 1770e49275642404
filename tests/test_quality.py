"""Data quality: the `frequency` setting, staleness in each indicator's own cycle, and the chase list of targets
awaiting data with its CSV download."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from dashboard.domain.periods import parse_period
from dashboard.read import quality
from dashboard.read.position import Position, load_position
from dashboard.store.engine import make_engine
from tests.conftest import laa
from tests.fixtures import new_store

Q3 = parse_period("2009/10 Q3")


# The import file's frequency column -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("quarterly", "quarterly"),
        ("Quarterly", "quarterly"),
        (" ANNUAL ", "annual"),
        ("annually", "annual"),
        ("Yearly", "annual"),
        ("monthly", "monthly"),
        ("MONTH", "monthly"),
        ("quarter", "quarterly"),
        ("fortnightly", None),
        ("q3", None),
    ],
)
def test_frequency_words_in_any_case(word, expected):
    assert quality.parse_frequency(word) == expected


def test_no_frequency_stored_means_quarterly():
    assert [quality.frequency_of(v) for v in (None, float("nan"), "", "annual", "monthly")] == [
        "quarterly",
        "quarterly",
        "quarterly",
        "annual",
        "monthly",
    ]


def frequencies(engine) -> dict[str, str | None]:
    targets = load_position(engine).targets
    return {
        c: (None if pd.isna(f) else f) for c, f in zip(targets["indicator_code"], targets["frequency"], strict=True)
    }


def test_frequency_is_a_target_setting_with_partial_updates(engine, tmp_path):
    assert laa("init").code == 0
    first = tmp_path / "first.csv"
    first.write_text(
        "indicator_code,theme_board,period,target,actual,Frequency\n"
        "NI 56,Children's Trust,2008/09,22.5,24.6,Annual\n"
        "NI 16,Safer Communities,2009-11,32,31,MONTHLY\n"
        "NI 117,Children's Trust,2009/10 Q3,10.5,11.76,\n"
    )
    run = laa("import", str(first))
    assert (run.code, run.err) == (0, "")
    assert frequencies(engine) == {"NI 56": "annual", "NI 16": "monthly", "NI 117": None}

    # A file without the column keeps every stored frequency.
    absent = tmp_path / "absent.csv"
    absent.write_text("indicator_code,theme_board,period,actual\nNI 56,Children's Trust,2008/09,24.4\n")
    assert laa("import", str(absent)).code == 0
    assert frequencies(engine) == {"NI 56": "annual", "NI 16": "monthly", "NI 117": None}

    # An empty cell clears it (quarterly again); the change is a target setting change, shown before it is made.
    cleared = tmp_path / "cleared.csv"
    cleared.write_text("indicator_code,theme_board,period,frequency\nNI 16,Safer Communities,2009-11,\n")
    dry = laa("import", str(cleared), "--dry-run", "--format", "json").json()
    assert (dry["targets_changed"], dry["rows_changed"]) == (1, 0)
    assert frequencies(engine)["NI 16"] == "monthly"
    run = laa("import", str(cleared))
    assert run.code == 0 and "1 with changed settings" in run.out
    assert frequencies(engine) == {"NI 56": "annual", "NI 16": None, "NI 117": None}

    # The same file again changes nothing; rolling the change back brings the stored word back.
    assert "0 new targets, 0 with changed settings" in laa("import", str(cleared)).out
    batch = laa("batches", "--format", "json").json()["batches"][0]["id"]
    assert laa("rollback", str(batch)).code == 0
    assert frequencies(engine)["NI 16"] == "monthly"


def test_a_bad_frequency_is_a_problem_with_line_column_value_and_fix(engine, tmp_path):
    assert laa("init").code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator_code,theme_board,period,actual,target,frequency\n"
        "NI 56,Children's Trust,2008/09,24.6,22.5,annual\n"
        "NI 16,Safer Communities,2009/10 Q3,31,32,fortnightly\n"
    )
    run = laa("import", str(bad))
    assert run.code == 1
    assert (
        "line 3, column frequency, value 'fortnightly': not a frequency. "
        "Fix: use quarterly, annual or monthly, or leave it empty for quarterly." in run.err
    )
    assert laa("summary").code == 2  # all or nothing: no data held


# Staleness in each indicator's own cycle --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_at", "frequency", "due"),
    [
        ("2009/10 Q3", "quarterly", "2009/10 Q2"),
        ("2009/10 Q1", "quarterly", "2008/09 Q4"),
        ("2009/10 Q1", "annual", "2008/09"),
        ("2009/10 Q3", "annual", "2008/09"),
        ("2009/10 Q4", "annual", "2008/09"),
        ("2010/11 Q1", "annual", "2009/10"),
        ("2009/10 Q3", "monthly", "2009-09"),
        ("2009/10 Q1", "monthly", "2009-03"),
    ],
)
def test_the_oldest_figures_each_cycle_allows(as_at, frequency, due):
    assert quality.due_period(parse_period(as_at), quality.Frequency(frequency)).label == due


def position_of(targets: list[tuple[str, str | None, list[tuple[str, float | None, str | None]]]]) -> Position:
    """A partnership built inline: (code, frequency, [(period, actual, reported rag)]) per target."""
    target_rows, value_rows = [], []
    for i, (code, frequency, rows) in enumerate(targets, start=1):
        target_rows.append(
            {
                "target_id": i,
                "indicator_code": code,
                "indicator_name": f"Indicator {code}",
                "theme_board": "PMG",
                "lead_partner": "HAVCO" if i % 2 else "Haringey Council",
                "polarity": "higher_is_better",
                "tolerance_pct": None,
                "frequency": frequency,
                "board_position": 0,
                "position": i,
            }
        )
        for period, actual, rag in rows:
            p = parse_period(period)
            value_rows.append(
                {
                    "target_id": i,
                    "period_end": p.end,
                    "period_label": p.label,
                    "target_value": 10.0,
                    "actual": actual,
                    "reported_status": rag,
                    "commentary": None,
                    "remedial_action": None,
                }
            )
    return Position(1, "Test", pd.DataFrame(target_rows), pd.DataFrame(value_rows))


CYCLES = position_of(
    [
        ("Q OK", "quarterly", [("2009/10 Q1", 9.0, None), ("2009/10 Q2", 11.0, None)]),
        ("Q LATE", "quarterly", [("2009/10 Q1", 9.0, None)]),
        ("DEFAULT LATE", None, [("2009/10 Q1", 9.0, None)]),
        ("A OK", "annual", [("2008/09", 12.0, None)]),
        ("A LATE", "annual", [("2007/08", 12.0, None)]),
        ("M OK", "monthly", [("2009-09", 12.0, None)]),
        ("M LATE", "monthly", [("2009-08", 12.0, None)]),
        ("REPORTED", "quarterly", [("2009/10 Q2", None, "green")]),
        ("AWAITED ROW", "quarterly", [("2009/10 Q2", 12.0, None), ("2009/10 Q3", None, None)]),
        ("ANNUAL AWAITED", "annual", [("2008/09", None, None)]),
        ("NEVER", "quarterly", []),
    ]
)


def test_staleness_is_counted_in_each_indicators_own_cycle():
    stale = quality.stale(CYCLES, Q3)
    # Longest overdue first: 2007/08 is 7 quarters behind 2009/10 Q3.
    assert stale[["indicator_code", "frequency", "last_period", "due", "quarters_behind"]].values.tolist() == [
        ["A LATE", "annual", "2007/08", "2008/09", 7],
        # No figures for 2008/09, its first year, whose outturn is due in 2009/10: as far behind as A LATE.
        ["ANNUAL AWAITED", "annual", None, "2008/09", 7],
        ["Q LATE", "quarterly", "2009/10 Q1", "2009/10 Q2", 2],
        ["DEFAULT LATE", "quarterly", "2009/10 Q1", "2009/10 Q2", 2],
        ["M LATE", "monthly", "2009-08", "2009-09", 1],
    ]
    assert quality.summary(CYCLES, Q3)["stale"] == 5


def test_an_annual_outturn_is_overdue_only_a_financial_year_on():
    last = parse_period("2008/09").end
    annual = quality.Frequency.ANNUAL
    held = ["2009/10 Q1", "2009/10 Q2", "2009/10 Q3", "2009/10 Q4"]
    assert [quality.is_overdue(last, annual, parse_period(q)) for q in held] == [False] * 4
    assert quality.is_overdue(last, annual, parse_period("2010/11 Q1"))
    # A quarterly target with the same last figures is overdue from 2009/10 Q2.
    quarterly = quality.Frequency.QUARTERLY
    assert [quality.is_overdue(last, quarterly, parse_period(q)) for q in held] == [False, True, True, True]


def test_an_annual_target_without_its_first_outturn_is_overdue_once_that_year_is_due():
    never = None
    annual = quality.Frequency.ANNUAL
    first_year = parse_period("2008/09").end
    held = ["2008/09 Q4", "2009/10 Q1", "2009/10 Q3", "2010/11 Q1"]
    # Not while 2008/09 is the year in progress; from 2009/10, when its outturn is due, for good.
    assert [quality.is_overdue(never, annual, parse_period(q), first_year) for q in held] == [False, True, True, True]
    # With no row at all nothing is expected of it yet; a quarterly target without figures is awaiting data.
    assert not quality.is_overdue(never, annual, Q3)
    assert not quality.is_overdue(never, quality.Frequency.QUARTERLY, Q3, parse_period("2008/09 Q4").end)


def test_targets_never_reported_are_awaiting_and_an_annual_one_overdue_too():
    chase = quality.awaiting(CYCLES, Q3)
    assert chase[["indicator_code", "lead_partner", "frequency", "last_period", "awaited_period"]].values.tolist() == [
        # By lead partner, then in the partnership's order.
        ["ANNUAL AWAITED", "Haringey Council", "annual", None, "2008/09"],
        ["AWAITED ROW", "HAVCO", "quarterly", "2009/10 Q2", "2009/10 Q3"],
        ["NEVER", "HAVCO", "quarterly", None, None],
    ]
    assert set(chase["indicator_code"]) & set(quality.stale(CYCLES, Q3)["indicator_code"]) == {"ANNUAL AWAITED"}
    shown = quality.stale_table(quality.stale(CYCLES, Q3)).set_index("Code")
    assert shown.loc["ANNUAL AWAITED", ["Last figures for", "Should have figures for"]].tolist() == [
        "none yet",
        "2008/09",
    ]


# The chase list as CSV --------------------------------------------------------------------------------------------


def test_safe_csv_cell_neutralises_formulas_only():
    from dashboard.domain.csvsafe import safe_csv_cell

    risky = ["=1+1", "+44 20 8489 0000", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    assert [safe_csv_cell(v) for v in risky] == ["'" + v for v in risky]
    assert [safe_csv_cell(v) for v in ("NI 117", "", -36.0, 12, None, "2009/10 Q3")] == [
        "NI 117",
        "",
        -36.0,
        12,
        None,
        "2009/10 Q3",
    ]


def test_chase_list_csv_opens_in_excel_and_runs_nothing():
    chase = quality.awaiting(CYCLES, Q3)
    chase.loc[0, "indicator_name"] = '=HYPERLINK("http://evil.example","click")'
    chase.loc[1, "lead_partner"] = "@partner"
    data = quality.chase_list_csv(chase)
    assert data.startswith(b"\xef\xbb\xbfCode,Indicator,Theme board,Lead partner,Frequency,Last figures for,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Code",
        "Indicator",
        "Theme board",
        "Lead partner",
        "Frequency",
        "Last figures for",
        "Awaiting figures for",
    ]
    assert rows[1] == [
        "ANNUAL AWAITED",
        '\'=HYPERLINK("http://evil.example","click")',
        "PMG",
        "Haringey Council",
        "annual",
        "none yet",
        "2008/09",
    ]
    assert rows[2][3] == "'@partner"
    assert rows[3] == ["NEVER", "Indicator NEVER", "PMG", "HAVCO", "quarterly", "none yet", "nothing reported"]
    assert quality.chase_list_filename("Haringey", Q3) == "chase-list-haringey-2009-10-q3.csv"


# On the Haringey demo ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_position(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('quality') / 'demo.sqlite3'}"
    new_store(url, demo=True)
    engine = make_engine(url)
    yield load_position(engine)
    engine.dispose()


DEMO_ANNUAL_WITHOUT_2008_09 = [
    "NI 163", "NI 165", "NI 166", "NI 8", "NI 121", "NI 21", "NI 80", "NI 99", "NI 100", "NI 101", "NI 186",
    "NI 196", "NI 175", "NI 154", "NI 158", "NI 187", "NI 160",
]  # fmt: skip
"""The demo's annual targets with no figure for 2008/09, in the partnership's order."""


def test_the_demos_missing_2008_09_outturns_are_overdue_from_2009_10(demo_position):
    # The annual 2008/09 outturns the demo holds are not overdue in 2009/10; the 17 it lacks are, from its
    # first quarter, when the 2008/09 outturn is due. No quarterly target is overdue.
    overdue = {q.label: quality.stale(demo_position, q) for q in demo_position.quarters()}
    assert overdue["2008/09 Q4"].empty
    for label in ("2009/10 Q1", "2009/10 Q2", "2009/10 Q3"):
        assert overdue[label]["indicator_code"].tolist() == DEMO_ANNUAL_WITHOUT_2008_09, label
        assert set(overdue[label]["due"]) == {"2008/09"}
        assert overdue[label]["last_period"].isna().all()
    assert quality.summary(demo_position, Q3) == {
        "targets": 74,
        "data_awaited": 24,
        "stale": 17,
        "missing_settings": 0,
    }


def test_the_demo_chase_list(demo_position):
    chase = quality.awaiting(demo_position, Q3)
    assert len(chase) == 24
    assert chase["lead_partner"].notna().all()
    assert chase["lead_partner"].tolist() == sorted(chase["lead_partner"], key=str.casefold)
    by_code = chase.set_index("indicator_code")
    assert by_code.loc["NI 163", ["frequency", "last_period", "awaited_period"]].tolist() == [
        "annual",
        None,
        "2008/09",
    ]
    assert by_code.loc["NI 19", ["frequency", "last_period", "awaited_period"]].tolist() == [
        "quarterly",
        "2009/10 Q2",
        "2009/10 Q3",
    ]
    rows = list(csv.reader(io.StringIO(quality.chase_list_csv(chase).decode("utf-8-sig"))))
    assert len(rows) == 25
    assert {r[3] for r in rows[1:]} == {
        "CHENEL",
        "Haringey Council",
        "HAVCO",
        "Homes for Haringey",
        "Metropolitan Police",
        "NHS Haringey",
    }
