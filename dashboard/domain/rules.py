"""Rule 1 and the words it uses: status, polarity, tolerance, rounding. Pure functions; rule 1 is rate_frame."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np
import pandas as pd

from dashboard.domain.missing import missing


class Status(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    DATA_AWAITED = "data awaited"


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


DEFAULT_POLARITY = Polarity.HIGHER_IS_BETTER
"""A target with no polarity is rated as higher is better."""


STATUSES: tuple[Status, ...] = (Status.RED, Status.AMBER, Status.GREEN, Status.DATA_AWAITED)
DEFAULT_TOLERANCE_PCT = 5.0

# Symbols travel with every status so that no reader depends on colour alone.
STATUS_SYMBOL = {Status.RED: "✖", Status.AMBER: "▲", Status.GREEN: "✔", Status.DATA_AWAITED: "…"}

_STATUS_WORDS = {
    "red": Status.RED,
    "r": Status.RED,
    "amber": Status.AMBER,
    "a": Status.AMBER,
    "green": Status.GREEN,
    "g": Status.GREEN,
    "data awaited": Status.DATA_AWAITED,
    "da": Status.DATA_AWAITED,
    "data_awaited": Status.DATA_AWAITED,
}

_POLARITY_WORDS = {
    "higher_is_better": Polarity.HIGHER_IS_BETTER,
    "higher is better": Polarity.HIGHER_IS_BETTER,
    "higher": Polarity.HIGHER_IS_BETTER,
    "lower_is_better": Polarity.LOWER_IS_BETTER,
    "lower is better": Polarity.LOWER_IS_BETTER,
    "lower": Polarity.LOWER_IS_BETTER,
}

# Decimal inputs such as 66.595 are not exact in binary; this keeps a value on the boundary on the boundary.
_EPSILON = 1e-9


class CannotRate(ValueError):
    """An actual with no target and no reported status."""


def parse_status(word: str) -> Status | None:
    """`Red`, ` r `, `Data Awaited`, `DA` … → Status; None when the word is not a status."""
    return _STATUS_WORDS.get(" ".join(str(word).lower().split()))


def parse_polarity(word: str) -> Polarity | None:
    return _POLARITY_WORDS.get(" ".join(str(word).lower().split()))


def status_label(status: str | Status | None) -> str:
    """'✖ red', '▲ amber', '✔ green', '… data awaited': never colour alone (no status is data awaited)."""
    s = Status(status) if status else Status.DATA_AWAITED
    return f"{STATUS_SYMBOL[s]} {s.value}"


def amber_floor(target: float, tolerance_pct: float, polarity: Polarity) -> float:
    """The worst actual that is still amber."""
    band = tolerance_pct / 100.0 * abs(target)
    return target - band if polarity is Polarity.HIGHER_IS_BETTER else target + band


def rate_frame(frame: pd.DataFrame) -> pd.Series:
    """Rule 1 for every row of a frame with reported_status, actual, target_value, polarity, tolerance_pct: a
    reported status wins; else no actual (or no target) is data awaited; else the actual against the target,
    within the amber band of tolerance % of |target|, mirrored for lower is better. Every status the product
    shows comes from here."""
    actual = pd.to_numeric(frame["actual"], errors="coerce").to_numpy(dtype=float)
    target = pd.to_numeric(frame["target_value"], errors="coerce").to_numpy(dtype=float)
    tol = pd.to_numeric(frame["tolerance_pct"], errors="coerce").fillna(DEFAULT_TOLERANCE_PCT).to_numpy(dtype=float)
    # Work in "better than target" terms so both polarities share one comparison.
    # Any polarity but lower is better, none included, is DEFAULT_POLARITY's.
    sign = np.where(frame["polarity"].to_numpy(dtype=object) == Polarity.LOWER_IS_BETTER.value, -1.0, 1.0)
    with np.errstate(invalid="ignore"):
        margin = sign * (actual - target)
        slack = _EPSILON * np.maximum(1.0, np.abs(target))
        rated = np.select(
            [
                np.isnan(actual) | np.isnan(target),
                margin >= -slack,
                margin >= -(tol / 100.0 * np.abs(target)) - slack,
            ],
            [Status.DATA_AWAITED.value, Status.GREEN.value, Status.AMBER.value],
            default=Status.RED.value,
        )
    reported = frame["reported_status"].to_numpy(dtype=object)
    return pd.Series(np.where(pd.notna(reported), reported, rated), index=frame.index, dtype=object)


def unratable(frame: pd.DataFrame) -> pd.Series:
    """Rows rule 1 cannot rate: an actual with no target and no reported status (the import refuses them)."""
    return frame["actual"].notna() & frame["target_value"].isna() & frame["reported_status"].isna()


def rate(
    actual: float | None,
    target: float | None,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    tolerance_pct: float | None = None,
    reported: Status | None = None,
) -> Status:
    """Rule 1 for one row (rate_frame of a one-row frame); raises CannotRate where unratable says so."""
    row = pd.DataFrame(
        {
            "actual": [_none_if_nan(actual)],
            "target_value": [_none_if_nan(target)],
            "polarity": [polarity.value],
            "tolerance_pct": [tolerance_pct],
            "reported_status": [reported.value if reported else None],
        },
        dtype=object,
    )
    if unratable(row).iloc[0]:
        raise CannotRate("an actual with no target and no reported status cannot be rated")
    return Status(rate_frame(row).iloc[0])


def pct(part: int, whole: int) -> float:
    """part/whole as a percentage rounded half-up to one decimal (14.3, 57.1), as the auditors print it."""
    if whole == 0:
        return 0.0
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _none_if_nan(x: float | None) -> float | None:
    return None if missing(x) else x
