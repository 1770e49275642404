"""Year-end forecasts: where each target's actual is heading by the end of the financial year, and whether that
meets its target, from this year's actuals so far.

Two projections, by the target's measure (the import's `measure` column):
- level (rates and percentages; the default): the straight line through this year's actuals (least squares over
  the periods held), carried to the year's last period; the band is the average change between periods held,
  either way, for each period left;
- cumulative (running totals, such as homes built year to date): the total so far plus the average amount added
  each period for each period left; the band is half the spread of the amounts added, either way, for each period
  left.
The forecast status is rule 1 applied to the projection against the year's target (the target of the year's last
period, else the latest held): on track (green), at risk (amber), off track (red)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd

from dashboard.domain.missing import missing
from dashboard.domain.periods import Period
from dashboard.domain.rules import Status, rate_frame
from dashboard.read.position import Position
from dashboard.read.quality import Frequency, cycle_of, frequency_of


class Measure(StrEnum):
    LEVEL = "level"
    CUMULATIVE = "cumulative"


DEFAULT_MEASURE = Measure.LEVEL
OUTLOOK = {Status.GREEN.value: "on track", Status.AMBER.value: "at risk", Status.RED.value: "off track"}
PER_YEAR = {Frequency.QUARTERLY: 4, Frequency.MONTHLY: 12}
COLUMNS = ["target_id", "indicator_code", "measure", "periods", "projected", "low", "high", "year_target",
           "outlook", "year_end", "method", "reason"]  # fmt: skip


def parse_measure(word: str) -> Measure | None:
    """'Cumulative', ' level ', 'running total', 'year to date' … → Measure; None when it is not one."""
    text = " ".join(str(word).lower().replace("_", " ").replace("-", " ").split())
    return _MEASURE_WORDS.get(text)


_MEASURE_WORDS = {
    "level": Measure.LEVEL,
    "rate": Measure.LEVEL,
    "cumulative": Measure.CUMULATIVE,
    "running total": Measure.CUMULATIVE,
    "year to date": Measure.CUMULATIVE,
    "ytd": Measure.CUMULATIVE,
}
MEASURE_FIX = "use level (rates and percentages) or cumulative (running totals for the year), or leave it empty"


def measure_of(stored: object) -> Measure:
    found = parse_measure(stored) if isinstance(stored, str) else None
    return found or DEFAULT_MEASURE


@dataclass(frozen=True)
class Projection:
    projected: float
    low: float
    high: float
    method: str


def forecasts(position: Position, as_at: Period) -> pd.DataFrame:
    """One row per target (COLUMNS): its year-end projection, band and outlook, or the reason it has none."""
    year = cycle_of(as_at.end, Frequency.ANNUAL)
    ends = position.values["period_end"]
    values = position.values[((ends > _start(year)) & (ends <= year.end)).to_numpy()]  # the year's targets set ahead
    rows = []
    for target in position.targets.sort_values(["board_position", "position"]).itertuples(index=False):
        own = values[(values["target_id"] == target.target_id).to_numpy()].sort_values("period_end")
        rows.append(_forecast(target, own, year, as_at))
    return pd.DataFrame(rows, columns=COLUMNS)


def _start(year: Period) -> date:
    """The day before the financial year begins (the previous year's end)."""
    return date(year.end.year - 1, 3, 31)


def _forecast(target, rows: pd.DataFrame, year: Period, as_at: Period) -> dict:
    frequency, measure = frequency_of(target.frequency), measure_of(getattr(target, "measure", None))
    out = {"target_id": target.target_id, "indicator_code": target.indicator_code, "measure": measure.value,
           "periods": 0, "projected": None, "low": None, "high": None, "year_target": None, "outlook": None,
           "year_end": None, "method": None, "reason": None}  # fmt: skip
    if frequency not in PER_YEAR:
        return out | {"reason": "an annual target reports once a year: there is nothing to project from"}
    per_year = PER_YEAR[frequency]
    actuals = rows[(rows["actual"].notna() & (rows["period_end"] <= as_at.end)).to_numpy()]
    index = np.array([_index(d, frequency) for d in actuals["period_end"]], dtype=float)
    out["periods"] = len(actuals)
    if len(actuals) < 2:
        held = "no actual" if actuals.empty else "one actual"
        return out | {"reason": f"{held} in {year.label} so far: a forecast needs two"}
    if index[-1] >= per_year:
        return out | {"reason": f"{year.label}'s last period is reported: its outturn is known"}
    values = actuals["actual"].to_numpy(dtype=float)
    projection = (_cumulative if measure is Measure.CUMULATIVE else _level)(index, values, per_year)
    goal = _year_target(rows, frequency, per_year)
    status = None
    if goal is not None:
        status = _rate(projection.projected, goal, target)
    return out | {
        "projected": projection.projected,
        "low": projection.low,
        "high": projection.high,
        "year_target": goal,
        "outlook": OUTLOOK.get(status) if status else None,
        "year_end": cycle_of(year.end, frequency).label,
        "method": projection.method,
        "reason": None if goal is not None else f"no target is held for {year.label}",
    }


def _index(day: date, frequency: Frequency) -> int:
    """The period's place in its financial year: 1 to 4 for quarters, 1 to 12 for months."""
    months = (day.month - 4) % 12 + 1
    return months if frequency is Frequency.MONTHLY else (months + 2) // 3


def _level(index: np.ndarray, values: np.ndarray, per_year: int) -> Projection:
    slope, intercept = np.polyfit(index, values, 1)
    projected = float(slope * per_year + intercept)
    left = per_year - index[-1]
    step = float(np.mean(np.abs(np.diff(values) / np.diff(index))))
    method = (
        f"the straight line through {len(values)} periods' actuals, carried to the year's end; "
        f"± the average change between periods ({_plain(step)}) for {_left(int(left))}"
    )
    return Projection(projected, projected - step * left, projected + step * left, method)


def _cumulative(index: np.ndarray, values: np.ndarray, per_year: int) -> Projection:
    added = np.diff(np.concatenate([[0.0], values])) / np.diff(np.concatenate([[0.0], index]))
    left = per_year - index[-1]
    projected = float(values[-1] + added.mean() * left)
    half = float((added.max() - added.min()) / 2)
    method = (
        f"the total so far plus the average added each period ({_plain(float(added.mean()))}) for "
        f"{_left(int(left))}; ± half the spread of the amounts added ({_plain(half)}) for "
        f"{'it' if left == 1 else 'each'}"
    )
    return Projection(projected, projected - half * left, projected + half * left, method)


def _left(periods: int) -> str:
    """'each of the 2 periods left', 'the 1 period left' (not 'each of the 1 left')."""
    return "the 1 period left" if periods == 1 else f"each of the {periods} periods left"


def _year_target(rows: pd.DataFrame, frequency: Frequency, per_year: int) -> float | None:
    """The target of the year's last period if held, else the latest target held this year."""
    held = rows[rows["target_value"].notna().to_numpy()]
    if held.empty:
        return None
    last = held[[_index(d, frequency) == per_year for d in held["period_end"]]]
    return float((last if len(last) else held)["target_value"].iloc[-1])


def _rate(projected: float, goal: float, target) -> str:
    row = pd.DataFrame({"actual": [projected], "target_value": [goal], "polarity": [target.polarity],
                        "tolerance_pct": [target.tolerance_pct], "reported_status": [None]})  # fmt: skip
    return str(rate_frame(row).iloc[0])


def _plain(x: float) -> str:
    return "" if missing(x) else f"{x:,.1f}".rstrip("0").rstrip(".")


def forecast_mix(frame: pd.DataFrame) -> dict[str, int]:
    """How many targets are on track, at risk, off track, and without a forecast."""
    counts = {word: int((frame["outlook"] == word).sum()) for word in OUTLOOK.values()}
    return counts | {"no forecast": int(frame["outlook"].isna().sum())}
