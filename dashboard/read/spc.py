"""Statistical process control: is a change in a target's actuals a real shift or the ordinary wobble of its figures?

An XmR chart (NHS England's "Making Data Count") over a target's own periods, oldest first, one a cycle of its
frequency (quarters or months; an annual target gets none), each period's actual (a period with no actual is left
out, and the moving range runs between the actuals held):

- mean, mean moving range (mR-bar, the mean of |x_i − x_(i−1)|), natural process limits mean ± 2.66 × mR-bar;
  sigma = 2.66 × mR-bar / 3. A chart needs MIN_POINTS (12) actuals.
- special causes (SpecialCause), each point of a firing pattern flagged with every rule it belongs to:
  OUTSIDE_LIMITS a point above the upper or below the lower limit (a point on a limit is inside);
  SHIFT a run of 7 or more points all above, or all below, the mean (a point on the mean breaks the run);
  TREND a run of 7 or more points each higher (or each lower) than the one before: 6 rises or falls running (an
  equal value breaks the run);
  TWO_OF_THREE two (or three) of three consecutive points beyond mean ± 2 sigma (the outer third between the mean
  and a limit, a point beyond the limit included) on the same side of the mean; the points beyond are flagged,
  never two on opposite sides.
- a flagged point's signal: improving when its patterns point the better way for the target's polarity (above the
  mean or rising when higher is better), concerning when they point the worse way, and concerning when they point
  both ways (a rising run below the mean: nothing can be claimed as improvement, so the board should look).
- variation (Making Data Count's rule): the latest point's: common cause when it is not flagged, else its signal.
- assurance, against the latest point's target and the limits of the current (last) phase: always met when the
  target lies outside the limits on the good side (every point the process gives meets it), never met unless the
  process changes when it lies outside them on the bad side, hit and miss when it lies between them. A target on a
  limit: a point on the limit meets it, so higher is better with the target on the lower limit is always met, and
  on the upper limit hit and miss. No target for the latest point: no assurance.
- re-phasing: a change of process (a date; the phase starts at the first period ending on or after it) gets limits
  of its own, computed from its points only, and the rules run within each phase. Each phase needs MIN_POINTS
  actuals too: a change that would leave the phase it starts, or the one before it, with fewer is not applied yet
  (its points are judged against the limits before it, where a real change shows as special cause), and the
  reasons say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

import pandas as pd

from dashboard.domain.missing import missing
from dashboard.domain.periods import Period
from dashboard.domain.rules import Polarity
from dashboard.read.annotations import process_changes_by_target
from dashboard.read.position import Position
from dashboard.read.quality import Frequency, cycle_of, frequency_of

MIN_POINTS = 12
"""Actuals a chart (and each phase of one) needs."""
SCALING = 2.66
"""Natural process limits: mean ± SCALING × mean moving range (3 / d2, d2 = 1.128 for ranges of two)."""
RUN = 7
"""Points in a shift or a trend."""


class SpecialCause(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


CAUSE_WORDS = {
    SpecialCause.OUTSIDE_LIMITS: "outside the limits",
    SpecialCause.SHIFT: f"in a run of {RUN} on one side of the mean",
    SpecialCause.TREND: f"in a run of {RUN} rising or falling",
    SpecialCause.TWO_OF_THREE: "two of three in the outer third on one side",
}
"""What a flagged point is, in the words the target page's caption uses."""


def causes_in_words(rules: str | None) -> str:
    """A point's rules (points["rules"], 'outside_limits, two_of_three') in words: 'outside the limits and two of
    three in the outer third on one side'; '' for none."""
    causes = [CAUSE_WORDS[SpecialCause(rule.strip())] for rule in (rules or "").split(",") if rule.strip()]
    return " and ".join(causes)


class Signal(StrEnum):
    IMPROVING = "improving"
    CONCERNING = "concerning"


class Variation(StrEnum):
    COMMON_CAUSE = "common cause"
    IMPROVING = "special cause, improving"
    CONCERNING = "special cause, concerning"


class Assurance(StrEnum):
    ALWAYS_MET = "always met"
    NEVER_MET = "never met unless the process changes"
    HIT_AND_MISS = "hit and miss"


POINT_COLUMNS = ["period", "period_end", "actual", "target", "mean", "upper", "lower", "phase", "rules", "signal"]
"""One row per point: rules is the special causes it belongs to, comma-separated (empty: none); signal improving,
concerning or None."""

_UNIT = {Frequency.QUARTERLY: ("quarter", "quarters"), Frequency.MONTHLY: ("month", "months")}


@dataclass(frozen=True)
class Phase:
    """One stretch of a chart with limits of its own: points[start:stop]."""

    start: int
    stop: int
    mean: float
    mean_moving_range: float
    upper: float
    lower: float

    @property
    def sigma(self) -> float:
        return (self.upper - self.mean) / 3


