"""The brief's rules for one value: status words, polarity, tolerance and rounding. Pure functions."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Status(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    DATA_AWAITED = "data awaited"


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


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


def amber_floor(target: float, tolerance_pct: float, polarity: Polarity) -> float:
    """The worst actual that is still amber."""
    band = tolerance_pct / 100.0 * abs(target)
    return target - band if polarity is Polarity.HIGHER_IS_BETTER else target + band


def rate(
    actual: float | None,
    target: float | None,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    tolerance_pct: float | None = None,
    reported: Status | None = None,
) -> Status:
    """Rule 1: the status of one row."""
    if reported is not None:
        return reported
    if actual is None or _missing(actual):
        return Status.DATA_AWAITED
    if target is None or _missing(target):
        raise CannotRate("an actual with no target and no reported status cannot be rated")
    tol = DEFAULT_TOLERANCE_PCT if tolerance_pct is None or _missing(tolerance_pct) else tolerance_pct
    # Work in "better than target" terms so both polarities share one comparison.
    sign = 1.0 if polarity is Polarity.HIGHER_IS_BETTER else -1.0
    margin = sign * (actual - target)
    slack = _EPSILON * max(1.0, abs(target))
    if margin >= -slack:
        return Status.GREEN
    if margin >= -(tol / 100.0 * abs(target)) - slack:
        return Status.AMBER
    return Status.RED


def pct(part: int, whole: int) -> float:
    """part/whole as a percentage rounded half-up to one decimal (14.3, 57.1), as the auditors print it."""
    if whole == 0:
        return 0.0
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _missing(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)
