"""Compare a parsed file with the store: what is new, changed or unchanged, and what cannot be stored."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from dashboard.importer.problems import ImportProblem
from dashboard.importer.validate import (
    KNOWN,
    TARGET_FIELDS,
    VALUE_FIELDS,
    ParsedFile,
    name_headings,
    shown_value,
    text_problem,
)
from dashboard.names import name_key
from dashboard.output import cell_text
from dashboard.rules import unratable
from dashboard.store.models import Area, ThemeBoard
from dashboard.store.queries import area_names, current_values_frame, targets_frame

# File column → stored column for the figures of one period.
VALUE_COLUMN = {
    "target": "target_value",
    "actual": "actual",
    "rag": "reported_status",
    "commentary": "commentary",
    "remedial_action": "remedial_action",
}
KEY = ["area", "indicator_code", "period_end"]


@dataclass
class ImportPlan:
    file_name: str
    checksum: str
    rows_read: int
    present: set[str]
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per target in the file: area, indicator_code, merged settings, target_id (None if new), kind."""
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per key in the file: merged figures, value_id of the stored version (None if new), kind."""
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    """The workbook sheet read (None for a CSV file)."""
    """Field → the file's heading it was read from (validate.renamed_columns lists the aliases)."""

    def count(self, frame: str, kind: str) -> int:
        data = getattr(self, frame)
        return int((data["kind"] == kind).sum()) if len(data) else 0

    @property
    def has_changes(self) -> bool:
        return any(self.count(f, k) for f in ("values", "targets") for k in ("new", "changed"))

    def summary(self) -> dict:
        return {
            "file_name": self.file_name,
            "rows_read": self.rows_read,
            "rows_new": self.count("values", "new"),
            "rows_changed": self.count("values", "changed"),
            "rows_unchanged": self.count("values", "unchanged"),
            "targets_new": self.count("targets", "new"),
            "targets_changed": self.count("targets", "changed"),
        }


def make_plan(
    conn: Connection, parsed: ParsedFile, file_name: str, checksum: str, area: str | None, default_area: str
) -> ImportPlan:
    """Merge the file over what is stored (absent column = keep, empty cell = clear) and classify each row."""
    plan = ImportPlan(
        file_name,
        checksum,
        len(parsed.rows),
        parsed.present,
        problems=list(parsed.problems),
        warnings=list(parsed.warnings),
        headings=dict(parsed.headings),
    )
    # Rows without a readable key are already reported; when no row is left there is nothing to compare.
    rows = parsed.rows
    if not rows.empty:
        rows = rows[rows["period_end"].notna() & (rows["indicator_code"] != "") & (rows["theme_board"] != "")]
    if rows.empty:
        return plan
    bad_lines = {p.line for p in plan.problems}
    bad_cells = {(p.line, p.column) for p in plan.problems}
    # An area cell that cannot be stored is already reported, and PostgreSQL would refuse even to look it up.
    rows = rows[[(line, "area") not in bad_cells for line in rows["line"]]] if bad_cells else rows
    if rows.empty:
        return plan
    # No defensive copy of 2,000,000 rows: pandas 3 copies on write, so parsed.rows is never changed here.
    rows["area"] = _areas(conn, rows["area"], area, default_area, plan)
    if rows["area"].isna().any():
        return plan
    rows["theme_board"] = _canonical_boards(conn, rows)
    found = _target_conflicts(rows, parsed.present, bad_cells)
    rows, duplicates = _drop_duplicate_keys(rows, parsed.present, bad_cells)
    plan.targets = _merge_targets(conn, rows, parsed.present)
    plan.values = _merge_values(conn, rows, plan.targets, parsed.present)
    found += duplicates + _unratable(plan.values, bad_lines)
    plan.problems += name_headings(found, plan.headings)
    plan.problems.sort(key=_problem_order)
    return plan


def _problem_order(problem: ImportProblem) -> tuple[int, int]:
    """File order: by line, then by the column's place in the import format."""
    column = KNOWN.index(problem.column) if problem.column in KNOWN else len(KNOWN)
    return problem.line or 0, column


