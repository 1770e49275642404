"""Read an analyst's file (CSV as Excel writes it, or .xlsx) into header, cells and file line numbers.

Cells are held column by column, stripped, repeated values (boards, periods, statuses) as codes and the rest as
Arrow text, so a 2,000,000-row file is neither two million lists of strings nor a string object per cell. The
limits below are checked while reading, so a hostile file is refused before its data is held in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.importer.problems import ImportProblem

DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"

MAX_ROWS = 2_000_000
"""Data rows one import reads (an .xlsx sheet holds at most EXCEL_MAX_ROWS, Excel's own limit)."""
MAX_COLUMNS = 100
MAX_CELL = 32_767
"""Characters in one cell: Excel's own limit."""
EXCEL_MAX_ROWS = 1_048_576
MAX_LINE = MAX_COLUMNS * (MAX_CELL + 3)
"""A physical CSV line longer than the widest row within the limits is refused before it is held."""

_CHUNK = 8192
_SHARED = 65_536
"""Distinct values coded per column; past that a column is mostly unique figures, not worth a lookup table."""

UTF8_FIX = "save it from Excel as CSV UTF-8 (Comma delimited) and upload that"
EMPTY_FIX = "export the sheet again with a header row and one row per target"


class _Rows(Sequence):
    """Row view over column-major cells, for code that looks at a few rows (row i → list of cells)."""

    def __init__(self, columns: list[pd.api.extensions.ExtensionArray], count: int):
        self._columns = columns
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        return [column[index] for column in self._columns]

    def __iter__(self) -> Iterator[list[str]]:
        return (list(row) for row in zip(*self._columns, strict=True)) if self._columns else iter([[]] * self._count)


@dataclass
class RawTable:
    header: list[str]
    columns: list[pd.api.extensions.ExtensionArray]
    """The stripped cells of each header column (a Categorical, or Arrow-backed strings); a short row is padded
    with ''."""
    lines: Sequence[int]
    """File line (CSV) or sheet row (Excel) of each row, as the analyst's editor shows it."""
    header_line: int = 1
    encoding: str = "utf-8"
    delimiter: str = ","
    problems: list[ImportProblem] = field(default_factory=list)
    surplus: dict[int, int] = field(default_factory=dict)
    """Row index → number of values, for rows with more values than the header has columns (cut to width)."""
    sheet: str | None = None
    """The sheet read from a workbook (the active one, or the only visible one); None for CSV."""

    @property
    def rows(self) -> _Rows:
        return _Rows(self.columns, len(self.lines))


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
        from dashboard.importer.xlsx import read_xlsx

        return read_xlsx(stream.read())  # a workbook is a zip: Excel's row limit keeps it small enough to hold
    if file_name.lower().endswith(".xls"):
        return unreadable("an old .xls workbook cannot be read", "save it as .xlsx or CSV and upload that")
    return _read_csv(stream)


def unreadable(problem: str, fix: str, line: int | None = None, column: str | None = None) -> RawTable:
    return RawTable([], [], [], problems=[ImportProblem(line, column, None, problem, fix)])


def refused(problems: list[ImportProblem], sheet: str | None = None) -> RawTable:
    return RawTable([], [], [], problems=problems, sheet=sheet)


def column_name(header: Sequence[str], index: int) -> tuple[str, str | None]:
    """(field, heading) a problem names for the cell in column index: ('actual', 'Outturn'), or ('#7', None)."""
    from dashboard.importer.validate import column_key, field_of  # validate reads RawTable: imported late

    heading = str(header[index]).strip() if index < len(header) else ""
    if not heading:
        return f"#{index + 1}", None
    name = field_of(heading)
    return name, (heading if column_key(heading) != name else None)


def cell_problem(header: Sequence[str], line: int, index: int, problem: str, fix: str) -> ImportProblem:
    name, heading = column_name(header, index)
    return ImportProblem(line, name, None, problem, fix, heading)


def too_long(header: Sequence[str], line: int, index: int, length: int | None = None) -> ImportProblem:
    size = f"{length:,} characters" if length else "more characters"
    return cell_problem(
        header,
        line,
        index,
        f"the cell holds {size}; a cell holds at most {MAX_CELL:,} (Excel's own limit)",
        "shorten the text in this cell",
    )


def too_many_rows(line: int, most: int) -> ImportProblem:
    return ImportProblem(
        line,
        None,
        None,
        f"the file has more than {most:,} rows, the most one import reads",
        f"split it into files of at most {most:,} rows (a year each, say) and import each one",
    )


def too_many_columns(line: int, count: int | str) -> ImportProblem:
    return ImportProblem(
        line,
        None,
        None,
        f"the row has {count} columns; an import reads at most {MAX_COLUMNS}",
        "delete the columns that are not part of the import format (or stray values far to the right)",
    )


class _Column:
    """One column's stripped cells: codes into its distinct values while they repeat, Arrow text once mostly distinct.

    A Python string per cell costs about 60 bytes; a code costs 4 (a byte or two once the column is done), and
    Arrow text costs the characters plus 8, for figures and free text that hardly repeat."""

    def __init__(self) -> None:
        self.distinct: dict[str, int] | None = {}
        self.codes: list[np.ndarray] = []
        self.text: list[pa.Array] = []
        self.count = 0

    def extend(self, cells: Iterable[str]) -> None:
        if self.distinct is None:
            self.text.append(pa.array(list(cells), type=pa.large_string()))
            return
        seen = self.distinct
        codes = np.array([seen.setdefault(cell, len(seen)) for cell in cells], dtype=np.int32)
        self.codes.append(codes)
        self.count += len(codes)
        if len(seen) > _SHARED or len(seen) * 2 > self.count:  # a lookup table would cost more than it saves
            self._to_text()

    def _to_text(self) -> None:
        values = np.array(list(self.distinct or ()), dtype=object)
        self.text = [pa.array(values[np.concatenate(self.codes)], type=pa.large_string())]
        self.distinct, self.codes = None, []

    def array(self) -> pd.api.extensions.ExtensionArray:
        """The cells as a pandas array: a Categorical of the distinct values, or Arrow-backed strings."""
        if self.distinct is None:
            return pd.array(pa.chunked_array(self.text, type=pa.large_string()), dtype="str")
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int32)
        return pd.Categorical.from_codes(codes, categories=pd.Index(list(self.distinct), dtype=object))


