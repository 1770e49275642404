"""Check every cell of a RawTable against the import format; collect every problem, not just the first."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dashboard.domain.fileformat import KNOWN, LIMITS, REQUIRED, TEXT_LIMITS, column_key, field_of
from dashboard.domain.names import normalise_code
from dashboard.domain.periods import PERIOD_FORMATS, BadPeriod, Period, YearWindow, parse_period
from dashboard.domain.rules import parse_polarity, parse_status
from dashboard.read.forecast import MEASURE_FIX, parse_measure
from dashboard.read.quality import FREQUENCY_FIX, parse_frequency
from dashboard.write.importer.problems import ImportProblem
from dashboard.write.importer.table import RawTable

TARGET_TYPES = ("designated", "mandatory education", "local", "stretch", "safeguarding")
NUMBER_FIX = "write a plain number such as 1200, 1,200, 12.5 or 12%, or leave the cell empty"
TOLERANCE_FIX = "write the amber band as a % of target from 0 to 100, e.g. 5"
MAX_MAGNITUDE = 1e12
MAGNITUDE_FIX = (
    "correct the figure: targets and actuals up to a million million (1,000,000,000,000) either way are accepted; "
    "write a bigger one in a larger unit, such as £ millions"
)

# C0 controls and DEL: PostgreSQL refuses NUL, and the others are invisible debris from a copy or a damaged
# export that would garble tables and papers. Tab, line feed and carriage return are kept: commentary is
# written in several lines, and a cell copied from Windows ends its lines with CR LF.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_FIX = "delete it: retype the cell, or paste the text again as plain text (tabs and line breaks may stay)"
SHOWN = 60
"""Longest value a problem shows in full; a longer one is cut, so that one problem stays one readable line."""

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class ParsedFile:
    rows: pd.DataFrame
    """One row per file row: line, area, indicator_code, period_end, period_label and each present column."""
    present: set[str]
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)
    """Field → the heading it was read from, as the file writes it (surrounding spaces removed)."""


def renamed_columns(headings: dict[str, str]) -> list[tuple[str, str]]:
    """(heading, field) for each heading read as a field of another name, in file order: [('Outturn', 'actual')]."""
    return [(heading, name) for name, heading in headings.items() if column_key(heading) != name]


def name_headings(problems: list[ImportProblem], headings: dict[str, str]) -> list[ImportProblem]:
    """Problems in a renamed column also name the file's heading: 'column rag (RAG Status)'."""
    renamed = {name: heading for heading, name in renamed_columns(headings)}
    return [replace(p, heading=renamed[p.column]) if p.column in renamed else p for p in problems]


def parse_table(table: RawTable, window: YearWindow | None = None) -> ParsedFile:
    """Header and cells → typed rows, or problems naming line, column, value and the fix."""
    problems = list(table.problems)
    if problems:
        return ParsedFile(pd.DataFrame(), set(), problems)
    columns, header_problems, warnings = _read_header(table)
    problems += header_problems
    headings = {name: table.header[index].strip() for name, index in columns.items()}
    if not table.rows:
        problems.append(
            ImportProblem(
                table.header_line,
                None,
                None,
                "the file has a header but no rows",
                "add one row per target per period under the header",
            )
        )
    if problems:
        return ParsedFile(pd.DataFrame(), set(columns), problems, warnings, headings)
    frame, shape_problems = _cells(table, columns)
    problems += shape_problems
    rows, cell_problems = _typed(frame, window or YearWindow.default())
    problems += name_headings(cell_problems, headings)
    return ParsedFile(rows, set(columns) - {"line"}, problems, warnings, headings)


