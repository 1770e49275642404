"""Data-quality lists: what is awaited, what has gone stale, what lacks the settings a status needs."""

from __future__ import annotations

import pandas as pd

from dashboard.periods import Period, quarter_of
from dashboard.position import Position
from dashboard.rules import Status, pct

NO_LEAD_PARTNER = "(no lead partner)"
STALE_AFTER_QUARTERS = 1
"""A target whose latest row is more than this many quarters before the as-at quarter is stale."""

TARGET_COLUMNS = ["indicator_code", "indicator_name", "theme_board", "lead_partner"]


def awaited_by(statuses: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per board (or lead partner): targets, how many are data awaited and what share, most awaited first."""
    keys = statuses[column].fillna(NO_LEAD_PARTNER if column == "lead_partner" else "")
    awaited = statuses["status"] == Status.DATA_AWAITED.value
    grouped = pd.DataFrame({column: keys, "awaited": awaited}).groupby(column, sort=False)["awaited"]
    out = pd.DataFrame({"targets": grouped.size(), "data_awaited": grouped.sum().astype(int)}).reset_index()
    out["data_awaited_pct"] = [pct(a, t) for a, t in zip(out["data_awaited"], out["targets"], strict=True)]
    out = out[out["data_awaited"] > 0]
    return out.sort_values(["data_awaited", column], ascending=[False, True], kind="stable").reset_index(drop=True)


def quarters_between(earlier: Period | object, later: Period) -> int:
    """Whole financial quarters from the quarter holding `earlier` (a Period or a date) to `later`'s."""
    start = quarter_of(earlier.end if isinstance(earlier, Period) else earlier)
    end = quarter_of(later.end)
    return (end.end.year - start.end.year) * 4 + (end.end.month - start.end.month) // 3


def stale(position: Position, as_at: Period) -> pd.DataFrame:
    """Targets not updated for more than one quarter before as_at (or never), longest-stale first."""
    values = position.values[position.values["period_end"] <= as_at.end]
    latest = values.sort_values("period_end").drop_duplicates("target_id", keep="last").set_index("target_id")
    out = position.targets[["target_id", *TARGET_COLUMNS, "board_position", "position"]].copy()
    out["last_period"] = out["target_id"].map(latest["period_label"])
    ends = out["target_id"].map(latest["period_end"])
    out["quarters_behind"] = [None if pd.isna(end) else quarters_between(end, as_at) for end in ends]
    behind = out["quarters_behind"]
    out = out[behind.isna() | (behind.fillna(0) > STALE_AFTER_QUARTERS)]
    out = out.assign(_never=out["quarters_behind"].isna())
    out = out.sort_values(
        ["_never", "quarters_behind", "board_position", "position"], ascending=[False, False, True, True]
    )
    out["quarters_behind"] = out["quarters_behind"].astype("Int64")
    return out[["target_id", *TARGET_COLUMNS, "last_period", "quarters_behind"]].reset_index(drop=True)


def missing_settings(statuses: pd.DataFrame) -> pd.DataFrame:
    """Targets lacking a lead partner, a polarity or a target value (in the row that sets their status)."""
    lacks = {
        "lead partner": _blank(statuses["lead_partner"]),
        "polarity": _blank(statuses["polarity"]),
        "target value": pd.to_numeric(statuses["target_value"], errors="coerce").isna(),
    }
    missing = [", ".join(name for name, mask in lacks.items() if mask.iloc[i]) for i in range(len(statuses))]
    out = statuses[["target_id", *TARGET_COLUMNS]].assign(missing=missing)
    return out[out["missing"] != ""].reset_index(drop=True)


def summary(position: Position, as_at: Period) -> dict[str, int]:
    """How many targets appear on each data-quality list."""
    statuses = position.statuses(as_at)
    return {
        "targets": len(statuses),
        "data_awaited": int((statuses["status"] == Status.DATA_AWAITED.value).sum()),
        "stale": len(stale(position, as_at)),
        "missing_settings": len(missing_settings(statuses)),
    }


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")
