"""Read a CSV file as Excel writes it (UTF-8 or Windows-1252, comma, semicolon or tab) into a RawTable, in chunks:
the file is never held whole, and the limits are checked while reading, so a hostile file is refused before its
data is held in memory. Hand-written rather than pandas' reader: it keeps each row's exact file line (quoted
cells span lines) and refuses an over-limit line or file before holding it."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from dashboard.write.importer.fastcsv import fast_table
from dashboard.write.importer.problems import ImportProblem
from dashboard.write.importer.table import (
    MAX_CELL,
    MAX_COLUMNS,
    ColumnBuilder,
    RawTable,
    cell_problem,
    refused,
    too_long,
    too_many_columns,
    too_many_rows,
    unreadable,
)

DELIMITERS = (",", ";", "\t")
MAX_ROWS = 2_000_000
"""Data rows one import reads (an .xlsx sheet holds at most EXCEL_MAX_ROWS, Excel's own limit)."""
MAX_LINE = MAX_COLUMNS * (MAX_CELL + 3)
"""A physical CSV line longer than the widest row within the limits is refused before it is held."""
UTF8_FIX = "save it from Excel as CSV UTF-8 (Comma delimited) and upload that"
EMPTY_FIX = "export the sheet again with a header row and one row per target"


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


def read_csv(source: BinaryIO) -> RawTable:
    encoding, problem = _encoding(source)
    if problem:
        return refused([problem])
    source.seek(0)
    stream = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        delimiter = _sniff(stream)
        if encoding == "utf-8-sig" and (table := fast_table(source, delimiter, MAX_ROWS, MAX_LINE)) is not None:
            return table
        stream.seek(0)  # the quick reader could not vouch for the file: read it here, line by line
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
