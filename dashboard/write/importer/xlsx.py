"""Read the sheet an analyst sees in an .xlsx workbook, refusing what would be read wrongly or could not be held.

Before openpyxl reads a value, the sheet's XML is streamed once (expat, constant memory) to find what openpyxl
would read silently wrong or too slowly: a formula with no stored value (read as an empty cell, it would clear
the stored figure), merged cells (only the first cell of a merge holds the value), and the limits on rows,
columns and cell length, each checked as the XML goes by, so a workbook bomb is refused before it is held.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.parsers import expat

from dashboard.logs import log
from dashboard.write.importer.problems import ImportProblem
from dashboard.write.importer.table import (
    EXCEL_MAX_ROWS,
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

EXCEL_MAX_COLUMNS = 16_384
MAX_XML_CELLS = 30_000_000
"""Cell elements scanned in one sheet (empty styled cells included): a million rows of 28 cells."""
MAX_LISTED = 100
"""Formula and merge problems listed one by one; past that the file is plainly not a hand-made export."""
UNREADABLE_FIX = "open it in Excel and save it as .xlsx again"
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,9})$")


class _Stop(Exception):
    """A limit was hit: scanning stops at once."""

    def __init__(self, problem: ImportProblem, cell: tuple[int, int, int | None] | None = None):
        self.problem = problem
        self.cell = cell
        """(row, column, length) of a cell over MAX_CELL, to be named by its heading once that is read."""


def read_xlsx(data: bytes) -> RawTable:
    """The active (or only visible) worksheet → RawTable, or the problems that stop it being read."""
    sheet, long_strings = None, set()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        with archive:
            sheet, path = _pick_sheet(data)
            long_strings = _long_strings(archive)
            scan = _scan(archive, path, long_strings)
    except _Stop as stop:
        if stop.cell and not long_strings:  # openpyxl holds every shared string: only read the header if safe
            row, column, length = stop.cell
            return refused([too_long(_header(data, sheet, column), row, column - 1, length)], sheet)
        return refused([stop.problem], sheet)
    except Exception:  # a damaged or mislabelled file: zipfile, expat and openpyxl raise many kinds
        log.info("a workbook could not be opened", exc_info=True)
        return unreadable("the file is not a readable .xlsx workbook", UNREADABLE_FIX)
    if scan.max_column == 0:
        return _empty(sheet)
    try:
        table = _read_values(data, sheet, scan.max_column)
    except Exception:
        log.info("a workbook's values could not be read", exc_info=True)
        return unreadable("the file is not a readable .xlsx workbook", UNREADABLE_FIX)
    problems = scan.problems(table.header, table.header_line)
    if problems:
        return refused(problems, sheet)
    return table


def _empty(sheet: str) -> RawTable:
    table = unreadable("the workbook's first sheet is empty", "put the header row and the data on the first sheet")
    table.sheet = sheet
    return table


def _pick_sheet(data: bytes) -> tuple[str, str]:
    """(name, XML path) of the sheet Excel opens on: the active one, or else the first visible worksheet."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    sheets = [(s, r) for s, r in reader.parser.find_sheets() if "chartsheet" not in r.Type]
    active = reader.wb._active_sheet_index
    every = list(reader.parser.find_sheets())
    chosen = every[active] if 0 <= active < len(every) else None
    if chosen is None or "chartsheet" in chosen[1].Type or (chosen[0].state or "visible") != "visible":
        chosen = next((s for s in sheets if (s[0].state or "visible") == "visible"), None)
    if chosen is None:
        raise _Stop(ImportProblem(None, None, None, "the workbook has no visible worksheet", "unhide the data sheet"))
    reader.archive.close()
    return chosen[0].name, chosen[1].target.lstrip("/")


