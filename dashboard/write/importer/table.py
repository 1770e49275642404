"""The table every reader makes of an analyst's file, the limits a reader checks while reading, and the problems
it reports: header, cells held column by column, and file line numbers.

Cells are held column by column, stripped, repeated values (boards, periods, statuses) as codes and the rest as
Arrow text, so a 2,000,000-row file is neither two million lists of strings nor a string object per cell.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.domain.fileformat import column_key, field_of
from dashboard.write.importer.problems import ImportProblem

MAX_COLUMNS = 100
MAX_CELL = 32_767
"""Characters in one cell: Excel's own limit."""
EXCEL_MAX_ROWS = 1_048_576

_CHUNK = 8192
SHARED = 65_536
"""Distinct values coded per column; past that a column is mostly unique figures, not worth a lookup table."""


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


def unreadable(problem: str, fix: str, line: int | None = None, column: str | None = None) -> RawTable:
    return RawTable([], [], [], problems=[ImportProblem(line, column, None, problem, fix)])


def refused(problems: list[ImportProblem], sheet: str | None = None) -> RawTable:
    return RawTable([], [], [], problems=problems, sheet=sheet)


def column_name(header: Sequence[str], index: int) -> tuple[str, str | None]:
    """(field, heading) a problem names for the cell in column index: ('actual', 'Outturn'), or ('#7', None)."""
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
        if len(seen) > SHARED or len(seen) * 2 > self.count:  # a lookup table would cost more than it saves
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