def _read_header(table: RawTable) -> tuple[dict[str, int], list[ImportProblem], list[ImportProblem]]:
    columns: dict[str, int] = {}
    problems: list[ImportProblem] = []
    warnings: list[ImportProblem] = []
    line = table.header_line
    for index, name in enumerate(table.header):
        key = column_key(name)
        if not key:
            if any(index < len(r) and r[index].strip() for r in table.rows):
                warnings.append(
                    ImportProblem(
                        line,
                        f"#{index + 1}",
                        "",
                        "this column has no name, so it is not imported",
                        "give it one of the known column names, or delete it",
                    )
                )
            continue
        read_as = field_of(name)
        if read_as in columns:
            problems.append(_twice(line, read_as, table.header[columns[read_as]], name))
        elif read_as not in KNOWN:
            near = difflib.get_close_matches(key, KNOWN, n=1)
            hint = f"rename it to {near[0]}" if near else f"use one of: {', '.join(KNOWN)}; or delete it"
            warnings.append(
                ImportProblem(line, key, name, "this column is not part of the import format and is not imported", hint)
            )
        else:
            columns[read_as] = index
    for name in REQUIRED:
        if name not in columns:
            problems.append(
                ImportProblem(
                    line,
                    name,
                    None,
                    "a required column is missing from the header",
                    f"add a column named {name} (required: {', '.join(REQUIRED)})",
                )
            )
    return columns, problems, warnings


def _twice(line: int, read_as: str, first: str, second: str) -> ImportProblem:
    """Two headings read as one field; when they differ by more than case and spacing, both are named."""
    problem = "the column appears twice in the header"
    if column_key(first) != column_key(second):
        problem += f": {first.strip()!r} and {second.strip()!r} are both read as {read_as}"
    return ImportProblem(line, read_as, second, problem, "keep one of the two columns")


def _cells(table: RawTable, columns: dict[str, int]) -> tuple[pd.DataFrame, list[ImportProblem]]:
    # A surplus cell, even an empty one, is most often a value split by an unquoted comma (1,690): every cell
    # after it has moved one column to the right, so the row cannot be trusted. read.py has already stripped
    # the cells and padded short rows; its column arrays (categoricals or Arrow text) become the frame's columns
    # without a copy.
    lines = np.asarray(table.lines, dtype=np.int64)
    problems = [
        ImportProblem(
            int(lines[index]),
            None,
            None,
            f"the row has {count} values but the header names {len(table.header)} columns",
            "put commas or semicolons inside a value in double quotes, or remove the extra values",
        )
        for index, count in sorted(table.surplus.items())
    ]
    keep = np.ones(len(lines), dtype=bool)
    keep[list(table.surplus)] = False
    data = {key: table.columns[i] if keep.all() else table.columns[i][keep] for key, i in columns.items()}
    frame = pd.DataFrame(data, copy=False)
    frame["line"] = lines[keep]
    return frame, problems


