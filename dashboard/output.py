"""Render command results as a text table, CSV or JSON."""

from __future__ import annotations

import json
import math
import shutil
import sys
import textwrap
from datetime import date, datetime
from enum import StrEnum

import pandas as pd

DEFAULT_WIDTH = 100
"""Text output fits this many columns when it is not printed to a terminal (a pipe, a file, a test)."""
_MIN_TEXT = 8  # a shortened text column keeps at least this much (or its heading) while others can give way
_GAP = "  "


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


def output_width() -> int:
    """The terminal's width when printing to one, else DEFAULT_WIDTH."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def fit_text(text: str, width: int | None = None) -> str:
    """Prose (a table's footer) wrapped line by line to the output width; blank lines kept."""
    width = width or output_width()
    return "\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n"))


def to_table(frame: pd.DataFrame, headers: dict[str, str] | None = None, width: int | None = None) -> str:
    """A fixed-width text table; numbers right-aligned, empty cells blank.

    Long text columns are shortened with "…" so that every line fits `width` (default: output_width()); one
    row stays one line, so the table can still be searched line by line. Numbers are never shortened.
    """
    if frame.empty:
        return "(nothing to show)"
    shown = frame.rename(columns=headers or {})
    cells = [[_cell(v, c) for v, c in zip(row, frame.columns, strict=True)] for row in frame.itertuples(index=False)]
    names = [str(c) for c in shown.columns]
    natural = [max(len(n), *(len(r[i]) for r in cells)) for i, n in enumerate(names)]
    # A column with no value at all is not a number column: it may give way like text.
    numeric = [all(_is_number(r[i]) for r in cells) and any(r[i] for r in cells) for i in range(len(names))]
    widths = _fit(natural, names, numeric, width or output_width())

    def line(values: list[str]) -> str:
        parts = [
            _clip(v, w).rjust(w) if num else _clip(v, w).ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return _GAP.join(parts).rstrip()

    rule = _GAP.join("-" * w for w in widths)
    return "\n".join([line(names), rule, *(line(r) for r in cells)])


def _fit(natural: list[int], names: list[str], numeric: list[bool], width: int) -> list[int]:
    """Column widths within `width`: the widest text column gives way first, one character at a time.

    First no text column goes below its heading (or _MIN_TEXT); if that is still too wide, headings are
    shortened too. A table of numbers that cannot fit is left as it is: a figure is never cut.
    """
    widths = list(natural)
    soft = [min(w, max(_MIN_TEXT, len(n))) for w, n in zip(natural, names, strict=True)]
    hard = [min(w, 3) for w in natural]
    excess = sum(widths) + len(_GAP) * (len(widths) - 1) - width
    for floors in (soft, hard):
        while excess > 0:
            movable = [i for i, num in enumerate(numeric) if not num and widths[i] > floors[i]]
            if not movable:
                break
            widest = max(movable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
    return widths


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