def _parser(start=None, end=None, chars=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.buffer_text = True

    def no_dtd(*_: object) -> None:  # a workbook never has one; entity tricks live there
        raise ValueError("DTD in a workbook part")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    return parser


def _stream(archive: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    with archive.open(name) as src:
        while chunk := src.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _long_strings(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of shared strings over MAX_CELL characters, counted as they stream by (never held)."""
    name = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if name is None:
        return set()
    state = {"index": -1, "length": 0, "in_t": False}
    long: set[int] = set()

    def start(tag: str, _attrs: dict) -> None:
        local = tag.rpartition(" ")[2]
        if local == "si":
            state["index"] += 1
            state["length"] = 0
        state["in_t"] = local == "t"

    def end(tag: str) -> None:
        local = tag.rpartition(" ")[2]
        state["in_t"] = False
        if local == "si" and state["length"] > MAX_CELL:
            long.add(state["index"])

    def chars(text: str) -> None:
        if state["in_t"]:
            state["length"] += len(text)

    _stream(archive, name, _parser(start, end, chars))
    return long


# Hand-written, not openpyxl.utils.cell: a hostile sheet names columns past XFD (up to 7 letters here), which
# openpyxl refuses with an error, and this reader must name them in its "too many columns" problem.
def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _number(letters: str) -> int:
    out = 0
    for char in letters.upper():
        out = out * 26 + ord(char) - 64
    return out


def _split(ref: str) -> tuple[int, int]:
    """'AB12' → (12, 28) as (row, column)."""
    m = _REF.match(ref)
    if not m:
        raise ValueError(f"bad cell reference {ref!r}")
    return int(m.group(2)), _number(m.group(1))


@dataclass
class _Scan:
    long_strings: set[int]
    row: int = 0
    column: int = 0
    max_column: int = 0
    """The rightmost column holding a value."""
    cells: int = 0
    formulas: list[tuple[int, int]] = field(default_factory=list)
    formula_count: int = 0
    merged: list[str] = field(default_factory=list)
    _kind: str = "n"
    _formula: bool = False
    _value: bool = False
    _length: int = 0
    _text: list[str] = field(default_factory=list)
    _collect: bool = False

    def start(self, tag: str, attrs: dict) -> None:
        local = tag.rpartition(" ")[2]
        if local == "c":
            self._cell_start(attrs)
        elif local == "row":
            self.row = int(attrs["r"]) if "r" in attrs else self.row + 1
            self.column = 0
            if self.row > EXCEL_MAX_ROWS:
                raise _Stop(too_many_rows(self.row, EXCEL_MAX_ROWS))
        elif local == "f":
            self._formula = True
        elif local in ("v", "t"):
            self._value, self._collect = True, True
        elif local == "dimension":
            self._dimension(attrs.get("ref", ""))
        elif local == "mergeCell" and len(self.merged) < MAX_LISTED:
            self.merged.append(attrs.get("ref", ""))

    def _cell_start(self, attrs: dict) -> None:
        self.column = _split(attrs["r"])[1] if "r" in attrs else self.column + 1
        self.cells += 1
        if self.column > EXCEL_MAX_COLUMNS:
            raise _Stop(too_many_columns(self.row, f"more than {EXCEL_MAX_COLUMNS:,}"))
        if self.cells > MAX_XML_CELLS:
            raise _Stop(too_many_rows(self.row, EXCEL_MAX_ROWS))
        self._kind, self._formula, self._value, self._length = attrs.get("t", "n"), False, False, 0
        self._text.clear()

    def chars(self, text: str) -> None:
        if self._collect:
            self._length += len(text)
            if self._length <= 16:
                self._text.append(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition(" ")[2]
        if local in ("v", "t"):
            self._collect = False
        elif local == "c":
            self._cell_end()

    def _cell_end(self) -> None:
        # A formula written by a program that never calculated it has an empty <v/> (or none): openpyxl reads
        # None. Excel writes a formula whose result is the empty text as t="str" with an empty <v>: that is "".
        if self._formula and not self._length and self._kind not in ("str", "inlineStr"):
            self.formula_count += 1
            if len(self.formulas) < MAX_LISTED:
                self.formulas.append((self.row, self.column))
        if not self._length:
            return
        if self.column > MAX_COLUMNS:
            raise _Stop(too_many_columns(self.row, f"a value in column {_letters(self.column)}, so more than"))
        long = self._length > MAX_CELL
        if self._kind == "s" and self.long_strings:
            long = long or int("".join(self._text) or -1) in self.long_strings
        if long:
            length = self._length if self._length > MAX_CELL else None
            raise _Stop(too_long([], self.row, self.column - 1), (self.row, self.column, length))
        self.max_column = max(self.max_column, self.column)

    def _dimension(self, ref: str) -> None:
        """The used range the sheet declares: a bomb is refused here, before a row is read."""
        last = ref.split(":")[-1]
        if not _REF.match(last):
            return
        rows, columns = _split(last)
        if rows > EXCEL_MAX_ROWS:
            raise _Stop(too_many_rows(1, EXCEL_MAX_ROWS))
        if columns > MAX_COLUMNS:
            raise _Stop(too_many_columns(1, f"{columns:,} (the sheet's used range is {ref})"))

    def problems(self, header: list[str], header_line: int) -> list[ImportProblem]:
        out = [
            cell_problem(
                header,
                row,
                column - 1,
                "the cell holds a formula with no value (the workbook was written by a program, not saved by Excel)",
                "open and save the file in Excel, or type the number",
            )
            for row, column in self.formulas
        ]
        if self.formula_count > len(self.formulas):
            more = self.formula_count - len(self.formulas)
            out.append(ImportProblem(None, None, None, f"{more:,} more formulas have no value", "as above"))
        return out + self._merge_problems(header, header_line)

    def _merge_problems(self, header: list[str], header_line: int) -> list[ImportProblem]:
        out = []
        named = max((i + 1 for i, heading in enumerate(header) if str(heading).strip()), default=1)
        for ref in self.merged:
            first, _, last = ref.partition(":")
            (top, left), (bottom, _) = _split(first), _split(last or first)
            if bottom < header_line or left > named:
                continue  # a title above the table or a note beside it: no data cell is lost
            out.append(
                cell_problem(
                    header,
                    top,
                    left - 1,
                    f"cells {ref} are merged, so only the first holds the value and the others would read as empty",
                    f"unmerge {ref} (Home > Merge & Center) and type the value in each cell",
                )
            )
        return out


def _scan(archive: zipfile.ZipFile, path: str, long_strings: set[int]) -> _Scan:
    scan = _Scan(long_strings)
    _stream(archive, path, _parser(scan.start, scan.end, scan.chars))
    return scan


def _read_values(data: bytes, sheet: str, width: int, rows: int | None = None) -> RawTable:
    """The values of the checked sheet, never wider than its rightmost value."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        builder: ColumnBuilder | None = None
        header_line = 1
        for number, row in enumerate(book[sheet].iter_rows(max_col=width), start=1):
            cells = [_cell_text(c.value, getattr(c, "number_format", "")) for c in row]
            if not any(cell.strip() for cell in cells):
                continue
            if builder is None:
                builder, header_line = ColumnBuilder(cells), number
            elif rows is not None and len(builder) >= rows - 1:
                break
            else:
                builder.add(cells, number)
    finally:
        book.close()
    if builder is None:
        return _empty(sheet)
    return builder.table(header_line, "xlsx", "", sheet)


def _header(data: bytes, sheet: str, width: int) -> list[str]:
    """The first non-blank row, to name the column of a problem found before the values are read."""
    try:
        table = _read_values(data, sheet, width, rows=1)
    except Exception:
        log.info("a workbook's header could not be read to name a column", exc_info=True)
        return []
    return table.header


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
