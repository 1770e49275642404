"""Rule 1 (the status of one row), rounding and periods: exact cases and properties."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.domain.periods import BadPeriod, Period, parse_period, previous_quarter, quarter_of
from dashboard.domain.rules import CannotRate, Polarity, Status, parse_status, pct, rate, rate_frame

HIGHER, LOWER = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "tolerance", "expected"),
    [
        (100, 100, HIGHER, None, Status.GREEN),
        (95, 100, HIGHER, None, Status.AMBER),  # exactly target − 5% of target is still amber
        (94.99, 100, HIGHER, None, Status.RED),
        (90, 100, HIGHER, 10, Status.AMBER),
        (89.9, 100, HIGHER, 10, Status.RED),
        (10, 10, LOWER, None, Status.GREEN),
        (10.5, 10, LOWER, None, Status.AMBER),
        (10.51, 10, LOWER, None, Status.RED),
        (9, 10, LOWER, None, Status.GREEN),
        (-38, -36, LOWER, None, Status.GREEN),  # a negative target: the band is a share of |target|
        (-34.2, -36, LOWER, None, Status.AMBER),
        (-34.1, -36, LOWER, None, Status.RED),
        (66.595, 70.1, HIGHER, None, Status.AMBER),  # 70.1 − 3.505: on the edge despite binary floats
        (76.0, 80.0, HIGHER, 5, Status.AMBER),
        (0, 0, HIGHER, None, Status.GREEN),
        (-1, 0, HIGHER, None, Status.RED),  # a zero target has no amber band
    ],
)
def test_rate_follows_polarity_and_tolerance(actual, target, polarity, tolerance, expected):
    assert rate(actual, target, polarity, tolerance) is expected


def test_reported_status_wins_over_the_figures():
    assert rate(50, 100, HIGHER, None, reported=Status.GREEN) is Status.GREEN
    assert rate(None, None, reported=Status.RED) is Status.RED


def test_no_actual_is_data_awaited_and_an_unrateable_actual_is_an_error():
    assert rate(None, 100) is Status.DATA_AWAITED
    with pytest.raises(CannotRate):
        rate(12, None)


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Red", Status.RED),
        (" r ", Status.RED),
        ("AMBER", Status.AMBER),
        ("g", Status.GREEN),
        ("Data  Awaited", Status.DATA_AWAITED),
        ("DA", Status.DATA_AWAITED),
        ("purple", None),
        ("", None),
    ],
)
def test_status_words(word, status):
    assert parse_status(word) is status


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (4, 7, 57.1),
        (1, 7, 14.3),
        (1, 14, 7.1),
        (3, 26, 11.5),
        (10, 26, 38.5),
        (4, 6, 66.7),
        (18, 74, 24.3),
        (7, 74, 9.5),
        (25, 74, 33.8),
        (24, 74, 32.4),
        (1, 8, 12.5),
        (1, 16, 6.3),
        (0, 0, 0.0),
    ],
)
def test_percentages_round_half_up_to_one_decimal(part, whole, expected):
    assert pct(part, whole) == expected


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2009/10 Q3", Period(date(2009, 12, 31), "2009/10 Q3")),
        (" 2009/10  q3 ", Period(date(2009, 12, 31), "2009/10 Q3")),
        ("2008/09 Q4", Period(date(2009, 3, 31), "2008/09 Q4")),
        ("2009/10 Q1", Period(date(2009, 6, 30), "2009/10 Q1")),
        ("Q2 2009/10", Period(date(2009, 9, 30), "2009/10 Q2")),
        ("2009/2010 Q2", Period(date(2009, 9, 30), "2009/10 Q2")),
        ("2008/09", Period(date(2009, 3, 31), "2008/09")),
        ("1999/00", Period(date(2000, 3, 31), "1999/00")),
        ("2009-11", Period(date(2009, 11, 30), "2009-11")),
        ("2008-02", Period(date(2008, 2, 29), "2008-02")),
        ("2009-11-30", Period(date(2009, 11, 30), "2009-11-30")),
    ],
)
def test_periods(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2009/11 Q3", "2009/10 Q5", "Q3", "2009-13", "2009-02-30", "autumn 2009", ""])
def test_bad_periods(text):
    with pytest.raises(BadPeriod):
        parse_period(text)


def test_quarters_of_the_financial_year():
    assert quarter_of(date(2009, 4, 1)).label == "2009/10 Q1"
    assert quarter_of(date(2010, 3, 31)).label == "2009/10 Q4"
    assert quarter_of(date(2009, 11, 30)).label == "2009/10 Q3"
    assert previous_quarter(parse_period("2009/10 Q1")).label == "2008/09 Q4"
    assert previous_quarter(parse_period("2009/10 Q3")).label == "2009/10 Q2"


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
tolerances = st.one_of(st.none(), st.floats(min_value=0, max_value=50, allow_nan=False))


@given(actual=finite, target=finite, tolerance=tolerances)
def test_flipping_polarity_and_mirroring_the_actual_keeps_the_status(actual, target, tolerance):
    mirrored = 2 * target - actual
    higher = rate(actual, target, HIGHER, tolerance)
    lower = rate(mirrored, target, LOWER, tolerance)
    assert {higher, lower} != {Status.GREEN, Status.RED}
    if abs(actual - target) > 1e-6 * max(1.0, abs(target)):
        assert higher is lower


@given(actual=finite, target=finite, better=st.floats(min_value=0, max_value=1e6), tolerance=tolerances)
def test_a_better_actual_never_rates_worse(actual, target, better, tolerance):
    order = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2}
    assert order[rate(actual + better, target, HIGHER, tolerance)] >= order[rate(actual, target, HIGHER, tolerance)]
    assert order[rate(actual - better, target, LOWER, tolerance)] >= order[rate(actual, target, LOWER, tolerance)]


@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), finite),
            finite,
            st.sampled_from([None, "higher_is_better", "lower_is_better"]),
            tolerances,
            st.sampled_from([None, "red", "amber", "green", "data awaited"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_frame_rating_agrees_with_the_brief_read_row_by_row(rows):
    frame = pd.DataFrame(rows, columns=["actual", "target_value", "polarity", "tolerance_pct", "reported_status"])
    expected = [oracle(a, t, p or "higher_is_better", tol, r) for a, t, p, tol, r in rows]
    assert rate_frame(frame).tolist() == expected


def oracle(actual, target, polarity, tolerance, reported) -> str:
    """Rule 1 as the brief words it, one row at a time, written apart from the product's rate_frame to check it."""
    if reported is not None:
        return reported
    if actual is None or target is None:
        return "data awaited"  # (with no target the import refuses the row; a stored one reads as awaited)
    band = (5.0 if tolerance is None else tolerance) / 100 * abs(target)
    slack = 1e-9 * max(1.0, abs(target))  # 66.595 against 70.1 − 3.505 is on the edge, not past it
    if polarity == "lower_is_better":
        actual, target = -actual, -target
    if actual >= target - slack:
        return "green"
    return "amber" if actual >= target - band - slack else "red"
