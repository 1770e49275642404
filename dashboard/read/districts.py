"""A county and its districts: each district's mix, and one county target's indicator in every district."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine

from dashboard.domain.periods import Period
from dashboard.domain.rules import rate_frame
from dashboard.read.breakdown import area_breakdown, status_as_at
from dashboard.read.position import NO_DATA, NoData, latest_reported
from dashboard.store.engine import reading
from dashboard.store.queries import current_values_frame, districts_of, resolve_area, targets_frame
from dashboard.store.schema import require_ready

DISTRICT_COLUMNS = ["area", "actual", "target_value", "status", "against_county"]


class NoDistricts(LookupError):
    """The area has no districts: no import has named it in a parent_area column."""


def districts(engine: Engine, county: str | None) -> tuple[tuple[int, str], list[tuple[int, str]]]:
    """((id, name) of the county, (id, name) of each district in the order first stored). Raises NoDistricts for
    an area that has none, NoSuchArea for one not held, NoData on an empty store."""
    require_ready(engine)
    with engine.connect() as conn:
        return _held(conn, county)


def _held(conn: Connection, county: str | None) -> tuple[tuple[int, str], list[tuple[int, str]]]:
    found = resolve_area(conn, county)
    if found is None:
        raise NoData(NO_DATA)
    held = districts_of(conn, found[0])
    if not held:
        raise NoDistricts(f"{found[1]} has no districts: an import names a district's county in parent_area")
    return found, held


def district_statuses(engine: Engine, county: str, as_at: Period | None = None) -> tuple[pd.DataFrame, Period | None]:
    """Rule 2 for every district's own targets, as at a quarter (default: the latest any district reported)."""
    require_ready(engine)
    with reading(engine) as conn:  # one view: the districts and their figures of one moment
        _, held = _held(conn, county)
        ids = [area_id for area_id, _ in held]
        targets, values = targets_frame(conn, ids), current_values_frame(conn, ids)
    as_at = as_at or latest_reported(values)
    return status_as_at(targets, values, as_at.end if as_at else None), as_at


def district_breakdown(
    engine: Engine, county: str, as_at: Period | None = None
) -> tuple[pd.DataFrame, dict, Period | None]:
    """Rule 3 per district of a county (each district's mix, as a board's) and the total over the districts."""
    statuses, period = district_statuses(engine, county, as_at)
    rows, total = area_breakdown(statuses)
    return rows, total, period


def district_figures(engine: Engine, county: str, code: str, period: Period) -> tuple[pd.DataFrame, float | None]:
    """The county target's indicator in each district for one period, and the county's target for it: each
    district's actual, its own target and status, and the status its actual has against the county's target
    (with the county's polarity and tolerance; a district's reported status speaks of its own target, so it is
    left out). A district without the indicator, or without a figure for the period, is data awaited."""
    require_ready(engine)
    with reading(engine) as conn:  # one view: the county's and the districts' figures of one moment
        (county_id, name), held = _held(conn, county)
        ids = [area_id for area_id, _ in held]
        county_targets = targets_frame(conn, [county_id])
        county_values = current_values_frame(conn, [county_id])
        targets, values = targets_frame(conn, ids), current_values_frame(conn, ids)
    own = county_targets[county_targets["indicator_code"] == code]
    if own.empty:
        raise LookupError(f"no target {code!r} in {name}")
    own = own.iloc[0]
    rows = pd.DataFrame({"area": [n for _, n in held]})
    settings = targets.loc[targets["indicator_code"] == code, ["area", "target_id", "polarity", "tolerance_pct"]]
    rows = rows.merge(settings, on="area", how="left")
    rows = rows.merge(values[values["period_end"] == period.end], on="target_id", how="left")
    rows["status"] = rate_frame(rows)
    mine = county_values[(county_values["target_id"] == own["target_id"]) & (county_values["period_end"] == period.end)]
    found = mine["target_value"].dropna()
    county_target = float(found.iloc[0]) if len(found) else None
    against = pd.DataFrame(
        {
            "actual": rows["actual"],
            "target_value": county_target,
            "polarity": own["polarity"],
            "tolerance_pct": own["tolerance_pct"],
            "reported_status": None,
        }
    )
    rows["against_county"] = rate_frame(against)
    return rows[DISTRICT_COLUMNS].reset_index(drop=True), county_target
