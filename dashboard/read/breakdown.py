"""Rules 1–4 over whole frames: statuses as at a period, board breakdowns, rankings, exceptions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from dashboard.domain.names import same_name
from dashboard.domain.rules import STATUSES, Polarity, Status, pct, rate_frame

COUNT_COLUMNS = {
    "red": Status.RED,
    "amber": Status.AMBER,
    "green": Status.GREEN,
    "data_awaited": Status.DATA_AWAITED,
}
BREAKDOWN_COLUMNS = ["theme_board", "targets", *COUNT_COLUMNS, *(f"{c}_pct" for c in COUNT_COLUMNS)]
BASES = ("all", "rated")
OTHER_BASIS = {"all": "rated", "rated": "all"}
"""The basis a ranking is set beside: the order on the other basis is always shown with it."""


def status_as_at(targets: pd.DataFrame, values: pd.DataFrame, as_at: date | None = None) -> pd.DataFrame:
    """Rule 2: one row per target with its most recent row ending on or before as_at, and its status."""
    out = targets.merge(latest_rows(values, as_at), on="target_id", how="left")
    out["status"] = rate_frame(out)
    return out


def latest_rows(values: pd.DataFrame, as_at: date | None = None) -> pd.DataFrame:
    """Each target's most recent row ending on or before as_at (every row when None): rule 2's selection."""
    rows = values if as_at is None else values[values["period_end"] <= as_at]
    return rows.sort_values(["target_id", "period_end"]).drop_duplicates("target_id", keep="last")


def board_breakdown(statuses: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Rule 3: per board and in total, counts of each status and each as % of the board's targets."""
    return breakdown_by(statuses, "theme_board")


def area_breakdown(statuses: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Rule 3 per area of a store of many: each area's counts and shares as a board's, and the total."""
    return breakdown_by(statuses, "area")


def breakdown_by(statuses: pd.DataFrame, by: str) -> tuple[pd.DataFrame, dict]:
    """Rule 3 grouped by a column, its groups in order of first appearance (boards as the partnership lists
    them), and the total over every row."""
    # Counted in one pass for every group: a pass per group took a third of a second over 400 areas.
    counted = statuses.groupby([by, "status"]).size().to_dict()
    rows = []
    for key, n in statuses.groupby(by, sort=False).size().items():
        counts = {name: int(counted.get((key, s.value), 0)) for name, s in COUNT_COLUMNS.items()}
        rows.append({by: key, **_shares(int(n), counts)})
    return pd.DataFrame(rows, columns=[by, *BREAKDOWN_COLUMNS[1:]]), _counts(statuses["status"])


TOTAL = "Total"


def with_total(boards: pd.DataFrame, total: dict, by: str = "theme_board") -> pd.DataFrame:
    """The breakdown's boards (or areas) with the Total row under them, as Haringey's Tables 1 and 2 are laid out."""
    return pd.concat([boards, pd.DataFrame([{by: TOTAL, **total}])], ignore_index=True)


def _counts(status: pd.Series) -> dict:
    return _shares(int(len(status)), {name: int((status == s.value).sum()) for name, s in COUNT_COLUMNS.items()})


def _shares(n: int, counts: dict[str, int]) -> dict:
    """Rule 3's row: the targets, each status's count and its share of the targets."""
    return {"targets": n, **counts, **{f"{name}_pct": pct(c, n) for name, c in counts.items()}}


def rank_boards(breakdown: pd.DataFrame, basis: str = "all", by: str = "theme_board") -> pd.DataFrame:
    """Rule 4: by green-plus-amber share, highest first; ties by red share, lowest first; then by name. by="area"
    ranks the areas of an area_breakdown by the same rule."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}")
    rows = []
    for b in breakdown.itertuples(index=False):
        denominator = b.targets if basis == "all" else b.targets - b.data_awaited
        rows.append(
            {
                by: getattr(b, by),
                "green_amber_pct": pct(b.green + b.amber, denominator) if denominator else None,
                "red_pct": pct(b.red, denominator) if denominator else None,
                "targets": int(b.targets),
                "rated": int(b.targets - b.data_awaited),
                "_key": rank_key(getattr(b, by), b.green + b.amber, b.red, b.data_awaited, b.targets, basis),
            }
        )
    rows.sort(key=lambda r: r["_key"])
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        del row["_key"]
    return pd.DataFrame(rows, columns=["rank", by, "green_amber_pct", "red_pct", "targets", "rated"])


def rank_key(name: str, green_amber: int, red: int, data_awaited: int, targets: int, basis: str) -> tuple:
    """Rule 4's sort key of one board (or area), exact (Fractions): the lower key ranks higher. A board with no
    target on the basis (none rated) ranks below every board that has one."""
    denominator = targets if basis == "all" else targets - data_awaited
    share = Fraction(green_amber, denominator) if denominator else None
    red_share = Fraction(red, denominator) if denominator else None
    return (share is None, -(share or 0), red_share or 0, name.casefold())


def bases_disagree(breakdown: pd.DataFrame, by: str = "theme_board") -> list[str]:
    """Boards (or areas) whose place differs between the two bases (empty when both bases give one order)."""
    all_ = rank_boards(breakdown, "all", by).set_index(by)["rank"]
    rated = rank_boards(breakdown, "rated", by).set_index(by)["rank"]
    return [board for board in all_.index if all_[board] != rated[board]]


def exceptions(statuses: pd.DataFrame, status: Status = Status.RED, board: str | None = None) -> pd.DataFrame:
    """Targets at one status, worst shortfall first within each board: the exception report."""
    rows = statuses[statuses["status"] == status.value]
    if board is not None:
        rows = rows[same_name(rows["theme_board"], board)]
    return worst_first(rows)


STATUS_ORDER = {s.value: i for i, s in enumerate(STATUSES)}  # red first


def worst_first(rows: pd.DataFrame) -> pd.DataFrame:
    """Targets in the order a chair reads them, with their shortfall_pct: board by board as the partnership
    lists them; within a board red → amber → green → data awaited, and the worst shortfall first within each."""
    rows = rows.assign(shortfall_pct=shortfall_frame(rows), _order=rows["status"].map(STATUS_ORDER))
    ordered = rows.sort_values(
        ["board_position", "_order", "shortfall_pct", "position"],
        ascending=[True, True, False, True],
        na_position="last",
        kind="stable",
    )
    return ordered.drop(columns="_order").reset_index(drop=True)


def shortfall_frame(rows: pd.DataFrame) -> pd.Series:
    """How far each actual is behind target, as % of |target| (negative when ahead)."""
    actual = pd.to_numeric(rows["actual"], errors="coerce")
    target = pd.to_numeric(rows["target_value"], errors="coerce")
    sign = np.where(rows["polarity"] == Polarity.LOWER_IS_BETTER.value, -1.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = sign * (target - actual) / target.abs() * 100.0
    return out.where(target != 0).round(1)
