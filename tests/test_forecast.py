"""Year-end forecasts on hand-built histories: a level and a cumulative target projected by hand, and a target
with too little data saying why it has none."""

from __future__ import annotations

import pytest

from dashboard.domain.periods import parse_period
from dashboard.read.forecast import forecast_mix, forecasts
from dashboard.read.position import load_position
from dashboard.write.importer import ImportRejected, import_bytes
from tests.fixtures import acting

HEADER = "indicator_code,theme_board,measure,frequency,polarity,period,target,actual\n"
HISTORY = HEADER + (
    # Level, higher is better: 80 then 90 → the line 70 + 10 × quarter reaches 110 at Q4 against 100: on track;
    # ± the average change (10) for each of the 2 quarters left.
    "NI 1,People,,,,2009/10 Q1,100,80\nNI 1,People,,,,2009/10 Q2,100,90\nNI 1,People,,,,2009/10 Q4,100,\n"
    # Cumulative: 30 by Q1, 50 by Q2 (added 30 and 20, on average 25) → 50 + 2 × 25 = 100 against 120, below the
    # amber edge of 114: off track; ± half the spread of the amounts added (5) for each quarter left.
    "NI 2,People,cumulative,,,2009/10 Q1,120,30\nNI 2,People,Cumulative,,,2009/10 Q2,120,50\n"
    # Level, lower is better: 10, 12, 11 → least squares 10 + 0.5 × quarter = 12 at Q4 against 12: on track.
    "NI 3,Places,level,,lower_is_better,2009/10 Q1,12,10\nNI 3,Places,level,,lower_is_better,2009/10 Q2,12,12\n"
    "NI 3,Places,level,,lower_is_better,2009/10 Q3,12,11\n"
    # One actual this year (the one before is last year's): no forecast.
    "NI 4,Places,,,,2008/09 Q4,50,40\nNI 4,Places,,,,2009/10 Q1,50,45\n"
    # Annual: nothing to project from.
    "NI 5,Places,,annual,,2008/09,50,45\n"
)


@pytest.fixture
def position(engine):
    import_bytes(engine, HISTORY.encode(), "history.csv", acting())
    return load_position(engine)


def test_a_level_and_a_cumulative_target_are_projected_as_by_hand(position):
    found = forecasts(position, parse_period("2009/10 Q3")).set_index("indicator_code")
    columns = ["measure", "periods", "projected", "low", "high", "year_target", "outlook"]
    assert [tuple(found.loc[code, columns]) for code in ("NI 1", "NI 2", "NI 3")] == [
        ("level", 2, pytest.approx(110.0), pytest.approx(90.0), pytest.approx(130.0), 100.0, "on track"),
        ("cumulative", 2, pytest.approx(100.0), pytest.approx(90.0), pytest.approx(110.0), 120.0, "off track"),
        ("level", 3, pytest.approx(12.0), pytest.approx(10.5), pytest.approx(13.5), 12.0, "on track"),
    ]
    assert found.loc["NI 2", "method"] == (
        "the total so far plus the average added each period (25) for each of the 2 periods left; ± half the spread "
        "of the amounts added (5) for each"
    )
    assert found.loc["NI 1", "method"] == (
        "the straight line through 2 periods' actuals, carried to the year's end; ± the average change between "
        "periods (10) for each of the 2 periods left"
    )


def test_a_target_with_too_little_data_has_no_forecast_and_says_why(position):
    found = forecasts(position, parse_period("2009/10 Q3")).set_index("indicator_code")
    assert found.loc["NI 4", "reason"] == "one actual in 2009/10 so far: a forecast needs two"
    assert found.loc["NI 5", "reason"] == "an annual target reports once a year: there is nothing to project from"
    assert found.loc[["NI 4", "NI 5"], ["projected", "outlook"]].isna().all().all()
    # As at Q1 nobody has two actuals this year yet.
    early = forecasts(position, parse_period("2009/10 Q1")).set_index("indicator_code")
    assert early.loc["NI 1", "reason"] == "one actual in 2009/10 so far: a forecast needs two"
    assert forecast_mix(forecasts(position, parse_period("2009/10 Q3"))) == {
        "on track": 2, "at risk": 0, "off track": 1, "no forecast": 2
    }  # fmt: skip


