"""Read an analyst's file (CSV as Excel writes it, or .xlsx) into header, cells and file line numbers: the reader
for its kind (dashboard.write.importer.csvfile or .xlsx), each making a RawTable (dashboard.write.importer.table)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from dashboard.write.importer.csvfile import read_csv
from dashboard.write.importer.table import RawTable, unreadable
from dashboard.write.importer.xlsx import read_xlsx

XLSX_MAGIC = b"PK\x03\x04"


def read_table(source: bytes | Path | BinaryIO, file_name: str) -> RawTable:
    """A .csv/.txt or .xlsx file (its bytes, its path, or a seekable binary file) → RawTable.

    From a path or file object a CSV file is read in chunks, never held whole: a 2,000,000-row file is 400 MB."""
    if isinstance(source, Path):
        with source.open("rb") as stream:
            return _read_stream(stream, file_name)
    return _read_stream(io.BytesIO(source) if isinstance(source, bytes | bytearray) else source, file_name)


def _read_stream(stream: BinaryIO, file_name: str) -> RawTable:
    magic = stream.read(len(XLSX_MAGIC))
    stream.seek(0)
    if file_name.lower().endswith((".xlsx", ".xlsm")) or magic.startswith(XLSX_MAGIC):
        return read_xlsx(stream.read())  # a workbook is a zip: Excel's row limit keeps it small enough to hold
    if file_name.lower().endswith(".xls"):
        return unreadable("an old .xls workbook cannot be read", "save it as .xlsx or CSV and upload that")
    return read_csv(stream)
