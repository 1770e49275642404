"""Districts within a county: an import row's parent_area names the county its area is a district of."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select, update

from dashboard.domain.names import name_key
from dashboard.store.models import Area
from dashboard.store.queries import area_parents
from dashboard.write.importer.problems import ImportProblem

COLUMN = "parent_area"


@dataclass(frozen=True)
class Placement:
    """An area the import makes a district of a county."""

    line: int | None
    area: str
    county: str

    def sentence(self) -> str:
        return f"{self.area} becomes a district of {self.county}"


def place_districts(
    conn: Connection, rows: pd.DataFrame, bad_lines: set
) -> tuple[list[Placement], list[ImportProblem]]:
    """The districts a file places (an area's parent_area, where the store holds none yet), and what is wrong
    with the counties it names: not an area, the area itself, a district of a district, two counties for one
    area, or a county other than the stored one."""
    if COLUMN not in rows:
        return [], []
    named = rows.loc[rows[COLUMN].notna().to_numpy(), ["area", COLUMN, "line"]]
    named = named[~named["line"].isin(bad_lines).to_numpy()] if bad_lines else named
    if named.empty:
        return [], []
    stored = area_parents(conn)
    known = {name_key(a): a for a in [*stored, *rows["area"].unique().tolist()]}
    placements: dict[str, Placement] = {}
    problems: list[ImportProblem] = []
    for r in named.drop_duplicates(["area", COLUMN]).itertuples(index=False):
        line, area, county = int(r.line), r.area, known.get(name_key(r.parent_area))
        if (problem := _problem(area, r.parent_area, county, stored, placements)) is not None:
            problems.append(ImportProblem(line, COLUMN, r.parent_area, *problem))
        elif stored.get(area) != county:
            placements[area] = Placement(line, area, county)
    problems += _nested(placements, stored)
    return list(placements.values()), problems


def _problem(area: str, cell: str, county: str | None, stored: dict, placed: dict) -> tuple[str, str] | None:
    """(problem, fix) for one area's county cell, or None when it can stand."""
    if county is None:
        return (
            f"there is no area named {cell!r} in the store or in this file",
            "write the county's name as its own rows write it, or import the county's figures first",
        )
    if county == area:
        return f"{area} cannot be a district of itself", "leave parent_area empty on the county's own rows"
    if area in placed and placed[area].county != county:
        first = placed[area]
        return (
            f"{area} has parent_area {first.county!r} on line {first.line} and {county!r} here",
            f"give every row of {area} the same parent_area",
        )
    if stored.get(area) not in (None, county):
        return (
            f"{area} is a district of {stored[area]} in the store",
            f"write {stored[area]}, or leave parent_area empty: a district stays in the county that first named it",
        )
    return None


def _nested(placed: dict[str, Placement], stored: dict[str, str | None]) -> list[ImportProblem]:
    """A county that is itself a district, or a district that has districts: one level only."""
    parent = {**{a: c for a, c in stored.items() if c}, **{a: p.county for a, p in placed.items()}}
    problems = []
    for p in placed.values():
        if p.county in parent:
            problems.append(
                ImportProblem(
                    p.line,
                    COLUMN,
                    p.county,
                    f"{p.county} is itself a district of {parent[p.county]}, and a district cannot have districts",
                    f"name the county, {parent[p.county]}",
                )
            )
        elif p.area in parent.values():
            problems.append(
                ImportProblem(
                    p.line,
                    COLUMN,
                    p.county,
                    f"{p.area} has districts of its own, so it cannot be a district of {p.county}",
                    "leave parent_area empty on its rows",
                )
            )
    return problems


def write_placements(conn: Connection, placements: list[Placement], batch_id: int) -> list[dict]:
    """Place each district in its county, remembering the batch; returns the audit events."""
    if not placements:
        return []
    names = {p.area for p in placements} | {p.county for p in placements}
    ids = dict(conn.execute(select(Area.name, Area.id).where(Area.name.in_(names))).all())
    for p in placements:
        conn.execute(
            update(Area).where(Area.id == ids[p.area]).values(parent_id=ids[p.county], parent_batch_id=batch_id)
        )
    return [
        {"area": p.area, "field": COLUMN, "old": None, "new": p.county, "batch_id": batch_id, "detail": p.sentence()}
        for p in placements
    ]


def withdraw_placements(conn: Connection, batch_id: int) -> list[dict]:
    """Take the districts a batch placed out of their counties again (its rollback); returns the audit events."""
    county = Area.__table__.alias("county")
    placed = conn.execute(
        select(Area.id, Area.name, county.c.name)
        .join(county, county.c.id == Area.parent_id)
        .where(Area.parent_batch_id == batch_id)
    ).all()
    if placed:
        ids = [row[0] for row in placed]
        conn.execute(update(Area).where(Area.id.in_(ids)).values(parent_id=None, parent_batch_id=None))
    return [
        {"area": area, "field": COLUMN, "old": name, "new": None, "batch_id": batch_id,
         "detail": f"{area} no longer a district of {name}: batch {batch_id} placed it"}
        for _, area, name in placed
    ]  # fmt: skip