def test_a_measure_that_is_not_one_is_refused(engine):
    with pytest.raises(ImportRejected) as rejected:
        import_bytes(engine, (HEADER + "NI 1,People,running,,,2009/10 Q1,100,80\n").encode(), "m.csv", acting())
    assert [p.message() for p in rejected.value.problems] == [
        "line 2, column measure, value 'running': not a measure. Fix: use level (rates and percentages) or "
        "cumulative (running totals for the year), or leave it empty."
    ]


def test_the_target_page_shows_the_projection_or_why_there_is_none(tmp_path, monkeypatch):
    from tests.fixtures import app_test, plain, store_of
    from tests.test_app_pages import no_exception, use_database

    use_database(monkeypatch, store_of(tmp_path / "forecast.sqlite3", HISTORY))
    at = no_exception(app_test().run())
    assert "Forecast for the year's end (2009/10 Q4): 2 on track, 0 at risk, 1 off track; 2 without a forecast." in [
        plain(c.value) for c in at.caption
    ]
    at.switch_page("target.py").run()
    at.selectbox(key="pick_target").select("NI 2").run()
    no_exception(at)
    assert "Year-end forecast" in [h.value for h in at.header]
    captions = [plain(c.value) for c in at.caption]
    assert "Projected for 2009/10 Q4: 100 (90 to 110) against the year's target of 120: off track." in captions
    at.selectbox(key="pick_target").select("NI 4").run()
    assert "No forecast as at 2009/10 Q3: one actual in 2009/10 so far: a forecast needs two." in [
        plain(c.value) for c in at.caption
    ]


def test_the_forecast_chart_keeps_a_place_for_each_period_of_the_year(position):
    """NI 1's latest actual is Q2's, as at Q3: the projection to Q4 is drawn over Q3, not as one step after Q2."""
    from datetime import date

    import pandas as pd

    from dashboard.papers import charts

    found = forecasts(position, parse_period("2009/10 Q3")).set_index("indicator_code").loc["NI 1"]
    actuals = pd.DataFrame(
        {"period_end": [date(2009, 6, 30), date(2009, 9, 30)], "period_label": ["2009/10 Q1", "2009/10 Q2"],
         "actual": [80.0, 90.0]}
    )  # fmt: skip
    fig = charts.forecast_chart(actuals, found, found["year_end"])
    assert list(fig.layout.xaxis.categoryarray) == ["2009/10 Q1", "2009/10 Q2", "2009/10 Q3", "2009/10 Q4"]
    assert list(fig.data[1].x) == ["2009/10 Q2", "2009/10 Q4"]  # the projection, from the latest actual
    assert (fig.layout.legend.yanchor, fig.layout.legend.y) == ("bottom", 1.02)  # above the plot, never on it
    monthly = pd.DataFrame(
        {"period_end": [date(2009, 4, 30), date(2009, 6, 30)], "period_label": ["Apr 2009", "Jun 2009"],
         "actual": [1.0, 3.0]}
    )  # fmt: skip
    assert charts.year_periods(monthly, "2010-03") == [
        "Apr 2009", "2009-05", "Jun 2009", *[f"2009-{m:02d}" for m in range(7, 13)], "2010-01", "2010-02", "2010-03"
    ]  # fmt: skip


def test_a_boards_table_gives_the_year_end_forecast_beside_the_trend():
    import pandas as pd

    from dashboard.read.views import with_forecast

    table = pd.DataFrame(
        {"target_id": [1, 2], "Code": ["NI 1", "NI 2"], "Trend": [[1, 2], [3]], "Indicator": ["a", "b"]}
    )
    ahead = pd.DataFrame({"target_id": [1, 2], "outlook": ["on track", None]})
    shown = with_forecast(table, ahead)
    assert list(shown.columns) == ["target_id", "Code", "Trend", "Year-end forecast", "Indicator"]
    assert shown["Year-end forecast"].tolist() == ["on track", "—"]
    assert list(table.columns) == ["target_id", "Code", "Trend", "Indicator"]  # the table given is left as it was


def test_the_method_says_one_period_left_in_words(position):
    """As at Q3 a quarterly target has one quarter left: 'for the 1 period left', never 'for each of the 1 left'."""
    found = forecasts(position, parse_period("2009/10 Q3")).set_index("indicator_code")
    assert found.loc["NI 3", "method"] == (
        "the straight line through 3 periods' actuals, carried to the year's end; ± the average change between "
        "periods (1.5) for the 1 period left"
    )