class ColumnBuilder:
    """Rows in, compact columns out: cells stripped, rows moved over to their columns in chunks."""

    def __init__(self, header: list[str]):
        self.header = header
        self.width = len(header)
        self._chunk: list[Sequence[str]] = []
        self._columns = [_Column() for _ in header]
        self.lines = array("q")
        self.surplus: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def add(self, record: list[str], line: int) -> None:
        if len(record) != self.width:
            if len(record) > self.width:
                self.surplus[len(self.lines)] = len(record)
                record = record[: self.width]
            else:
                record = record + [""] * (self.width - len(record))
        self._chunk.append(record)
        self.lines.append(line)
        if len(self._chunk) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._chunk:
            return
        for column, cells in zip(self._columns, zip(*self._chunk, strict=True), strict=True):
            column.extend(map(str.strip, cells))
        self._chunk.clear()

    def table(self, header_line: int, encoding: str, delimiter: str, sheet: str | None = None) -> RawTable:
        self._flush()
        columns = [column.array() for column in self._columns]
        return RawTable(
            self.header, columns, self.lines, header_line, encoding, delimiter, surplus=self.surplus, sheet=sheet
        )


# ------------------------------------------------------------------------------------------------- CSV


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NOT_CP1252 = re.compile(rb"[\x00\x81\x8d\x8f\x90\x9d]")
"""NUL and the five bytes Windows-1252 leaves undefined: a file holding them is not Windows-1252 text."""


