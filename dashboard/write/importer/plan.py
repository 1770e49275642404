"""Compare a parsed file with the store: what is new, changed or unchanged, and what cannot be stored."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from dashboard.domain.fileformat import KNOWN, TARGET_FIELDS, VALUE_COLUMN, VALUE_FIELDS
from dashboard.domain.names import name_key
from dashboard.domain.output import cell_text
from dashboard.domain.rules import unratable
from dashboard.store.models import Area, ThemeBoard
from dashboard.store.queries import area_names, current_values_frame, targets_frame
from dashboard.write.importer.districts import Placement, place_districts
from dashboard.write.importer.problems import ImportProblem
from dashboard.write.importer.validate import (
    ParsedFile,
    name_headings,
    shown_value,
    text_problem,
)

# File column → stored column for the figures of one period.
KEY = ["area", "indicator_code", "period_end"]
KINDS = np.array(["new", "changed", "unchanged"], dtype=object)
_SLICE = 131_072
"""Rows compared at a time where a comparison turns a column into Python objects."""


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
    """Field → the file's heading it was read from (validate.renamed_columns lists the aliases)."""
    sheet: str | None = None
    """The workbook sheet read (None for a CSV file)."""
    board_changes: list = field(default_factory=list)
    """The new boards it makes in an area holding boards, and its moves between boards (gate.BoardChange)."""
    districts: list[Placement] = field(default_factory=list)
    """The areas it makes districts of a county (an area's parent_area, where none is stored)."""

    def count(self, frame: str, kind: str) -> int:
        data = getattr(self, frame)
        return int((data["kind"] == kind).sum()) if len(data) else 0

    @property
    def has_changes(self) -> bool:
        changes = any(self.count(f, k) for f in ("values", "targets") for k in ("new", "changed"))
        return changes or bool(self.districts)

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
        keyed = (rows["period_end"].notna() & (rows["indicator_code"] != "") & (rows["theme_board"] != "")).to_numpy()
        rows = rows if keyed.all() else rows[keyed]  # a mask of all True would still copy 2,000,000 rows
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
    plan.districts, misplaced = place_districts(conn, rows, {line for line, c in bad_cells if c == "parent_area"})
    found += misplaced
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
    # Each distinct name is looked up once: a file names its one or few areas on every row.
    codes, names = pd.factorize(filled)
    canonical = pd.array([by_key.get(name_key(n), n) if isinstance(n, str) else None for n in names], dtype="str")
    return pd.Series(pd.api.extensions.take(canonical, codes, allow_fill=True), index=cells.index)


def _canonical_boards(conn: Connection, rows: pd.DataFrame) -> pd.Series:
    """Board names match what is stored whatever their case and spacing; otherwise the file's first spelling."""
    stored = conn.execute(select(Area.name, ThemeBoard.name).join(ThemeBoard, ThemeBoard.area_id == Area.id)).all()
    spelling = {(a, name_key(b)): b for a, b in stored}
    # Work on the distinct names only: a file repeats its few boards on every row.
    codes, pairs = _pairs(rows["area"], rows["theme_board"])
    for a, b in pairs:
        spelling.setdefault((a, name_key(b)), b)
    canonical = np.array([spelling[(a, name_key(b))] for a, b in pairs], dtype=object)
    return pd.Series(canonical[codes], index=rows.index, dtype=object)


