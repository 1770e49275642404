"""CSV for spreadsheets: UTF-8 with a BOM (Excel reads it as UTF-8) and no cell that a spreadsheet runs as a formula."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula (or hides one) to Excel, LibreOffice and Google Sheets."""


def safe_csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula ('=HYPERLINK(…)', '@SUM(…)', '-2+3') gets a leading ' so it
    shows as the text it is; numbers and every other value pass unchanged (a negative number is not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV bytes: the header and every text cell made safe, UTF-8 with BOM, CRLF line ends."""
    safe = frame.rename(columns={c: safe_csv_cell(c) for c in frame.columns})
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_csv_cell)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
