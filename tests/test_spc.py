"""Statistical process control (dashboard.read.spc) on hand-computed series: every expected mean, mean moving range
and limit below is worked out by hand in the comments beside it, never by the code under test."""

from __future__ import annotations

import pytest

from dashboard.domain.periods import parse_period, quarter_period
from dashboard.read.position import load_position
from dashboard.read.quality import Frequency
from dashboard.read.spc import Assurance, Variation, spc_summary, target_chart, xmr_chart
from dashboard.write.importer import import_bytes
from tests.fixtures import acting


def quarters(n: int, first_year: int = 2002) -> list:
    """n consecutive financial quarters from first_year's Q1."""
    return [quarter_period(first_year + i // 4, i % 4 + 1) for i in range(n)]


def chart(actuals, polarity=None, target=None, changes=None, frequency=Frequency.QUARTERLY):
    return xmr_chart(quarters(len(actuals)), actuals, polarity, target, changes, frequency)


def flags(result) -> dict[int, str]:
    """The flagged points, numbered from 1 as in the comments: {point: 'rule, rule'}."""
    return {i + 1: rules for i, rules in enumerate(result.points["rules"]) if rules}


# Series A, 12 points. Sum 10+12+11+13+12+14+11+10+12+13+11+12 = 141, mean 141/12 = 11.75.
# Moving ranges 2,1,2,1,2,3,1,2,1,2,1: sum 18, mR-bar 18/11 = 1.636364.
# Limits 11.75 ± 2.66 × 18/11 = 11.75 ± 47.88/11 = 11.75 ± 4.352727: upper 16.102727, lower 7.397273.
# Sigma 47.88/33 = 1.450909; outer thirds beyond 11.75 ± 2.901818 (14.651818, 8.848182): no point is.
# Sides of the mean: - + - + + + - - + + - +, runs of at most 3; rises and falls alternate, runs of at most 3
# points. No rule fires.
SERIES_A = [10, 12, 11, 13, 12, 14, 11, 10, 12, 13, 11, 12]


def test_the_mean_moving_range_and_limits_of_a_twelve_point_series():
    result = chart(SERIES_A, target=12)
    (phase,) = result.phases
    assert phase.mean == pytest.approx(11.75)
    assert phase.mean_moving_range == pytest.approx(1.636364, abs=1e-6)
    assert (phase.upper, phase.lower) == (pytest.approx(16.102727, abs=1e-6), pytest.approx(7.397273, abs=1e-6))
    points = result.points
    assert list(points["period"][:2]) == ["2002/03 Q1", "2002/03 Q2"]
    assert list(points["actual"]) == SERIES_A
    assert list(points["mean"]) == [pytest.approx(11.75)] * 12 and set(points["phase"]) == {1}
    assert flags(result) == {}
    assert list(points["signal"]) == [None] * 12
    assert (result.variation, result.assurance, result.reasons) == (Variation.COMMON_CAUSE, Assurance.HIT_AND_MISS, [])


def test_eleven_points_give_no_chart_and_say_how_many_more_are_needed():
    result = chart(SERIES_A[:11], target=12)
    assert (result.charted, result.variation, result.assurance, result.held) == (False, None, None, 11)
    assert result.points.empty
    assert result.reasons == ["needs 1 more quarter of actuals: has 11 of 12"]
    assert chart(SERIES_A[:9]).reasons == ["needs 3 more quarters of actuals: has 9 of 12"]
    monthly = chart(SERIES_A[:10], frequency=Frequency.MONTHLY)
    assert monthly.reasons == ["needs 2 more months of actuals: has 10 of 12"]
    annual = chart(SERIES_A, frequency=Frequency.ANNUAL)
    assert (annual.charted, annual.reasons) == (
        False, ["an annual target has no XmR chart: it needs quarterly or monthly actuals"]
    )  # fmt: skip


# Outside the limits, 20 points: 10, 11 alternating (points 1 to 19, 10 at the odd ones), then 20.
# Sum 10 × 10 + 9 × 11 + 20 = 219, mean 10.95: the 10s below it, the 11s above, so no run longer than 1.
# Moving ranges: 18 of 1, then |20 − 10| = 10: sum 28, mR-bar 28/19 = 1.473684.
# Limits 10.95 ± 2.66 × 28/19 = 10.95 ± 74.48/19 = 10.95 ± 3.92: upper 14.87, lower 7.03. Point 20 is above.
# Sigma 3.92/3 = 1.306667, outer third above 10.95 + 2.613333 = 13.563333: point 20 alone, so two of three
# does not fire; 10 → 20 is a rise of 2 points only.
OUTSIDE = [10, 11] * 9 + [10, 20]


def test_a_point_outside_the_limits_is_flagged_and_no_other():
    result = chart(OUTSIDE)
    (phase,) = result.phases
    assert phase.mean == pytest.approx(10.95)
    assert phase.mean_moving_range == pytest.approx(28 / 19)
    assert (phase.upper, phase.lower) == (pytest.approx(14.87), pytest.approx(7.03))
    assert flags(result) == {20: "outside_limits"}
    assert result.points["signal"].iloc[-1] == "improving"
    assert result.variation is Variation.IMPROVING
    lower = chart(OUTSIDE, polarity="lower_is_better")
    assert (lower.points["signal"].iloc[-1], lower.variation) == ("concerning", Variation.CONCERNING)


# A shift, 14 points: 11, 13, 11, 13, 11, 13 (6 above the mean), 10 (on the mean), 9, 7, 9, 7, 9, 8, 9 (7 below).
# Sum 72 + 10 + 58 = 140, mean 10 exactly.
# Moving ranges: 5 of 2 (points 1 to 6) = 10; |13 − 10| = 3; |10 − 9| = 1; 2, 2, 2, 2, 1, 1 = 10: sum 24,
# mR-bar 24/13 = 1.846154. Limits 10 ± 63.84/13 = 10 ± 4.910769: upper 14.910769, lower 5.089231.
# Sigma 63.84/39 = 1.636923, outer thirds beyond 10 ± 3.273846 (13.273846, 6.726154): 13 and 7 are not.
# The run of 6 above does not fire; the point on the mean breaks it; the 7 below (points 8 to 14) do.
SHIFT = [11, 13, 11, 13, 11, 13, 10, 9, 7, 9, 7, 9, 8, 9]


def test_a_run_of_seven_on_one_side_of_the_mean_is_a_shift_and_a_run_of_six_is_not():
    result = chart(SHIFT)
    (phase,) = result.phases
    assert phase.mean == 10
    assert phase.mean_moving_range == pytest.approx(24 / 13)
    assert (phase.upper, phase.lower) == (pytest.approx(14.910769, abs=1e-6), pytest.approx(5.089231, abs=1e-6))
    assert flags(result) == dict.fromkeys(range(8, 15), "shift")
    signals = list(result.points["signal"])
    assert signals == [None] * 7 + ["concerning"] * 7  # higher is better: a fall below the mean is a concern
    assert result.variation is Variation.CONCERNING


def test_a_lower_is_better_series_flags_a_fall_as_improvement():
    result = chart(SHIFT, polarity="lower_is_better")
    assert flags(result) == dict.fromkeys(range(8, 15), "shift")
    assert list(result.points["signal"]) == [None] * 7 + ["improving"] * 7
    assert result.variation is Variation.IMPROVING


# A trend, 16 points: 17, 18, 19, 20, 21, 22 (6 rising: 5 rises), 16, 24, then 17, 18, 19, 20, 21, 22, 23
# (7 rising: 6 rises; 24 → 17 is a fall, so the run starts at point 9), then 23 (equal: the run ends).
# Sum 117 + 40 + 140 + 23 = 320, mean 20. Sides: - - - 0 + + - + - - - 0 + + + +: no run longer than 4.
# Moving ranges: 5 × 1; |22 − 16| = 6; |16 − 24| = 8; |24 − 17| = 7; 6 × 1; 0: sum 32, mR-bar 32/15 = 2.133333.
# Limits 20 ± 85.12/15 = 20 ± 5.674667: upper 25.674667, lower 14.325333; every point is inside.
# Sigma 85.12/45 = 1.891556, outer thirds beyond 20 ± 3.783111 (23.783111, 16.216889): point 8 (24) above and
# point 7 (16) below, next to each other but on opposite sides, so two of three never fires.
TREND = [17, 18, 19, 20, 21, 22, 16, 24, 17, 18, 19, 20, 21, 22, 23, 23]


def test_a_run_of_seven_rising_is_a_trend_and_a_run_of_six_is_not():
    result = chart(TREND)
    (phase,) = result.phases
    assert phase.mean == 20
    assert phase.mean_moving_range == pytest.approx(32 / 15)
    assert (phase.upper, phase.lower) == (pytest.approx(25.674667, abs=1e-6), pytest.approx(14.325333, abs=1e-6))
    assert flags(result) == dict.fromkeys(range(9, 16), "trend")
    assert list(result.points["signal"][8:15]) == ["improving"] * 7
    assert result.variation is Variation.COMMON_CAUSE  # the latest point, 23 after 23, is in no pattern
    falling = chart([40 - x for x in TREND], polarity="lower_is_better")  # the mirror image: a falling run
    assert flags(falling) == dict.fromkeys(range(9, 16), "trend")
    assert list(falling.points["signal"][8:15]) == ["improving"] * 7


def test_two_of_three_never_fires_for_points_on_opposite_sides_of_the_mean():
    # In TREND, points 7 (16) and 8 (24) are both in an outer third (worked out above), on opposite sides.
    result = chart(TREND)
    assert "two_of_three" not in set(result.points["rules"])


# Two of three, 30 points: 10, 11 alternating except 15 at points 9, 20 and 22 (with 11 at 21, 10 at 23).
# 10s at 1 3 5 7 10 12 14 16 18 23 25 27 29 (13: 130), 11s at 2 4 6 8 11 13 15 17 19 21 24 26 28 30 (14: 154),
# 15s (45): sum 329, mean 329/30 = 10.966667: 10 below, 11 and 15 above; runs above at most 4 (points 19 to 22).
# Rises: at most 3 points running (10, 11, 15).
# Moving ranges: 7 × 1; 4; 5; 9 × 1; 4, 4, 4, 5; 7 × 1: sum 49 over 29, mR-bar 1.689655.
# Limits 10.966667 ± 2.66 × 49/29 = ± 130.34/29 = ± 4.494483: upper 15.461149, lower 6.472184 (15 is inside).
# Sigma 130.34/87 = 1.498161, outer third above 10.966667 + 2.996322 = 13.962989: the 15s only.
# Windows of three: point 9 is alone in each of its windows, so it is not flagged; 20, 21, 22 holds two (20 and
# 22), which are flagged, and 21 (11, not beyond) is not.
TWO_OF_THREE = [10, 11] * 4 + [15] + [10, 11] * 5 + [15, 11, 15, 10] + [11, 10] * 3 + [11]


def test_two_of_three_in_the_outer_third_on_one_side_flags_those_two_and_one_alone_is_not_flagged():
    assert len(TWO_OF_THREE) == 30 and sum(TWO_OF_THREE) == 329
    result = chart(TWO_OF_THREE)
    (phase,) = result.phases
    assert phase.mean == pytest.approx(10.966667, abs=1e-6)
    assert phase.mean_moving_range == pytest.approx(49 / 29)
    assert phase.upper == pytest.approx(15.461149, abs=1e-6)
    assert flags(result) == {20: "two_of_three", 22: "two_of_three"}
    assert list(result.points["signal"][19:22]) == ["improving", None, "improving"]
    # Its mirror image, 22 − x: mean 22 − 10.966667 = 11.033333, the same moving ranges and limits' half-width, the
    # 7s beyond the outer third below: the same two points, a concern when higher is better.
    mirrored = chart([22 - x for x in TWO_OF_THREE])
    assert mirrored.phases[0].mean == pytest.approx(11.033333, abs=1e-6)
    assert mirrored.phases[0].lower == pytest.approx(11.033333 - 4.494483, abs=1e-6)
    assert flags(mirrored) == {20: "two_of_three", 22: "two_of_three"}
    assert list(mirrored.points["signal"][19:22]) == ["concerning", None, "concerning"]


# Re-phased: SERIES_A, then SERIES_A + 10 from point 13, a change of process at point 13's period.
# Phase 1 is SERIES_A's (mean 11.75, limits 7.397273 to 16.102727); phase 2 the same moving ranges 10 higher:
# sum 141 + 120 = 261, mean 261/12 = 21.75, limits 21.75 ± 4.352727 (26.102727, 17.397273); the jump between the
# phases (12 → 20) is no moving range of either. No rule fires in either.
# As one phase instead: mean (141 + 261)/24 = 16.75; points 1 to 12 all below it (at most 14) and 13 to 24 all above
# (at least 20): a shift in each half, every point flagged (some by other rules too).
REPHASED = SERIES_A + [x + 10 for x in SERIES_A]


def test_limits_are_recomputed_from_a_change_of_process():
    periods = quarters(24)
    result = xmr_chart(periods, REPHASED, changes=[periods[12].end])
    first, second = result.phases
    assert (first.start, first.stop, second.start, second.stop) == (0, 12, 12, 24)
    assert (first.mean, second.mean) == (pytest.approx(11.75), pytest.approx(21.75))
    assert (second.upper, second.lower) == (pytest.approx(26.102727, abs=1e-6), pytest.approx(17.397273, abs=1e-6))
    assert first.upper == pytest.approx(16.102727, abs=1e-6)
    assert list(result.points["phase"]) == [1] * 12 + [2] * 12
    assert flags(result) == {}
    assert result.variation is Variation.COMMON_CAUSE
    whole = xmr_chart(periods, REPHASED)
    assert whole.phases[0].mean == pytest.approx(16.75)
    assert all("shift" in rules for rules in whole.points["rules"])
    # A change dated inside a period starts the phase at that period; one leaving too few points waits.
    mid = xmr_chart(periods, REPHASED, changes=[periods[12].end.replace(day=1)])
    assert mid.phases[1].start == 12
    late = xmr_chart(periods, REPHASED, changes=[periods[19].end])
    assert len(late.phases) == 1
    assert late.reasons[:1] == [
        f"the change of process from {periods[19].label} is not applied yet: its phase needs 7 more "
        "quarters of actuals: has 5 of 12"
    ]


@pytest.mark.parametrize(
    ("polarity", "target", "assurance"),
    [
        # SERIES_A's limits: lower 7.397273, upper 16.102727.
        ("higher_is_better", 7, Assurance.ALWAYS_MET),  # below the lower limit: every point meets it
        ("higher_is_better", 17, Assurance.NEVER_MET),  # above the upper limit: no point does
        ("higher_is_better", 12, Assurance.HIT_AND_MISS),
        ("lower_is_better", 17, Assurance.ALWAYS_MET),
        ("lower_is_better", 7, Assurance.NEVER_MET),
        ("lower_is_better", 12, Assurance.HIT_AND_MISS),
        (None, 7, Assurance.ALWAYS_MET),  # no polarity: higher is better
    ],
)
def test_assurance_against_the_target(polarity, target, assurance):
    assert chart(SERIES_A, polarity=polarity, target=target).assurance is assurance


def test_no_target_gives_no_assurance_and_says_why():
    result = chart(SERIES_A)
    assert (result.variation, result.assurance) == (Variation.COMMON_CAUSE, None)
    assert result.reasons == ["no target for the latest period: no assurance"]


HEADER = "indicator_code,theme_board,frequency,polarity,period,target,actual\n"
# NI 1: SERIES_A over 2006/07 Q1 to 2008/09 Q4, target 12 (hit and miss), plus a data-awaited 2009/10 Q1.
# NI 2: lower is better, SERIES_A's first 9 quarters. NI 3: annual.
STORE = (
    HEADER
    + "".join(f"NI 1,People,quarterly,,{p.label},12,{a}\n" for p, a in zip(quarters(12, 2006), SERIES_A, strict=True))
    + "NI 1,People,quarterly,,2009/10 Q1,12,\n"
    + "".join(
        f"NI 2,People,,lower_is_better,{p.label},20,{a}\n" for p, a in zip(quarters(9, 2006), SERIES_A[:9], strict=True)
    )
    + "NI 3,Places,annual,,2007/08,5,4\nNI 3,Places,annual,,2008/09,5,6\n"
)


@pytest.fixture
def position(engine):
    import_bytes(engine, STORE.encode(), "spc.csv", acting())
    return load_position(engine)


def test_every_target_s_variation_and_assurance_as_at_a_quarter(position):
    summary = spc_summary(position, parse_period("2009/10 Q1"))
    rows = summary[["indicator_code", "points", "variation", "assurance", "reason"]].to_dict("records")
    assert rows == [
        {"indicator_code": "NI 1", "points": 12, "variation": "common cause", "assurance": "hit and miss",
         "reason": None},
        {"indicator_code": "NI 2", "points": 9, "variation": None, "assurance": None,
         "reason": "needs 3 more quarters of actuals: has 9 of 12"},
        {"indicator_code": "NI 3", "points": 2, "variation": None, "assurance": None,
         "reason": "an annual target has no XmR chart: it needs quarterly or monthly actuals"},
    ]  # fmt: skip
    # In a few words for a table's column (the board page, `laa exceptions`).
    assert summary["brief"].tolist() == [None, "needs 3 more quarters", "none for an annual target"]
    earlier = spc_summary(position, parse_period("2008/09 Q3"))  # NI 1's last point is 2008/09 Q4
    assert earlier.iloc[0]["reason"] == "needs 1 more quarter of actuals: has 11 of 12"
    assert earlier.iloc[0]["brief"] == "needs 1 more quarter"
    one = target_chart(position, int(summary.iloc[0]["target_id"]))
    assert list(one.points["target"]) == [12.0] * 12 and one.target == 12


def test_laa_spc_gives_the_points_limits_variation_and_assurance(position):
    from tests.conftest import laa

    found = laa("spc", "ni1", "--format", "json").json()
    assert (found["indicator_code"], found["area"], found["variation"], found["assurance"]) == (
        "NI 1", position.area, "common cause", "hit and miss"
    )  # fmt: skip
    assert (found["points_held"], found["points_needed"], found["target"], found["reasons"]) == (12, 12, 12, [])
    first = found["points"][0]
    assert (first["period"], first["actual"], first["phase"], first["rules"], first["signal"]) == (
        "2006/07 Q1", 10, 1, "", None
    )  # fmt: skip
    assert (first["mean"], first["upper"], first["lower"]) == (
        pytest.approx(11.75), pytest.approx(16.102727, abs=1e-6), pytest.approx(7.397273, abs=1e-6)
    )  # fmt: skip
    short = laa("spc", "NI 1", "--as-at", "2008/09 Q3", "--format", "json").json()
    assert (short["points"], short["variation"], short["reasons"]) == (
        [], None, ["needs 1 more quarter of actuals: has 11 of 12"]
    )  # fmt: skip
    table = laa("spc", "NI 1")
    assert table.code == 0
    assert "Variation: common cause. Assurance against the target of 12: hit and miss." in table.out
    unknown = laa("spc", "NI 99")
    assert unknown.code == 2 and "NI 99" in unknown.err


def test_laa_spc_starts_the_limits_again_at_a_change_of_process_as_the_target_page_does(engine, position):
    from dashboard.write.annotations import annotate
    from tests.conftest import laa

    annotate(engine, acting(), None, quarter_period(2008, 1), "New definition", target="NI 1", change_of_process=True)
    found = laa("spc", "NI 1", "--format", "json").json()
    assert found["reasons"] == [
        "the change of process from 2008/09 Q1 is not applied: the phase before it would hold 8 of 12 points"
    ]
