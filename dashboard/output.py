"""Render command results as a text table, CSV or JSON."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from enum import StrEnum

import pandas as pd


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def plain(value):
    """JSON-safe scalar: NaN/NA → None, numpy → Python, dates → ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell_text(value) -> str:
    """A stored or parsed value as the analyst wrote it: empty for no value, 1200 rather than 1200.0."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: plain(v) for c, v in zip(columns, row, strict=True)} for row in frame[columns].itertuples(index=False)]


def to_json(payload: dict) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, default=plain)


def to_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def to_table(frame: pd.DataFrame, headers: dict[str, str] | None = None) -> str:
    """A fixed-width text table; numbers right-aligned, empty cells blank."""
    if frame.empty:
        return "(nothing to show)"
    shown = frame.rename(columns=headers or {})
    cells = [[_cell(v, c) for v, c in zip(row, frame.columns, strict=True)] for row in frame.itertuples(index=False)]
    names = [str(c) for c in shown.columns]
    widths = [max(len(n), *(len(r[i]) for r in cells)) for i, n in enumerate(names)]
    numeric = [all(_is_number(r[i]) for r in cells) for i in range(len(names))]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(names), rule, *(line(r) for r in cells)])


def _cell(value, column: str) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if column.endswith("_pct") else f"{value:.10g}"
    return " ".join(str(value).split())


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return True
