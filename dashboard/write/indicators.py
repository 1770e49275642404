"""The analyst's year in the browser: each target's settings (the Indicators page) and the target figures of a
financial year (the Targets page). What is changed becomes an import file's rows, so saving goes through the
importer and its one gate exactly as an upload does: the same preview, permissions, sign-off checks and audit."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.domain.periods import Period, parse_period
from dashboard.read.forecast import Measure
from dashboard.read.position import Position
from dashboard.write.edits import Edits, edits_file, file_cell
from dashboard.write.importer.validate import TARGET_TYPES as FILE_TARGET_TYPES

SETTINGS = {
    "indicator_name": "Indicator",
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
    "polarity": "Polarity",
    "tolerance_pct": "Tolerance %",
    "frequency": "Frequency",
    "unit": "Unit",
    "target_type": "Target type",
    "measure": "Measure",
}
"""A target's setting (the import file's column) → the Indicators table's heading."""
POLARITIES = ["higher_is_better", "lower_is_better"]
FREQUENCIES = ["quarterly", "annual", "monthly"]
MEASURES = [m.value for m in Measure]
TARGET_TYPES = list(FILE_TARGET_TYPES)
"""The Indicators table's choices of target type: the words an import file may give."""
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
YEAR_COLUMNS = ["Code", "Indicator", "Theme board", "Frequency", "Last target"]
"""The Targets table's columns before the year's figures; none of them is edited there."""


def settings_table(position: Position) -> pd.DataFrame:
    """One row per target: its code and every setting, in the partnership's order."""
    targets = position.targets
    out = pd.DataFrame({"Code": targets["indicator_code"].to_numpy()})
    for column, heading in SETTINGS.items():
        values = targets[column].to_numpy(dtype=object)
        out[heading] = pd.to_numeric(values, errors="coerce") if column == "tolerance_pct" else values
    return out.reset_index(drop=True)


def settings_file(position: Position, before: pd.DataFrame, after: pd.DataFrame) -> Edits | None:
    """The targets whose settings changed, as an import file (None when none did). Rows are matched by code, so an
    added or deleted row is no change; each row names the target's latest period held, whose figures it keeps."""
    latest = _latest_periods(position)
    edited = {row["Code"]: row for _, row in after.drop_duplicates("Code", keep=False).iterrows()}
    rows = []
    for _, old in before.iterrows():
        new = edited.get(old["Code"])
        if new is None or old["Code"] not in latest:
            continue
        changed = [c for c, h in SETTINGS.items() if file_cell(old[h]) != file_cell(new[h])]
        if changed:
            rows.append((old["Code"], latest[old["Code"]], {c: file_cell(new[SETTINGS[c]]) for c in changed}))
    if not rows:
        return None
    # A column the file has sets every row's value: a row that did not change it writes what is stored.
    columns = [c for c in SETTINGS if c != "theme_board" and any(c in values for _, _, values in rows)]
    stored = {r["Code"]: r for _, r in before.iterrows()}

    def cell(code: str, values: dict, column: str) -> str:
        return values.get(column, file_cell(stored[code][SETTINGS[column]]))

    return edits_file(
        ["indicator_code", "theme_board", "period", *columns],
        [[code, cell(code, values, "theme_board"), period, *[cell(code, values, c) for c in columns]]
         for code, period, values in rows],
    )  # fmt: skip


def _latest_periods(position: Position) -> dict[str, str]:
    """Each target's latest period held, by code."""
    values = position.values.sort_values("period_end")
    last = values.drop_duplicates("target_id", keep="last").set_index("target_id")["period_label"]
    codes = position.targets.set_index("target_id")["indicator_code"]
    return {codes[t]: label for t, label in last.items() if t in codes.index}


def next_year(position: Position) -> int:
    """The financial year after the latest quarter reported (its first calendar year): the year to set."""
    latest = position.latest_quarter()
    if latest is None:
        return 0
    return _year_of(latest) + 1


def _year_of(period: Period) -> int:
    """The first calendar year of the financial year holding a period (2009 for 2009/10)."""
    end = period.end
    return end.year if end.month >= 4 else end.year - 1


def year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def year_quarters(year: int) -> list[Period]:
    return [parse_period(f"{year_label(year)} {q}") for q in QUARTERS]


def year_targets_table(position: Position, year: int) -> pd.DataFrame:
    """One row per target: its frequency, its latest target before the year, and the year's target figures held (a
    figure per quarter, or the annual figure of an annual target)."""
    targets, values = position.targets, position.values
    quarters = year_quarters(year)
    year_end = quarters[-1].end
    figures = values[values["target_value"].notna().to_numpy()]
    before = figures[(figures["period_end"] < quarters[0].end.replace(day=1)).to_numpy()]
    last = before.sort_values("period_end").drop_duplicates("target_id", keep="last").set_index("target_id")
    held = figures.set_index(["target_id", "period_end"])["target_value"]
    rows = []
    for t in targets.itertuples():
        annual = (t.frequency or "") == "annual"
        row = {
            "Code": t.indicator_code,
            "Indicator": t.indicator_name or "",
            "Theme board": t.theme_board,
            "Frequency": t.frequency or "quarterly",
            "Last target": _number(last["target_value"].get(t.target_id)),
        }
        for q, period in zip(QUARTERS, quarters, strict=True):
            row[q] = math.nan if annual else _number(held.get((t.target_id, period.end)))
        row["Annual"] = _number(held.get((t.target_id, year_end))) if annual else math.nan
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["Code", "Indicator", "Theme board", "Frequency", "Last target", *QUARTERS, "Annual"]
    )


def copied_forward(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every empty target of the year filled with the target's last target (its quarters, or the
    annual figure of an annual target)."""
    out = table.copy()
    annual = (out["Frequency"] == "annual").to_numpy()
    for column in QUARTERS:
        out.loc[~annual, column] = out.loc[~annual, column].fillna(out.loc[~annual, "Last target"])
    out.loc[annual, "Annual"] = out.loc[annual, "Annual"].fillna(out.loc[annual, "Last target"])
    return out


def year_targets_file(before: pd.DataFrame, after: pd.DataFrame, year: int) -> Edits | None:
    """The target figures of the year that were set or changed, as an import file (None when none were): a row a
    quarter, or the year's row for an annual target. Rows are matched by code; a cell emptied is not a change
    (clearing a target is an upload's job, where the file shows it)."""
    edited = {row["Code"]: row for _, row in after.drop_duplicates("Code", keep=False).iterrows()}
    labels = {q: f"{year_label(year)} {q}" for q in QUARTERS} | {"Annual": year_label(year)}
    rows = []
    for _, old in before.iterrows():
        new = edited.get(old["Code"])
        if new is None:
            continue
        columns = ["Annual"] if old["Frequency"] == "annual" else QUARTERS
        for column in columns:
            if file_cell(new[column]) and file_cell(new[column]) != file_cell(old[column]):
                rows.append([old["Code"], old["Theme board"], labels[column], file_cell(new[column])])
    return edits_file(["indicator_code", "theme_board", "period", "target"], rows) if rows else None


def _number(value) -> float:
    return float(value) if value is not None and not pd.isna(value) else math.nan