@dataclass
class Chart:
    """A target's XmR chart: its points (POINT_COLUMNS), phases, variation and assurance, and the reasons for what
    it lacks (too few points, no target, a change of process not yet applied)."""

    rows: list[dict] = field(default_factory=list, repr=False)
    """The points as records; `points` is their frame, made when first asked for (spc_summary never asks)."""
    phases: list[Phase] = field(default_factory=list)
    variation: Variation | None = None
    assurance: Assurance | None = None
    reasons: list[str] = field(default_factory=list)
    held: int = 0
    """Actuals held (the points, once there are enough)."""
    needed: int = MIN_POINTS
    target: float | None = None
    """The latest point's target, against which the assurance is."""
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    frequency: Frequency = Frequency.QUARTERLY

    @cached_property
    def points(self) -> pd.DataFrame:
        return _frame(self.rows, POINT_COLUMNS, numbers=["actual", "target", "mean", "upper", "lower"],
                      counts=["phase"])  # fmt: skip

    @property
    def charted(self) -> bool:
        return bool(self.phases)

    @property
    def brief(self) -> str | None:
        """Why the chart is missing in a few words, for a table's narrow column (reasons say it in full)."""
        if self.frequency is Frequency.ANNUAL:
            return "none for an annual target"
        if (more := self.needed - self.held) > 0:
            one, many = _UNIT[self.frequency]
            return f"needs {more} more {one if more == 1 else many}"
        return None


def xmr_chart(
    periods: list[Period],
    actuals: list[float],
    polarity: Polarity | str | None = None,
    target: float | None = None,
    changes: list[date] | None = None,
    frequency: Frequency = Frequency.QUARTERLY,
    targets: list[float | None] | None = None,
) -> Chart:
    """The XmR chart of a series of actuals, oldest first (periods and actuals of one length); target is the latest
    period's (targets, if given, is each point's, shown beside it); changes are dates of changes of process."""
    if len(periods) != len(actuals):
        raise ValueError("one actual per period")
    polarity = _polarity(polarity)
    values = [float(a) for a in actuals]
    shown_targets = targets if targets is not None else [None] * len(values)
    chart = Chart(held=len(values), target=target, polarity=polarity, frequency=frequency)
    if frequency is Frequency.ANNUAL:
        chart.reasons.append("an annual target has no XmR chart: it needs quarterly or monthly actuals")
        return chart
    if len(values) < MIN_POINTS:
        one, many = _UNIT[frequency]
        more = MIN_POINTS - len(values)
        chart.reasons.append(
            f"needs {more} more {one if more == 1 else many} of actuals: has {len(values)} of {MIN_POINTS}"
        )
        return chart
    starts = _phase_starts(periods, changes or [], chart.reasons, frequency)
    bounds = list(zip(starts, [*starts[1:], len(values)], strict=True))
    chart.phases = [_phase(values, a, b) for a, b in bounds]
    causes: list[set[SpecialCause]] = [set() for _ in values]
    directions: list[set[int]] = [set() for _ in values]  # +1: the pattern points up, -1: down
    for phase in chart.phases:
        _flag(values, phase, causes, directions)
    better = -1 if polarity is Polarity.LOWER_IS_BETTER else 1
    signals = [_signal(d, better) for d in directions]
    rows = []
    for number, phase in enumerate(chart.phases, start=1):
        for i in range(phase.start, phase.stop):
            rows.append({
                "period": periods[i].label, "period_end": periods[i].end, "actual": values[i],
                "target": None if missing(shown_targets[i]) else float(shown_targets[i]),
                "mean": phase.mean, "upper": phase.upper, "lower": phase.lower, "phase": number,
                "rules": ", ".join(c.value for c in SpecialCause if c in causes[i]),
                "signal": signals[i].value if signals[i] else None,
            })  # fmt: skip
    chart.rows = rows
    chart.variation = _variation(signals[-1])
    chart.assurance = _assurance(chart.phases[-1], target, polarity, chart.reasons)
    return chart


def _polarity(polarity: Polarity | str | None) -> Polarity:
    if isinstance(polarity, str) and polarity == Polarity.LOWER_IS_BETTER.value:
        return Polarity.LOWER_IS_BETTER
    return Polarity.HIGHER_IS_BETTER


def _frame(rows: list[dict], columns: list[str], numbers: list[str], counts: list[str]) -> pd.DataFrame:
    """Rows as a frame whose text columns keep None for no value (not NaN), numbers as floats, counts as ints."""
    # Built column by column: a frame of objects cast afterwards took milliseconds a chart, and a board page or a
    # national `laa exceptions` draws one for every target.
    dtypes = {column: "float64" if column in numbers else "int64" if column in counts else object for column in columns}
    return pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype=t) for c, t in dtypes.items()})