def _typed(frame: pd.DataFrame, window: YearWindow) -> tuple[pd.DataFrame, list[ImportProblem]]:
    problems: list[ImportProblem] = []
    out = pd.DataFrame({"line": frame["line"].to_numpy()})
    lines = frame["line"].to_numpy()

    def report(column: str, mask: np.ndarray, problem: str, fix: str) -> None:
        # The few cells reported are picked first: a whole column as Python strings would cost hundreds of MB.
        for line, value in zip(lines[mask], frame[column].array[mask], strict=True):
            problems.append(ImportProblem(int(line), column, value, problem, fix))

    for column in ("indicator_code", "theme_board"):
        blank = (frame[column] == "").to_numpy()
        report(column, blank, f"{column} is required on every row", f"fill in the {column.replace('_', ' ')}")
    out["indicator_code"] = _map_distinct(frame["indicator_code"], normalise_code)
    out["theme_board"] = _map_distinct(frame["theme_board"], lambda s: " ".join(s.split()))

    period, bad = _map_unique(frame["period"], lambda text: _period_or_error(text, window))
    blank = (frame["period"] == "").to_numpy()
    report("period", blank, "period is required on every row", f"fill in the period: {PERIOD_FORMATS}")
    problems += _period_problems(frame, period, bad & ~blank)
    # The few distinct periods are looked at once each; the rows hold codes (labels) or shared dates (ends).
    ends = _map_distinct(period, lambda p: p.end if isinstance(p, Period) else None)
    out["period_end"] = np.where(ends.isna(), None, np.asarray(ends, dtype=object))  # dates, as the store's
    out["period_label"] = _map_distinct(period, lambda p: p.label if isinstance(p, Period) else None)

    out["area"] = _map_distinct(frame["area"], _tidy_name) if "area" in frame else None
    if "parent_area" in frame:
        out["parent_area"] = _map_distinct(frame["parent_area"], _tidy_name)
    for column in ("indicator_name", "lead_partner", "commentary", "remedial_action", "unit"):
        if column in frame:
            out[column] = _map_distinct(frame[column], lambda s: s or None)
    for column, (read, problem, fix) in CHOICES.items():
        if column in frame:
            values, bad = _map_unique(frame[column], read)
            report(column, bad, problem, fix)
            out[column] = pd.Categorical(values)
    for column in ("target", "actual", "tolerance_pct"):
        if column in frame:
            numbers, bad = parse_numbers(frame[column])
            report(column, bad, "not a number", NUMBER_FIX)
            for problem, fix, mask in _out_of_range(column, numbers, bad):
                report(column, mask, problem, fix)
            out[column] = numbers  # float64, NaN for an empty cell: 8 bytes a row, not a Python float each
    # In slices: the check joins a whole column into one string, hundreds of MB for 2,000,000 rows. The sort
    # below puts the problems back in file order.
    for rows in (slice(start, start + _CHUNK_ROWS) for start in range(0, len(frame), _CHUNK_ROWS)):
        problems += _text_problems(frame.iloc[rows], out.iloc[rows])
    problems.sort(key=lambda p: (p.line or 0, KNOWN.index(p.column) if p.column in KNOWN else 99))
    return out, problems


def _tidy_name(text: str) -> str | None:
    """An area's name with its spaces tidied; None for an empty cell."""
    return " ".join(text.split()) or None


def _out_of_range(column: str, numbers: pd.Series, bad: np.ndarray) -> list[tuple[str, str, np.ndarray]]:
    """(problem, fix, mask) for numbers that read well but cannot be meant: they would rate or show as nonsense."""
    if column == "tolerance_pct":
        negative = (numbers < 0).fillna(False).to_numpy() & ~bad
        over = (numbers > 100).fillna(False).to_numpy() & ~bad
        return [
            ("a tolerance cannot be negative", "write the amber band as a % of target, e.g. 5", negative),
            ("a tolerance cannot be more than 100%", TOLERANCE_FIX, over),
        ]
    # Beyond this a typo such as 1e308 overflows the percentages of the reports into inf%.
    huge = (numbers.abs() > MAX_MAGNITUDE).fillna(False).to_numpy() & ~bad
    return [("the number is too large to be a figure", MAGNITUDE_FIX, huge)]


def max_length(column: str) -> int | None:
    """The most characters the store holds in a text column (None: no limit)."""
    return TEXT_LIMITS[column]


def text_problem(column: str, text: str) -> tuple[str, str] | None:
    """(problem, fix) when text cannot be stored in column as it is: a control character, or too long."""
    if found := CONTROL.search(text):
        return f"the text holds an invisible control character (U+{ord(found.group()):04X})", CONTROL_FIX
    limit = max_length(column)
    if limit is not None and len(text) > limit:
        fix = f"shorten it to {limit} characters or fewer"
        if column == "indicator_code":
            fix += ": the code, such as NI 117, with the indicator's name in indicator_name"
        return f"the text is {len(text)} characters long; {column} holds at most {limit}", fix
    return None


def file_name_problem(file_name: str) -> ImportProblem | None:
    """The upload's file name, when it is too long for the store to record as the batch's."""
    limit = LIMITS["file_name"]
    if len(file_name) <= limit:
        return None
    return ImportProblem(
        None,
        None,
        shown_value(file_name),
        f"the file's name is {len(file_name)} characters long; an upload's file name holds at most {limit}",
        f"rename the file to {limit} characters or fewer and upload it again",
    )


