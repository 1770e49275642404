"""Read an analyst's file (CSV as Excel writes it, or .xlsx) into header, cells and file line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from dashboard.importer.problems import ImportProblem

DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class RawTable:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    """File line (CSV) or sheet row (Excel) of each row, as the analyst's editor shows it."""
    header_line: int = 1
    encoding: str = "utf-8"
    delimiter: str = ","
    problems: list[ImportProblem] = field(default_factory=list)


def read_table(data: bytes, file_name: str) -> RawTable:
    """Bytes of a .csv/.txt or .xlsx file → RawTable; problems say what could not be read."""
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if file_name.lower().endswith(".xls"):
        return _unreadable("an old .xls workbook cannot be read", "save it as .xlsx or CSV and upload that")
    return _read_csv(data)


def _unreadable(problem: str, fix: str) -> RawTable:
    return RawTable([], [], [], problems=[ImportProblem(None, None, None, problem, fix)])


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # What Excel on Windows writes for "CSV (Comma delimited)": the £ sign is byte 0xA3.
        return data.decode("cp1252", errors="replace"), "windows-1252"


EMPTY_FIX = "export the sheet again with a header row and one row per target"


def _read_csv(data: bytes) -> RawTable:
    text, encoding = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    for record in reader:
        if any(cell.strip() for cell in record):
            if header is None:
                header, header_line = record, start
            else:
                rows.append(record)
                lines.append(start)
        start = reader.line_num + 1
    if header is None:  # nothing but blanks, a BOM or bare delimiters: what Excel saves for an empty sheet
        return _unreadable("the file is empty", EMPTY_FIX)
    return RawTable(header, rows, lines, header_line, encoding, delimiter)


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or mislabelled file
        return _unreadable("the file is not a readable .xlsx workbook", "open it in Excel and save it as .xlsx again")
    sheet = book.worksheets[0]
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        cells = [_cell_text(c.value, getattr(c, "number_format", "")) for c in row]
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header, header_line = cells, number
        else:
            rows.append(cells)
            lines.append(number)
    book.close()
    if header is None:
        return _unreadable("the workbook's first sheet is empty", "put the header row and the data on the first sheet")
    return RawTable(header, rows, lines, header_line, "xlsx", "")


def _cell_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        # A cell formatted as 12% holds 0.12; the analyst typed and sees 12.
        if number_format and "%" in number_format:
            value = round(value * 100, 10)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)
