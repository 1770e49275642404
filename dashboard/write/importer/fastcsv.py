"""The quick way to read a plain CSV file: Arrow's C++ reader, for a UTF-8 file whose every row is one line.

What the hand-written reader (csvfile) would read the same, about twenty times faster: a file it cannot vouch for
(a quoted cell over several lines, a blank row, a short or long row, a cell or line over the limits, a stray
carriage return or NUL) is left to csvfile, which finds the exact line and says what is wrong."""

from __future__ import annotations

import csv
import sys
from functools import cache
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dashboard.write.importer.table import MAX_CELL, MAX_COLUMNS, SHARED, RawTable


@cache
def whitespace() -> str:
    """What str.strip() strips, for Arrow's trim to strip alike."""
    return "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def fast_table(source: BinaryIO, delimiter: str, max_rows: int, max_line: int) -> RawTable | None:
    """The RawTable of a plain UTF-8 CSV file as csvfile would read it, or None when only csvfile can say.

    max_rows and max_line are csvfile's limits (a longer file or line is left to csvfile, which refuses it); a
    line is measured in bytes here: a UTF-8 line of fewer bytes has fewer characters."""
    try:
        found = _lines(source, max_line)
        if found is None:
            return None
        count, quoted = found
        header = _header(source, delimiter, max_line)
        if header is None or count - 1 > max_rows:
            return None
        table = _arrow(source, delimiter, len(header), quoted)
    finally:
        source.seek(0)
    if table is None or table.num_rows != count - 1 or not table.num_rows:
        return None  # a quoted cell over several lines, or a blank line: csvfile numbers the lines
    columns = [_compact(c) for c in table.columns]
    if any(too_long for _, too_long in columns):
        return None
    cells = [c for c, _ in columns]
    if _any_blank_row(cells):
        return None  # csvfile skips a row of empty cells, and counts the lines around it
    lines = np.arange(2, count + 1, dtype=np.int64)
    return RawTable(header, cells, lines, encoding="utf-8", delimiter=delimiter)


def _lines(source: BinaryIO, max_line: int, size: int = 1 << 22) -> tuple[int, bool] | None:
    """(physical lines, whether any quote is in the file), or None for a file with a line over max_line bytes,
    a carriage return not ending a line, or a NUL."""
    source.seek(0)
    lines, last_end, offset, quoted, previous = 0, -1, 0, False, b""
    while block := source.read(size):
        if b"\x00" in block:
            return None
        if block.count(b"\r") != block.count(b"\r\n") + (block.endswith(b"\r")):
            return None
        if previous == b"\r" and not block.startswith(b"\n"):
            return None
        quoted = quoted or b'"' in block
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A) + offset
        if len(ends):
            longest = max(int(ends[0] - last_end), int(np.diff(ends).max(initial=0)))
            if longest > max_line:
                return None
            last_end, lines = int(ends[-1]), lines + len(ends)
        offset += len(block)
        if offset - last_end > max_line:
            return None
        previous = block[-1:]
    if previous == b"\r":
        return None
    return (lines + (offset - 1 > last_end)), quoted


def _header(source: BinaryIO, delimiter: str, max_line: int) -> list[str] | None:
    """The first line's cells, as csvfile reads them; None when it is blank or over the limits."""
    source.seek(0)
    text = source.readline(max_line).decode("utf-8-sig")
    header = next(csv.reader([text], delimiter=delimiter), [])
    if not "".join(header).strip() or len(header) > MAX_COLUMNS or any(len(c) > MAX_CELL for c in header):
        return None
    return header


def _arrow(source: BinaryIO, delimiter: str, width: int, quoted: bool) -> pa.Table | None:
    """Every row after the header as text, or None when a row has not the header's width."""
    names = [f"c{i}" for i in range(width)]
    source.seek(0)
    try:
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None


def _any_blank_row(columns: list[pd.api.extensions.ExtensionArray]) -> bool:
    blank = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        blank &= np.asarray(column == "", dtype=bool)
        if not blank.any():
            return False
    return True


def _compact(column: pa.ChunkedArray) -> tuple[pd.api.extensions.ExtensionArray, bool]:
    """(the stripped cells, True when a cell is over MAX_CELL), held as table._Column holds them: codes into the
    distinct values when they repeat, else Arrow text."""
    encoded = column.combine_chunks().dictionary_encode()
    distinct = encoded.dictionary
    if len(distinct) > SHARED or len(distinct) * 2 > len(column):
        too_long = pc.max(pc.utf8_length(column)).as_py() > MAX_CELL
        return pd.array(pc.utf8_trim(column, whitespace()), dtype="str"), too_long
    # Each distinct cell stripped once, in Python as csvfile strips it; cells alike once stripped share a code.
    values = distinct.to_pylist()
    too_long = any(len(v) > MAX_CELL for v in values)
    merged, categories = pd.factorize(np.array([v.strip() for v in values], dtype=object))
    codes = merged[encoded.indices.to_numpy(zero_copy_only=False)]
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object)), too_long