def _text_problems(frame: pd.DataFrame, out: pd.DataFrame) -> list[ImportProblem]:
    """Text PostgreSQL would refuse at the write (NUL, over-long names), refused here alike for every backend."""
    problems = []
    for column in (c for c in TEXT_LIMITS if c in frame):
        raw, stored, rows = _text_of(frame[column], out[column])
        for i in _suspect_rows(raw, stored, max_length(column)):
            found = text_problem(column, raw[i]) if CONTROL.search(raw[i]) else text_problem(column, stored[i])
            for row in rows(i):
                if found:
                    problems.append(ImportProblem(int(frame["line"].iat[row]), column, shown_value(raw[i]), *found))
    return problems


def _text_of(raw: pd.Series, stored: pd.Series) -> tuple[np.ndarray, np.ndarray, Callable[[int], np.ndarray]]:
    """(cells, stored texts ('' for none), the rows holding the i-th of them) as Python strings: for coded columns
    each distinct pair of cell and stored text once, since a file repeats its few names on every row."""
    if isinstance(raw.dtype, pd.CategoricalDtype) and isinstance(stored.dtype, pd.CategoricalDtype):
        pairs = raw.cat.codes.to_numpy(np.int64) * (len(stored.cat.categories) + 1) + stored.cat.codes.to_numpy()
        _, first, inverse = np.unique(pairs, return_index=True, return_inverse=True)
        texts = [v if isinstance(v, str) else "" for v in stored.iloc[first].to_numpy(dtype=object)]
        cells = raw.iloc[first].to_numpy(dtype=object)
        return cells, np.array(texts, dtype=object), lambda i: np.flatnonzero(inverse == i)
    texts = np.array([v if isinstance(v, str) else "" for v in stored.to_numpy(dtype=object)], dtype=object)
    return raw.to_numpy(dtype=object), texts, lambda i: np.array([i])


def _suspect_rows(raw: np.ndarray, stored: np.ndarray, limit: int | None) -> np.ndarray:
    """Rows that hold a control character or are too long to store; one pass over the whole column when none is."""
    suspect = np.zeros(len(raw), dtype=bool)
    if limit is not None:
        suspect |= np.fromiter(map(len, stored), dtype=int, count=len(stored)) > limit
    if CONTROL.search("".join(raw)):
        suspect |= np.fromiter((CONTROL.search(c) is not None for c in raw), dtype=bool, count=len(raw))
    return np.flatnonzero(suspect)


def shown_value(text: str) -> str:
    """The value as a problem shows it: cut after SHOWN characters, so a pasted essay stays one line."""
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


_CHUNK_ROWS = 131_072
"""Rows checked at a time where each step copies a column: a whole 2,000,000-row column costs hundreds of MB."""


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Cells as Excel writes them ('1,200', '12%', ' £3 ') → floats; the mask marks cells that are not numbers."""
    if len(raw) <= _CHUNK_ROWS:
        return _parse_number_chunk(raw)
    parts = [_parse_number_chunk(raw.iloc[i : i + _CHUNK_ROWS]) for i in range(0, len(raw), _CHUNK_ROWS)]
    return pd.concat([numbers for numbers, _ in parts]), np.concatenate([bad for _, bad in parts])


def _parse_number_chunk(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = raw.astype(str).str.strip().str.replace("£", "", regex=False).str.replace(" ", "", regex=False)
    text = text.str.removesuffix("%")
    has_comma = text.str.contains(",", regex=False)
    thousands = has_comma & text.str.match(_THOUSANDS)
    text = text.where(~thousands, text.str.replace(",", "", regex=False))
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    nonblank = (raw.astype(str).str.strip() != "").to_numpy()
    finite = np.isfinite(numbers.to_numpy())
    bad = (nonblank & ~finite) | (has_comma & ~thousands).to_numpy()
    numbers = numbers.where(~bad, np.nan)
    return numbers, bad


def _map_distinct(cells: pd.Series | np.ndarray, convert: Callable[[object], object]) -> pd.Categorical:
    """convert() applied once per distinct cell; a categorical (None → missing) so rows hold small codes.

    Text columns repeat a few values on every row: as pandas strings each row would hold its own copy."""
    codes, distinct = pd.factorize(_cell_array(cells), use_na_sentinel=False)
    converted = np.empty(len(distinct), dtype=object)
    converted[:] = [convert(value) for value in distinct]
    # Two cells may convert alike ('ni117', 'NI 117'): categories must be distinct, so factorize again.
    merged, categories = pd.factorize(converted)
    return pd.Categorical.from_codes(merged[codes], categories=categories)


def _cell_array(cells: pd.Series | np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """What to factorize: the reader's categorical or Arrow cells as they are (no Python string per row)."""
    if isinstance(cells, pd.Series) and isinstance(cells.dtype, pd.CategoricalDtype | pd.StringDtype):
        return cells.array
    if isinstance(cells, pd.Categorical):
        return cells
    return np.asarray(cells, dtype=object)


