"""What moved between two quarters: status moves, headline changes, direction of travel and the mix over time."""

from __future__ import annotations

import math
from enum import StrEnum

import pandas as pd

from dashboard.domain.missing import missing
from dashboard.domain.names import same_name
from dashboard.domain.periods import Period, previous_quarter
from dashboard.domain.rules import STATUSES, Polarity, Status, pct
from dashboard.read.breakdown import COUNT_COLUMNS, board_breakdown
from dashboard.read.position import Position

# Higher is better; data awaited has no place on the scale.
STATUS_RANK = {Status.RED.value: 0, Status.AMBER.value: 1, Status.GREEN.value: 2}


class Move(StrEnum):
    NEWLY_RED = "newly red"
    RECOVERED = "recovered"
    WORSENED = "worsened"
    IMPROVED = "improved"
    NOW_AWAITED = "now awaited"
    STILL_AWAITED = "still awaited"
    DATA_ARRIVED = "data arrived"
    UNCHANGED = "unchanged"


MOVE_TEXT = {
    Move.NEWLY_RED: "turned red since the previous quarter",
    Move.RECOVERED: "were red and are now amber or green",
    Move.WORSENED: "went from green to amber",
    Move.IMPROVED: "went from amber to green",
    Move.NOW_AWAITED: "had a status and are now data awaited",
    Move.STILL_AWAITED: "were data awaited and still are",
    Move.DATA_ARRIVED: "were data awaited and now have an amber or green status",
    Move.UNCHANGED: "kept their status",
}
SHOWN_MOVES = (Move.NEWLY_RED, Move.RECOVERED, Move.WORSENED, Move.IMPROVED, Move.NOW_AWAITED, Move.STILL_AWAITED)