def _pairs(first: pd.Series, second: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """(code of each row, the distinct (first, second) pairs in order of first appearance), never a tuple a row."""
    first_codes, first_values = pd.factorize(first, use_na_sentinel=False)
    second_codes, second_values = pd.factorize(second, use_na_sentinel=False)
    codes, distinct = pd.factorize(first_codes.astype(np.int64) * len(second_values) + second_codes)
    pairs = [(first_values[p // len(second_values)], second_values[p % len(second_values)]) for p in distinct]
    return codes, pairs


def same_cells(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where two empty cells are equal."""
    a_null, b_null = pd.isna(a).to_numpy(), pd.isna(b).to_numpy()
    if a_null.all() or b_null.all():  # nothing stored yet, or a column the file clears: no value to compare
        return a_null & b_null
    same = np.empty(len(a), dtype=bool)
    # In slices: as objects a column of 2,000,000 figures is 2,000,000 Python floats.
    for rows in (slice(start, start + _SLICE) for start in range(0, len(a), _SLICE)):
        equal = a.iloc[rows].to_numpy(dtype=object) == b.iloc[rows].to_numpy(dtype=object)
        same[rows] = (equal & ~a_null[rows] & ~b_null[rows]) | (a_null[rows] & b_null[rows])
    return same


def _first_disagreement(rows: pd.DataFrame, keys: list[str], column: str, bad_cells: set) -> pd.DataFrame:
    """Every row whose column differs from the first row of its key, with that first row's line and value.

    Cells already reported as unreadable take no part: their parsed value is empty, not what the file says."""
    rows = rows[[*keys, column, "line"]]  # the columns compared, not a copy of the whole file
    unreadable = {line for line, name in bad_cells if name == column}
    if unreadable:
        rows = rows[~rows["line"].isin(unreadable).to_numpy()]  # a mask, never a list: [] would select no columns
    first = rows.groupby(keys, sort=False, dropna=False)[[column, "line"]].transform("first")
    differs = ~same_cells(rows[column], first[column])
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
    repeated = rows.duplicated(subset=KEY, keep=False).to_numpy()
    dup = rows[repeated]
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
    kept = rows.drop_duplicates(subset=KEY, keep="first") if repeated.any() else rows  # no copy when none repeat
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
    changed = _overlay(merged, {c: c for c in TARGET_FIELDS}, present)
    merged["target_id"] = merged["target_id"].astype("Int64")
    merged["kind"] = _kinds(merged["target_id"].isna().to_numpy(), changed)
    return merged.reset_index(drop=True)


def _overlay(merged: pd.DataFrame, columns: dict[str, str], present: set[str]) -> np.ndarray:
    """Each store column (file column → store column) takes the file's value where the file has the column and
    keeps the stored one where it has not; True for the rows where any of them changed."""
    changed = np.zeros(len(merged), dtype=bool)
    for file_column, column in columns.items():
        before = merged[f"stored_{column}"]
        after = merged[file_column] if file_column in present else before
        merged[column] = after
        changed |= ~same_cells(after, before)
    return changed


def _merge_values(conn: Connection, rows: pd.DataFrame, targets: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    """One row per key: stored figures overridden by every column the file has."""
    # Looked up, not merged: a merge copies every column of the file's rows, twice for the two merges.
    merged = rows.reset_index(drop=True)
    found = _find(targets[["area", "indicator_code"]], merged[["area", "indicator_code"]])
    merged["target_id"] = _take(targets["target_id"], found)
    for key in ("area", "indicator_code"):  # typed as a merge types them: as the targets, once some are stored
        if merged[key].dtype != targets[key].dtype:
            merged[key] = merged[key].astype(targets[key].dtype)
    area_ids = list(_area_ids(conn, merged["area"].unique().tolist()).values())
    stored = _prefixed(current_values_frame(conn, area_ids), keep=["target_id", "period_end", "value_id"])
    found = _find(stored[["target_id", "period_end"]], merged[["target_id", "period_end"]])
    for column in stored.columns.drop(["target_id", "period_end"]):
        merged[column] = _take(stored[column], found)
    changed = ~same_cells(merged["period_label"], merged["stored_period_label"])
    changed |= _overlay(merged, VALUE_COLUMN, present)
    merged["value_id"] = merged["value_id"].astype("Int64")
    merged["kind"] = _kinds(merged["value_id"].isna().to_numpy(), changed)
    return merged


def _kinds(new: np.ndarray, changed: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """'new', 'changed' or 'unchanged' for each row, as pandas strings (numpy's would cost 36 bytes a row)."""
    return pd.array(KINDS[np.where(new, 0, np.where(changed, 1, 2))], dtype="str")


def _find(keys: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Position in keys (unique) of each row's key, -1 where it has none: a left merge's lookup, no copy."""
    if keys.empty:
        return np.full(len(rows), -1, dtype=np.intp)
    index = pd.MultiIndex.from_frame(keys.astype({c: rows[c].dtype for c in keys if keys[c].dtype != rows[c].dtype}))
    return index.get_indexer(pd.MultiIndex.from_frame(rows))


def _take(column: pd.Series, found: np.ndarray) -> pd.Series:
    """column's value at each position found, missing at -1 (a left merge's upcast: int → float, object NaN)."""
    return pd.Series(pd.api.extensions.take(column.array, found, allow_fill=True))


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