def _chunks(stream: BinaryIO, size: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of the whole file in about size-byte pieces, never splitting a UTF-8 character.

    A piece never ends just before a continuation byte, so a multi-byte character or a two-byte pattern
    is always within one piece, and each piece can be decoded or searched on its own."""
    stream.seek(0)
    offset, carry = 0, b""
    while True:
        block = stream.read(size)
        data = carry + block
        if not block:
            if data:
                yield offset, data
            break
        end = _piece_end(data)
        yield offset, data[:end]
        offset, carry = offset + end, data[end:]
    stream.seek(0)


def _piece_end(data: bytes) -> int:
    """Where to cut data so the next piece starts at a byte that begins a character (the rest is carried)."""
    end = len(data) - 1  # the last byte is carried: the next block may continue it
    while end > 0 and 0x80 <= data[end] < 0xC0:
        end -= 1
    return end if end > 0 else len(data)


def _line_of(stream: BinaryIO, offset: int) -> int:
    lines = 1
    for start, piece in _chunks(stream):
        if start >= offset:
            break
        lines += piece.count(b"\n", 0, offset - start)
    return lines


def _byte_at(stream: BinaryIO, offset: int) -> int:
    stream.seek(offset)
    byte = stream.read(1)[0]
    stream.seek(0)
    return byte


def _first_bad_utf8(stream: BinaryIO) -> int | None:
    """Offset of the first byte that is not UTF-8, checked in chunks so the file is never decoded whole."""
    for start, piece in _chunks(stream):
        if piece.isascii():
            continue
        try:
            codecs.utf_8_decode(piece, "strict", True)
        except UnicodeDecodeError as error:
            return start + error.start
    return None


def _first_match(stream: BinaryIO, pattern: re.Pattern[bytes]) -> int | None:
    """Offset of the first match of a pattern no longer than one character, searched piece by piece."""
    for start, piece in _chunks(stream):
        if found := pattern.search(piece):
            return start + found.start()
    return None


def _encoding(stream: BinaryIO) -> tuple[str | None, ImportProblem | None]:
    """('utf-8-sig' or 'cp1252', None), or (None, the problem) for text that is neither."""
    stream.seek(0)
    head = stream.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") * 4 >= len(head) > 0:
        problem = "the file is UTF-16 text, which the import does not read"
        return None, ImportProblem(None, None, None, problem, UTF8_FIX)
    bad = _first_bad_utf8(stream)
    if bad is None:
        return "utf-8-sig", None
    line = _line_of(stream, bad)
    if _first_match(stream, _UTF8_MULTIBYTE) is not None:
        # UTF-8 text with one character pasted from elsewhere: reading it all as Windows-1252 would turn
        # every ’ into â€™ and make new boards and targets, so neither reading is safe.
        byte = _byte_at(stream, bad)
        problem = f"this line has a byte (0x{byte:02X}) that is not UTF-8, while the rest of the file is UTF-8"
        fix = f"retype the odd character (often £, ’ or é) on line {line}, then {UTF8_FIX}"
        return None, ImportProblem(line, None, None, problem, fix)
    odd = _first_match(stream, _NOT_CP1252)
    if odd is not None:
        line = _line_of(stream, odd)
        problem = f"this line has a byte (0x{_byte_at(stream, odd):02X}) that is neither UTF-8 nor Windows-1252 text"
        return None, ImportProblem(line, None, None, problem, f"check the file is the CSV export, then {UTF8_FIX}")
    # What Excel on Windows writes for "CSV (Comma delimited)": the £ sign is byte 0xA3.
    return "cp1252", None


class _LineTooLong(Exception):
    def __init__(self, line: int):
        self.line = line


class _Lines:
    """The file's physical lines for csv.reader, counted, the current record's lines kept for error reports."""

    def __init__(self, stream: io.TextIOBase):
        self.stream = stream
        self.number = 0
        self.pending: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_LINE)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
            raise _LineTooLong(self.number)
        self.pending.append(line)
        return line

    def take(self) -> tuple[int, list[str]]:
        """(first line number, lines) of the record just read; the next record starts afresh."""
        lines, self.pending = self.pending, []
        return self.number - len(lines) + 1, lines


def _sniff(stream: io.TextIOBase) -> str:
    while True:
        line = stream.readline(MAX_LINE)
        if not line or line.strip():
            break
    stream.seek(0)
    return max(DELIMITERS, key=line.count)


def _read_csv(source: BinaryIO) -> RawTable:
    encoding, problem = _encoding(source)
    if problem:
        return refused([problem])
    source.seek(0)
    stream = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        delimiter = _sniff(stream)
        lines = _Lines(stream)
        return _records(csv.reader(lines, delimiter=delimiter), lines, encoding, delimiter)
    except _LineTooLong as error:
        return refused([_long_line(error.line)])
    finally:
        stream.detach()  # the caller's file stays open: it is the caller's to close


def _records(reader: Iterator[list[str]], lines: _Lines, encoding: str, delimiter: str) -> RawTable:
    builder: ColumnBuilder | None = None
    header_line = 1
    pending: list[str] = []
    try:
        for record in reader:
            start, pending = lines.take()
            joined = "".join(record)
            if not joined.strip():
                continue
            problem = _over_limit(record, joined, start, builder)
            if problem:
                return refused([problem])
            if builder is None:
                builder, header_line = ColumnBuilder(record), start
            else:
                builder.add(record, start)
    except csv.Error:
        start, pending = lines.take()
        header = builder.header if builder is not None else []
        return refused([_broken_record(header, start, pending, lines, delimiter)])
    if builder is None:  # nothing but blanks, a BOM or bare delimiters: what Excel saves for an empty sheet
        return unreadable("the file is empty", EMPTY_FIX)
    opened = _unclosed_quote(pending, delimiter) if len(pending) > 1 else None
    if opened is not None:
        start = lines.number - len(pending) + 1
        return refused([_unclosed(builder.header, start + opened[0], opened[1])])
    label = "utf-8" if encoding == "utf-8-sig" else "windows-1252"
    return builder.table(header_line, label, delimiter)


def _over_limit(record: list[str], joined: str, line: int, builder: ColumnBuilder | None) -> ImportProblem | None:
    """The first limit this record breaks, checked before it is kept."""
    if len(joined) > MAX_CELL:
        long = next((i for i, cell in enumerate(record) if len(cell) > MAX_CELL), None)
        if long is not None:
            header = builder.header if builder is not None else record
            return too_long(header, line, long, len(record[long]))
    if len(record) > MAX_COLUMNS:
        return too_many_columns(line, len(record))
    if builder is not None and len(builder) >= MAX_ROWS:
        return too_many_rows(line, MAX_ROWS)
    return None


def _unclosed_quote(lines: Iterable[str], delimiter: str, stop_after: int | None = None) -> tuple[int, int] | None:
    """(line offset, column index) where a quoted cell of one record opens and never closes, or None.

    csv.reader reads an unclosed quote as one cell running to the end of the file, silently. With stop_after,
    a quote closing on a line past that offset ends the search (the rest of the file is not scanned)."""
    quoted_at: tuple[int, int] | None = None
    column = 0
    for offset, line in enumerate(lines):
        i, at_start = 0, offset == 0 or quoted_at is None
        while i < len(line):
            if quoted_at is not None:
                j = line.find('"', i)
                if j < 0:
                    break
                if line.startswith('"', j + 1):
                    i = j + 2
                    continue
                quoted_at, i, at_start = None, j + 1, False
                if stop_after is not None and offset >= stop_after:
                    return None
            elif at_start and line[i] == '"':
                quoted_at, i = (offset, column), i + 1
            else:
                j = line.find(delimiter, i)
                if j < 0:
                    break
                column, i, at_start = column + 1, j + 1, True
    return quoted_at


def _unclosed(header: Sequence[str], line: int, index: int) -> ImportProblem:
    return cell_problem(
        header,
        line,
        index,
        "a quote opens in this cell and is never closed, so the rest of the file would be read as this one cell",
        'close the quote (") at the end of the cell, or remove it',
    )


def _broken_record(
    header: Sequence[str], start: int, pending: list[str], lines: _Lines, delimiter: str
) -> ImportProblem:
    """csv.reader gave up on the record starting at line start: a cell over its field limit."""
    # An unclosed quote running on past the field limit looks the same: it is one if no later quote closes it.
    try:
        opened = _unclosed_quote(itertools.chain(pending, lines), delimiter, stop_after=len(pending))
    except _LineTooLong:
        opened = None
    if opened is not None:
        return _unclosed(header, start + opened[0], opened[1])
    return ImportProblem(
        start,
        None,
        None,
        f"a cell in the row starting on this line holds more than {MAX_CELL:,} characters (Excel's own limit)",
        "shorten the text in that cell, or close a quote left open",
    )


def _long_line(line: int) -> ImportProblem:
    return ImportProblem(
        line,
        None,
        None,
        f"the line is longer than {MAX_LINE:,} characters, more than {MAX_COLUMNS} cells of {MAX_CELL:,} characters",
        "check it is the CSV export of the sheet; shorten the long cells or delete the stray columns",
    )
