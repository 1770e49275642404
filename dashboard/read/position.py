"""Load one area's targets and figures from the store, ready for the breakdown functions."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain.names import find_code, normalise_code
from dashboard.domain.periods import Period, YearWindow, parse_period, quarter_of
from dashboard.domain.rules import rate_frame
from dashboard.read.breakdown import status_as_at
from dashboard.store.engine import reading
from dashboard.store.queries import (
    ANNOTATION_COLUMNS,
    NoSuchArea,
    annotations_frame,
    area_ids,
    current_values_frame,
    latest_reported_end,
    latest_values_frame,
    resolve_area,
    targets_frame,
    value_versions,
)
from dashboard.store.schema import require_ready

__all__ = ["NoData", "NoSuchArea", "Position", "every_area_statuses", "load_position", "target_history"]


class NoData(LookupError):
    """The store holds nothing yet."""


NO_DATA = "no data yet: run `laa demo` for the sample partnership, or `laa import FILE` for your own"


@dataclass
class Position:
    area_id: int
    area: str
    targets: pd.DataFrame
    values: pd.DataFrame
    annotations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ANNOTATION_COLUMNS))
    """The notes on the area's targets and boards (store.queries.annotations_frame), oldest first."""

    def statuses(self, as_at: Period | None = None) -> pd.DataFrame:
        """Rule 2 as at a period; with none, as at the latest quarter reported (latest_quarter)."""
        as_at = as_at or self.latest_quarter()
        return status_as_at(self.targets, self.values, as_at.end if as_at else None)

    def quarters(self) -> list[Period]:
        """Every financial quarter from the first to the last period held, oldest first."""
        if self.values.empty:
            return []
        ends = sorted({quarter_of(d) for d in self.values["period_end"]})
        out = [ends[0]]
        while out[-1] < ends[-1]:
            nxt = quarter_of(out[-1].end + pd.Timedelta(days=1))
            out.append(nxt)
        return out

    def trend_quarters(self) -> list[Period]:
        """reported_quarters() from the first in which at least half of the targets have a row on or before its
        end: the partnership's mix over time, which a few targets with a long history (figures from before the
        agreement) would otherwise draw back to quarters when most targets had not begun, all of them awaited."""
        quarters = self.reported_quarters()
        if self.targets.empty or self.values.empty:
            return quarters
        begun = self.values.groupby("target_id")["period_end"].min().sort_values()
        half = begun.iloc[(len(self.targets) + 1) // 2 - 1] if len(begun) * 2 >= len(self.targets) else begun.iloc[-1]
        return [q for q in quarters if q.end >= half] or quarters[-1:]

    def latest_quarter(self) -> Period | None:
        """The latest quarter holding an actual or a reported status: the one every page opens at. A quarter
        holding only targets (set ahead for the year) or a comment is never it; with no figure reported at all,
        the latest quarter held."""
        return latest_reported(self.values)

    def reported_quarters(self) -> list[Period]:
        """quarters() up to the latest quarter reported: the quarters a page can be as at."""
        latest = self.latest_quarter()
        return [q for q in self.quarters() if latest is not None and q.end <= latest.end]


def latest_reported(values: pd.DataFrame) -> Period | None:
    """The quarter of the latest row holding an actual or a reported status (else of the latest row), or None."""
    if values.empty:
        return None
    reported = (values["actual"].notna() | values["reported_status"].notna()).to_numpy()
    ends = values.loc[reported, "period_end"] if reported.any() else values["period_end"]
    return quarter_of(max(ends))


def load_position(engine: Engine, area: str | None = None) -> Position:
    """Raises NoData on an empty store, NoSuchArea for an area that is not held, SchemaNotReady (run `laa init`)
    on a database without the newest schema."""
    require_ready(engine)
    with reading(engine) as conn:  # one view: an import committing meanwhile shows all of its batch or none
        found = resolve_area(conn, area)
        if found is None:
            raise NoData(NO_DATA)
        area_id, name = found
        targets, values = targets_frame(conn, [area_id]), current_values_frame(conn, [area_id])
        return Position(area_id, name, targets, values, annotations_frame(conn, [area_id]))


def every_area_statuses(engine: Engine, as_at: Period | None = None) -> tuple[pd.DataFrame, Period | None]:
    """Rule 2 for every area's targets at once, as at a quarter (default: the latest any area reported), and that
    quarter: the rows of area_breakdown. The latest row of each target is chosen in the database
    (latest_values_frame). Raises NoData on an empty store."""
    require_ready(engine)
    with reading(engine) as conn:  # one view: the areas, the quarter, the targets and the values of one moment
        ids = area_ids(conn)
        if not ids:
            raise NoData(NO_DATA)
        if as_at is None:
            end = latest_reported_end(conn)
            as_at = quarter_of(end) if end is not None else None
        targets = targets_frame(conn, ids)
        values = latest_values_frame(conn, as_at.end if as_at else None)
    return status_as_at(targets, values, as_at.end if as_at else None), as_at


def stored_position(engine: Engine, area: str) -> Position | None:
    """The position of an area, or None when the store does not hold it yet (an upload would create it)."""
    try:
        return load_position(engine, area)
    except (NoData, NoSuchArea):
        return None


def as_at_period(text: str | None, window: YearWindow | None = None) -> Period | None:
    return parse_period(text, window) if text else None


def target_history(engine: Engine, position: Position, code: str) -> tuple[pd.Series, pd.DataFrame]:
    """One target's settings and every stored version of every period, each rated by the target's rules."""

    wanted = normalise_code(code)
    codes = position.targets["indicator_code"]
    match = position.targets[codes == find_code(codes, code)]
    if match.empty:
        raise LookupError(f"no target {wanted!r} in {position.area}")
    target = match.iloc[0]
    with engine.connect() as conn:
        versions = value_versions(conn, int(target["target_id"]))
    versions["polarity"] = target["polarity"]
    versions["tolerance_pct"] = target["tolerance_pct"]
    versions["status"] = rate_frame(versions) if len(versions) else pd.Series(dtype=object)
    return target, versions