class Direction(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "no comparison"


DIRECTION_ARROW = {
    Direction.BETTER: "↑ better",
    Direction.WORSE: "↓ worse",
    Direction.SAME: "→ same",
    Direction.UNKNOWN: "– no comparison",
}


def classify(before: str | None, after: str | None) -> Move:
    """One target's move from one status to another (None = no row yet, counted as data awaited)."""
    before = before or Status.DATA_AWAITED.value
    after = after or Status.DATA_AWAITED.value
    awaited = Status.DATA_AWAITED.value
    if after == Status.RED.value and before != Status.RED.value:
        return Move.NEWLY_RED
    if before == Status.RED.value and after in (Status.AMBER.value, Status.GREEN.value):
        return Move.RECOVERED
    if before == awaited and after == awaited:
        return Move.STILL_AWAITED
    if after == awaited:
        return Move.NOW_AWAITED
    if before == awaited:
        return Move.DATA_ARRIVED
    if STATUS_RANK[after] < STATUS_RANK[before]:
        return Move.WORSENED
    if STATUS_RANK[after] > STATUS_RANK[before]:
        return Move.IMPROVED
    return Move.UNCHANGED


def direction(
    before_status: str | None,
    after_status: str | None,
    before_actual: float | None = None,
    after_actual: float | None = None,
    polarity: str | None = None,
) -> Direction:
    """Direction of travel: a better or worse status first; with the same status, the actual's move."""
    if before_status not in STATUS_RANK or after_status not in STATUS_RANK:
        return Direction.UNKNOWN
    if STATUS_RANK[after_status] != STATUS_RANK[before_status]:
        return Direction.BETTER if STATUS_RANK[after_status] > STATUS_RANK[before_status] else Direction.WORSE
    if _missing(before_actual) or _missing(after_actual):
        return Direction.SAME
    sign = -1.0 if polarity == Polarity.LOWER_IS_BETTER.value else 1.0
    change = sign * (float(after_actual) - float(before_actual))
    if abs(change) <= 1e-9 * max(1.0, abs(float(before_actual))):
        return Direction.SAME
    return Direction.BETTER if change > 0 else Direction.WORSE


def earlier_quarter(position: Position, as_at: Period | None = None) -> Period | None:
    """The quarter before as_at when the store holds figures that early; None at the first quarter held."""
    now = resolve_as_at(position, as_at)
    quarters = position.quarters()
    if now is None or not quarters or now.end <= quarters[0].end:
        return None
    return previous_quarter(now)


def resolve_as_at(position: Position, as_at: Period | None) -> Period | None:
    """The quarter a page reports on: the one asked for, else the latest held."""
    return as_at if as_at is not None else position.latest_quarter()


def compare(position: Position, as_at: Period | None = None, since: Period | None = None) -> pd.DataFrame:
    """One row per target: status and actual at `since` (default: the quarter before) and at `as_at`."""
    now = resolve_as_at(position, as_at)
    columns = [
        "target_id", "indicator_code", "indicator_name", "theme_board", "board_position", "position",
        "target_type", "lead_partner", "polarity", "before", "after", "before_actual", "after_actual",
        "period_label", "move", "direction",
    ]  # fmt: skip
    if now is None:
        return pd.DataFrame(columns=columns)
    then = since if since is not None else previous_quarter(now)
    before = position.statuses(then).set_index("target_id")
    after = position.statuses(now)
    out = after.assign(
        before=after["target_id"].map(before["status"]),
        after=after["status"],
        before_actual=after["target_id"].map(before["actual"]),
        after_actual=after["actual"],
    )
    out["move"] = [classify(b, a).value for b, a in zip(out["before"], out["after"], strict=True)]
    out["direction"] = [
        direction(b, a, ba, aa, pol).value
        for b, a, ba, aa, pol in zip(
            out["before"], out["after"], out["before_actual"], out["after_actual"], out["polarity"], strict=True
        )
    ]
    return out[columns].reset_index(drop=True)


def moves(position: Position, as_at: Period | None = None) -> dict[Move, pd.DataFrame] | None:
    """The targets in each move since the previous quarter, in the partnership's order; None at the first
    quarter held, which has no earlier quarter to move from."""
    if earlier_quarter(position, as_at) is None:
        return None
    compared = compare(position, as_at)
    return {
        move: compared[compared["move"] == move.value]
        .sort_values(["board_position", "position"])
        .reset_index(drop=True)
        for move in Move
    }


def headline(position: Position, as_at: Period | None = None, board: str | None = None) -> dict[str, dict]:
    """Tiles: targets, red, amber, green, data awaited now, the change since the previous quarter (None at the
    first quarter held: there is nothing to compare with), and the count as at each quarter of the trend
    (Position.trend_quarters) up to now; of the whole partnership, or of one theme board (any case) when board is
    given."""
    now = resolve_as_at(position, as_at)
    if now is None:
        return {}

    def mix(quarter: Period) -> dict:
        statuses = position.statuses(quarter)
        if board is not None:
            statuses = statuses[same_name(statuses["theme_board"], board)]
        return board_breakdown(statuses)[1]

    current = mix(now)
    then = earlier_quarter(position, now)
    before = mix(then) if then else None
    held = [q for q in position.trend_quarters() if q.end <= now.end] or [now]
    past = [mix(q) for q in held]
    keys = ["targets", *COUNT_COLUMNS]
    return {
        key: {
            "value": current[key],
            "change": None if before is None else current[key] - before[key],
            "pct": current.get(f"{key}_pct"),
            "history": [p[key] for p in past],
        }
        for key in keys
    }


def mix_over_time(position: Position) -> pd.DataFrame:
    """The partnership's status mix as at each quarter of its trend (Position.trend_quarters): one row per quarter
    and status."""
    rows = []
    for quarter in position.trend_quarters():
        status = position.statuses(quarter)["status"]
        total = len(status)
        for s in STATUSES:
            count = int((status == s.value).sum())
            rows.append(
                {
                    "period_end": quarter.end,
                    "period_label": quarter.label,
                    "status": s.value,
                    "targets": count,
                    "pct": pct(count, total),
                }
            )
    return pd.DataFrame(rows, columns=["period_end", "period_label", "status", "targets", "pct"])


def actual_trends(position: Position, as_at: Period | None = None) -> dict[int, list[float | None]]:
    """Each target's actuals, oldest period first, up to as_at: the small trend beside a target."""
    values = position.values
    if as_at is not None:
        values = values[values["period_end"] <= as_at.end]
    values = values.sort_values(["target_id", "period_end"])
    return {
        int(tid): [None if _missing(v) else float(v) for v in group["actual"]]
        for tid, group in values.groupby("target_id", sort=False)
    }


def _missing(x) -> bool:
    """No number: no value, or one that is not a number."""
    if missing(x):
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True