def _phase_starts(periods: list[Period], changes: list[date], reasons: list[str], frequency: Frequency) -> list[int]:
    """The first point of each phase: 0, then each change of process that leaves both phases MIN_POINTS points;
    one that does not is named in reasons by the period its phase would start at."""
    starts = [0]
    n = len(periods)
    for change in sorted(set(changes)):
        at = next((i for i, period in enumerate(periods) if period.end >= change), None)
        if at is None or at <= starts[-1]:
            continue  # after the last point, or not after the phase already begun
        label = f"the change of process from {periods[at].label}"
        if at - starts[-1] < MIN_POINTS:
            reasons.append(
                f"{label} is not applied: the phase before it would hold {at - starts[-1]} of {MIN_POINTS} points"
            )
            continue
        if n - at < MIN_POINTS:
            one, many = _UNIT[frequency]
            more = MIN_POINTS - (n - at)
            reasons.append(
                f"{label} is not applied yet: its phase needs {more} more {one if more == 1 else many} of actuals: "
                f"has {n - at} of {MIN_POINTS}"
            )
            continue
        starts.append(at)
    return starts


def _phase(values: list[float], start: int, stop: int) -> Phase:
    xs = values[start:stop]
    mean = sum(xs) / len(xs)
    mr = sum(abs(b - a) for a, b in zip(xs, xs[1:], strict=False)) / (len(xs) - 1)
    return Phase(start, stop, mean, mr, mean + SCALING * mr, mean - SCALING * mr)


def _same(a: float, b: float) -> bool:
    """Equal but for floating-point noise (a point on the mean, two equal values)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _side(x: float, centre: float) -> int:
    return 0 if _same(x, centre) else (1 if x > centre else -1)


def _flag(values: list[float], phase: Phase, causes: list[set], directions: list[set]) -> None:
    """Flag, within one phase, every point of every pattern that fires, with the way the pattern points."""

    def mark(i: int, cause: SpecialCause, direction: int) -> None:
        causes[i].add(cause)
        directions[i].add(direction)

    idx = range(phase.start, phase.stop)
    for i in idx:  # outside the limits
        x = values[i]
        if x > phase.upper and not _same(x, phase.upper):
            mark(i, SpecialCause.OUTSIDE_LIMITS, 1)
        elif x < phase.lower and not _same(x, phase.lower):
            mark(i, SpecialCause.OUTSIDE_LIMITS, -1)
    sides = [_side(values[i], phase.mean) for i in idx]
    for run_start, run_stop, way in _runs(sides):  # a shift: RUN points on one side
        if way and run_stop - run_start >= RUN:
            for k in range(run_start, run_stop):
                mark(phase.start + k, SpecialCause.SHIFT, way)
    steps = [_side(values[i], values[i - 1]) for i in list(idx)[1:]]  # steps[k]: point k+1 against point k
    for run_start, run_stop, way in _runs(steps):  # a trend: RUN − 1 rises (or falls) running, RUN points
        if way and run_stop - run_start >= RUN - 1:
            for k in range(run_start, run_stop + 1):
                mark(phase.start + k, SpecialCause.TREND, way)
    two_sigma = 2 * phase.sigma
    outer = []
    for i in idx:
        beyond = values[i] - phase.mean
        outer.append(0 if _same(abs(beyond), two_sigma) or abs(beyond) < two_sigma else (1 if beyond > 0 else -1))
    for k in range(len(outer) - 2):  # two of three in the outer third, on the same side
        window = outer[k : k + 3]
        for way in (1, -1):
            if window.count(way) >= 2:
                for j in range(3):
                    if window[j] == way:
                        mark(phase.start + k + j, SpecialCause.TWO_OF_THREE, way)


def _runs(signs: list[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of one value: (start, stop, value)."""
    out, start = [], 0
    for k in range(1, len(signs) + 1):
        if k == len(signs) or signs[k] != signs[start]:
            out.append((start, k, signs[start]))
            start = k
    return out


def _signal(directions: set[int], better: int) -> Signal | None:
    if not directions:
        return None
    return Signal.IMPROVING if directions == {better} else Signal.CONCERNING


def _variation(latest: Signal | None) -> Variation:
    if latest is None:
        return Variation.COMMON_CAUSE
    return Variation.IMPROVING if latest is Signal.IMPROVING else Variation.CONCERNING


