"""CSV for spreadsheets: no cell that a spreadsheet runs as a formula, in every CSV the product writes.

Files for download (`safe_csv_bytes`: the board paper, the chase list, `laa exceptions --output x.csv`) are UTF-8
with a BOM (Excel reads it as UTF-8) and CRLF line ends; `laa … --format csv` (`safe_csv_text`) is plain UTF-8
with LF. Both go through `safe_frame`: the header and every text cell, whatever its column's dtype, are made safe.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula (or hides one) to Excel, LibreOffice and Google Sheets."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
"""Text that is a plain number ('-5', '+1.5', '-2e3'): a spreadsheet reads it as that number and runs nothing."""


def safe_csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula ('=HYPERLINK(…)', '@SUM(…)', '-2+3') gets a leading ' so it
    shows as the text it is; numbers (and text that is a plain number, such as '-5') and every other value pass
    unchanged (a negative number is not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with the header and every text cell made safe; number columns are left as they are.

    Every column that can hold text is looked at cell by cell, whatever pandas calls its dtype (object, str,
    string, category, or a mix of numbers and text), so no column can slip through because of its dtype."""
    safe = frame.rename(columns={c: safe_csv_cell(c) for c in frame.columns})
    for index in range(safe.shape[1]):
        column = safe.iloc[:, index]
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
            continue
        if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            continue
        safe.isetitem(index, column.astype(object).map(safe_csv_cell))
    return safe


def safe_csv_text(frame: pd.DataFrame, lineterminator: str = "\n") -> str:
    """A frame as CSV text with every text cell made safe (see safe_frame).

    A cell holding a carriage return is always quoted: the csv module quotes only the characters of its own line
    terminator, so with "\n" a bare CR in the data would go out unquoted and end the record early in a reader
    (or a spreadsheet). The frame is written with CRLF and each record then given `lineterminator`."""
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    if lineterminator == "\r\n":
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    records = []
    for record in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(record)
        records.append(out.getvalue()[:-2] + lineterminator)
        out.seek(0)
        out.truncate()
    return "".join(records)


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV bytes for a spreadsheet: every text cell made safe, UTF-8 with BOM, CRLF line ends."""
    return safe_csv_text(frame, "\r\n").encode("utf-8-sig")