def _map_unique(series: pd.Series, parse: Callable[[str], tuple[object, bool]]) -> tuple[pd.Categorical, np.ndarray]:
    """Parse each distinct cell once (files repeat periods, boards and statuses on every row).

    Returns (parsed value of each row, bad mask): a categorical of the distinct cells' parsed objects (None →
    missing), so what is made of them next is made once per distinct value too, never once a row."""
    codes, distinct = pd.factorize(_cell_array(series), use_na_sentinel=False)
    values, bad = np.empty(len(distinct), dtype=object), np.zeros(len(distinct), dtype=bool)
    for i, cell in enumerate(distinct):
        values[i], bad[i] = parse(cell)
    merged, parsed = pd.factorize(values)  # two cells may parse alike ('2009/10 Q3', '31/12/2009')
    return pd.Categorical.from_codes(merged[codes], categories=parsed), bad[codes]


def _period_or_error(text: str, window: YearWindow) -> tuple[Period | BadPeriod, bool]:
    try:
        return parse_period(text, window), False
    except BadPeriod as error:
        return error, True


def _period_problems(frame: pd.DataFrame, periods: pd.Categorical, mask: np.ndarray) -> list[ImportProblem]:
    """Each unreadable period with parse_period's own reason: not a period, no such date, an ambiguous quarter."""
    return [
        ImportProblem(int(frame["line"].iat[i]), "period", frame["period"].iat[i], periods[i].problem, periods[i].fix)
        for i in np.flatnonzero(mask)
    ]


def _target_type_or_error(text: str) -> tuple[object, bool]:
    if not text:
        return None, False
    word = " ".join(text.lower().replace("_", " ").split())
    return (word, False) if word in TARGET_TYPES else (None, True)


def _polarity_or_error(text: str) -> tuple[object, bool]:
    if not text:
        return None, False
    polarity = parse_polarity(text)
    return (polarity.value, False) if polarity else (None, True)


def _frequency_or_error(text: str) -> tuple[object, bool]:
    if not text:
        return None, False
    frequency = parse_frequency(text)
    return (frequency.value, False) if frequency else (None, True)


def _status_or_error(text: str) -> tuple[object, bool]:
    if not text:
        return None, False
    status = parse_status(text)
    return (status.value, False) if status else (None, True)


def _measure_or_error(text: str) -> tuple[object, bool]:
    if not text:
        return None, False
    measure = parse_measure(text)
    return (measure.value, False) if measure else (None, True)


CHOICES = {
    "target_type": (
        _target_type_or_error,
        "not a target type",
        f"use one of: {', '.join(TARGET_TYPES)}, or leave it empty",
    ),
    "polarity": (_polarity_or_error, "not a polarity", "use higher_is_better or lower_is_better, or leave it empty"),
    "frequency": (_frequency_or_error, "not a frequency", FREQUENCY_FIX),
    "measure": (_measure_or_error, "not a measure", MEASURE_FIX),
    "rag": (
        _status_or_error,
        "not a status word",
        "use red, amber, green or data awaited (or R, A, G, DA), or leave it empty to rate from the actual",
    ),
}
"""The columns that take one of a few words: each one's reader, the problem a word it cannot read is, the fix."""