def _assurance(phase: Phase, target: float | None, polarity: Polarity, reasons: list[str]) -> Assurance | None:
    if target is None or missing(target):
        reasons.append("no target for the latest period: no assurance")
        return None
    higher = polarity is not Polarity.LOWER_IS_BETTER
    good_limit, bad_limit = (phase.lower, phase.upper) if higher else (phase.upper, phase.lower)
    if _same(target, good_limit) or (target < good_limit if higher else target > good_limit):
        return Assurance.ALWAYS_MET
    if not _same(target, bad_limit) and (target > bad_limit if higher else target < bad_limit):
        return Assurance.NEVER_MET
    return Assurance.HIT_AND_MISS


def target_chart(position: Position, target_id: int, as_at: Period | None = None,
                 changes: list[date] | None = None) -> Chart:  # fmt: skip
    """One target's XmR chart from its own periods up to the as-at quarter (default: every period held)."""
    target = position.targets[position.targets["target_id"] == target_id].iloc[0]
    values = position.values[position.values["target_id"] == target_id]
    return _chart_of(target, values, as_at, changes)


def _chart_of(target, values: pd.DataFrame, as_at: Period | None, changes: list[date] | None) -> Chart:
    if as_at is not None:
        values = values[values["period_end"] <= as_at.end]
    held = _held(values)
    return _chart_from(target["frequency"], target["polarity"], held["period_end"].tolist(), held["actual"].tolist(),
                       held["target_value"].tolist(), changes)  # fmt: skip


def _held(values: pd.DataFrame) -> pd.DataFrame:
    """The rows with an actual, oldest first per target (rows of one period end keep their order)."""
    # A mask as an array: an empty Series of objects would be read as a list of column names, giving no columns.
    held = values[values["actual"].map(lambda a: not missing(a)).to_numpy(dtype=bool)]
    return held.sort_values(["target_id", "period_end"], kind="stable")


def _chart_from(frequency: object, polarity: object, ends: list[date], actuals: list, target_values: list,
                changes: list[date] | None) -> Chart:  # fmt: skip
    """The chart of one target's held rows, oldest first: one point a cycle (a year for an annual target)."""
    frequency = frequency_of(frequency)
    cycles: dict[Period, tuple[float, object]] = {}
    for end, actual, target_value in zip(ends, actuals, target_values, strict=True):
        cycle = cycle_of(end, frequency)
        cycles.pop(cycle, None)  # one point a cycle: the latest row in it stands for it
        cycles[cycle] = (float(actual), None if missing(target_value) else float(target_value))
    periods = list(cycles)
    points = [a for a, _ in cycles.values()]
    targets = [t for _, t in cycles.values()]
    return xmr_chart(periods, points, polarity, targets[-1] if targets else None, changes, frequency, targets)


SUMMARY_COLUMNS = ["target_id", "indicator_code", "indicator_name", "theme_board", "frequency", "points",
                   "variation", "assurance", "reason", "brief"]  # fmt: skip


def spc_summary(
    position: Position, as_at: Period | None = None, changes: dict[int, list[date]] | None = None
) -> pd.DataFrame:
    """Every target's variation and assurance as at a quarter (only its periods up to it), in the partnership's
    order (SUMMARY_COLUMNS): points is the actuals held, reason why a variation or assurance is missing (brief:
    in a few words, for a table)."""
    changes = changes or {}
    values = position.values
    if as_at is not None:
        values = values[values["period_end"] <= as_at.end]
    # Each target's held rows as lists, from one sort of them all: per target in pandas it took a millisecond each.
    held = _held(values)
    columns = [held[c].tolist() for c in ("target_id", "period_end", "actual", "target_value")]
    by_target: dict[object, tuple[list, list, list]] = {}
    for target_id, end, actual, target_value in zip(*columns, strict=True):
        ends, actuals, target_values = by_target.setdefault(target_id, ([], [], []))
        ends.append(end)
        actuals.append(actual)
        target_values.append(target_value)
    rows = []
    targets = position.targets.sort_values(["board_position", "position"], kind="stable")
    for target in targets.to_dict("records"):
        own = by_target.get(target["target_id"], ([], [], []))
        chart = _chart_from(target["frequency"], target["polarity"], *own, changes.get(target["target_id"]))
        rows.append({
            "target_id": target["target_id"], "indicator_code": target["indicator_code"],
            "indicator_name": target["indicator_name"], "theme_board": target["theme_board"],
            "frequency": chart.frequency.value, "points": chart.held,
            "variation": chart.variation.value if chart.variation else None,
            "assurance": chart.assurance.value if chart.assurance else None,
            "reason": "; ".join(chart.reasons) or None, "brief": chart.brief,
        })  # fmt: skip
    return _frame(rows, SUMMARY_COLUMNS, numbers=[], counts=["target_id", "points"])


def spc_as_at(position: Position, as_at: Period | None = None) -> pd.DataFrame:
    """spc_summary with each target's limits started again at its notes' changes of process: what the board page,
    the board paper and `laa exceptions` show."""
    return spc_summary(position, as_at, process_changes_by_target(position))