def _areas(conn: Connection, cells: pd.Series, area: str | None, default_area: str, plan: ImportPlan) -> pd.Series:
    """Each row's area: its own cell, else the area chosen for the upload, else the only one held."""
    stored = area_names(conn)
    by_key = {name_key(name): name for name in stored}
    if area:
        fallback = area
    elif len(stored) == 1:
        fallback = stored[0]
    else:
        fallback = None if stored else default_area
    if fallback is None and cells.isna().any():
        plan.problems.append(
            ImportProblem(
                None,
                "area",
                None,
                f"the store holds several areas ({', '.join(stored)}) and the file "
                "does not say which one each row is for",
                "add an area column, or choose the area",
            )
        )
    if fallback is not None and (found := text_problem("area", fallback)):
        # The area chosen for the upload (or LAA_DEFAULT_AREA), not a cell: no row is stored under it.
        plan.problems.append(ImportProblem(None, "area", shown_value(fallback), *found))
        return pd.Series(None, index=cells.index, dtype=object)
    filled = cells.where(cells.notna(), fallback)
    return filled.map(lambda name: by_key.get(name_key(name), name) if isinstance(name, str) else None)


def _canonical_boards(conn: Connection, rows: pd.DataFrame) -> pd.Series:
    """Board names match what is stored whatever their case and spacing; otherwise the file's first spelling."""
    stored = conn.execute(select(Area.name, ThemeBoard.name).join(ThemeBoard, ThemeBoard.area_id == Area.id)).all()
    spelling = {(a, name_key(b)): b for a, b in stored}
    # Work on the distinct names only: a file repeats its few boards on every row.
    pairs = rows[["area", "theme_board"]].drop_duplicates()
    for a, b in zip(pairs["area"], pairs["theme_board"], strict=True):
        spelling.setdefault((a, name_key(b)), b)
    canonical = {(a, b): spelling[(a, name_key(b))] for a, b in zip(pairs["area"], pairs["theme_board"], strict=True)}
    index = pd.MultiIndex.from_frame(rows[["area", "theme_board"]])
    return pd.Series(index.map(canonical), index=rows.index, dtype=object)


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where two empty cells are equal."""
    a_null, b_null = pd.isna(a).to_numpy(), pd.isna(b).to_numpy()
    equal = (a.to_numpy(dtype=object) == b.to_numpy(dtype=object)) & ~a_null & ~b_null
    return equal | (a_null & b_null)


def _first_disagreement(rows: pd.DataFrame, keys: list[str], column: str, bad_cells: set) -> pd.DataFrame:
    """Every row whose column differs from the first row of its key, with that first row's line and value.

    Cells already reported as unreadable take no part: their parsed value is empty, not what the file says."""
    readable = np.array([(line, column) not in bad_cells for line in rows["line"]], dtype=bool)
    rows = rows[readable]  # a mask, never a list: an empty list would select no columns
    first = rows.groupby(keys, sort=False, dropna=False)[[column, "line"]].transform("first")
    differs = ~_same(rows[column], first[column])
    out = rows.loc[differs, [*keys, column, "line"]].copy()
    out["first_line"] = first.loc[differs, "line"]
    out["first_value"] = first.loc[differs, column]
    return out


def _target_conflicts(rows: pd.DataFrame, present: set[str], bad_cells: set) -> list[ImportProblem]:
    problems = []
    for column in (f for f in TARGET_FIELDS if f in present):
        for r in _first_disagreement(rows, ["area", "indicator_code"], column, bad_cells).itertuples():
            value, first = getattr(r, column), r.first_value
            problems.append(
                ImportProblem(
                    int(r.line),
                    column,
                    cell_text(value),
                    f"{r.indicator_code} has {column} {cell_text(first)!r} on line {int(r.first_line)} "
                    f"and {cell_text(value)!r} on line {int(r.line)}",
                    f"give every row of {r.indicator_code} the same {column}",
                )
            )
    return problems


def _drop_duplicate_keys(
    rows: pd.DataFrame, present: set[str], bad_cells: set
) -> tuple[pd.DataFrame, list[ImportProblem]]:
    """Identical repeats of a key are dropped; different rows for one key are each named with the first."""
    problems = []
    dup = rows[rows.duplicated(subset=KEY, keep=False)]
    for column in (c for c in VALUE_FIELDS if c in present) if len(dup) else ():
        for r in _first_disagreement(dup, KEY, column, bad_cells).itertuples():
            problems.append(
                ImportProblem(
                    int(r.line),
                    column,
                    cell_text(getattr(r, column)),
                    f"two different rows for {r.indicator_code} in the period ending {r.period_end}: "
                    f"line {int(r.first_line)} and line {int(r.line)}",
                    "keep one row for each indicator and period, and delete or correct the other",
                )
            )
    problems = _one_per_pair(problems)
    kept = rows.drop_duplicates(subset=KEY, keep="first")
    return kept, problems


def _one_per_pair(problems: list[ImportProblem]) -> list[ImportProblem]:
    out, seen = [], set()
    for p in problems:
        if p.line not in seen:
            seen.add(p.line)
            out.append(p)
    return out


def _merge_targets(conn: Connection, rows: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    """One row per target: stored settings overridden by every column the file has."""
    in_file = rows.drop_duplicates(subset=["area", "indicator_code"], keep="first")
    area_ids = _area_ids(conn, in_file["area"].unique().tolist())
    stored = _prefixed(targets_frame(conn, list(area_ids.values())), keep=["area", "indicator_code", "target_id"])
    file_fields = [c for c in TARGET_FIELDS if c in present]
    merged = in_file[["area", "indicator_code", "line", *file_fields]].merge(
        stored, on=["area", "indicator_code"], how="left"
    )
    changed = np.zeros(len(merged), dtype=bool)
    for column in TARGET_FIELDS:
        before = merged[f"stored_{column}"]
        after = merged[column] if column in present else before
        merged[column] = after
        changed |= ~_same(after, before)
    merged["target_id"] = merged["target_id"].astype("Int64")
    merged["kind"] = np.where(merged["target_id"].isna(), "new", np.where(changed, "changed", "unchanged"))
    return merged.reset_index(drop=True)


def _merge_values(conn: Connection, rows: pd.DataFrame, targets: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    """One row per key: stored figures overridden by every column the file has."""
    keyed = rows.merge(targets[["area", "indicator_code", "target_id"]], on=["area", "indicator_code"], how="left")
    area_ids = list(_area_ids(conn, keyed["area"].unique().tolist()).values())
    stored = _prefixed(current_values_frame(conn, area_ids), keep=["target_id", "period_end", "value_id"])
    merged = keyed.merge(stored, on=["target_id", "period_end"], how="left")
    changed = ~_same(merged["period_label"], merged["stored_period_label"])
    for file_column, column in VALUE_COLUMN.items():
        before = merged[f"stored_{column}"]
        after = merged[file_column] if file_column in present else before
        merged[column] = after
        changed |= ~_same(after, before)
    merged["value_id"] = merged["value_id"].astype("Int64")
    merged["kind"] = np.where(merged["value_id"].isna(), "new", np.where(changed, "changed", "unchanged"))
    return merged


def _prefixed(stored: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    return stored.rename(columns={c: f"stored_{c}" for c in stored.columns if c not in keep})


def _unratable(values: pd.DataFrame, bad_lines: set) -> list[ImportProblem]:
    """Rule 1: an actual with no target (stored or supplied) and no rag cannot be rated."""
    if values.empty:
        return []
    mask = unratable(values) & (values["kind"] != "unchanged")
    return [
        ImportProblem(
            int(r.line),
            "actual",
            cell_text(r.actual),
            f"{r.indicator_code} {r.period_label} has an actual but no target and no rag, so it cannot be rated",
            "add the target for this period, or a rag status (red, amber, green, data awaited)",
        )
        for r in values[mask].itertuples()
        if r.line not in bad_lines
    ]


def _area_ids(conn: Connection, names: list[str]) -> dict[str, int]:
    rows = conn.execute(select(Area.name, Area.id).where(Area.name.in_(names))).all()
    return {name: id_ for name, id_ in rows}
