"""Render command results as a text table, CSV or JSON."""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from datetime import date, datetime

import pandas as pd

from dashboard.domain.csvsafe import safe_csv_text
from dashboard.domain.missing import missing

DEFAULT_WIDTH = 100
"""Prose (a table's footer) is wrapped to this many columns when it is not printed to a terminal; a table is then
given in full (a pipe, a file, a test)."""
_MIN_TEXT = 8  # a shortened text column keeps at least this much (or its heading) while others can give way
_GAP = "  "


def plain(value):
    """JSON-safe scalar: NaN/NA → None, numpy → Python, dates → ISO text."""
    if missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell_text(value) -> str:
    """A stored or parsed value as the analyst wrote it: empty for no value, 1200 rather than 1200.0."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: plain(v) for c, v in zip(columns, row, strict=True)} for row in frame[columns].itertuples(index=False)]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_C1_AND_DEL = re.compile(r"[\x7f-\x9f]")
REPLACEMENT = "\ufffd"
"""What a C1 control character (U+0080 to U+009F) is shown as: Unicode has no picture for them."""


def _control_picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: ␀ … ␛ (escape) … ␟
    return "\u2421" if code == 0x7F else REPLACEMENT  # ␡ for DEL


def visible_controls(text: str, keep: str = "") -> str:
    """Text with every C0 and C1 control character (ESC, BEL, CR, …) replaced by a visible mark, so that data
    printed for a person can neither drive the terminal (colours, cursor moves, a bell, a rewritten line) nor
    hide: ESC → ␛, BEL → ␇, CR → ␍, DEL → ␡, a C1 character → U+FFFD. Characters in `keep` (say "\n" where a
    line break is meant) pass. Each mark is one column wide, so tables stay aligned."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _control_picture(m), text)


def to_json(payload: dict) -> str:
    """JSON as UTF-8 text; json.dumps writes C0 controls as \\u001b and so on, and DEL and the C1 controls are
    escaped the same way here, so that no control character reaches a terminal and the data is kept exactly."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, default=plain)
    return _C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_csv(frame: pd.DataFrame) -> str:
    """`--format csv`: every column in full, and no text cell that a spreadsheet would run as a formula (see
    dashboard.domain.csvsafe: =CMD|… is written '=CMD|…, with a leading ', and a number such as -5 stays a number).
    Control characters are kept (the data as stored): the command line replaces them when it prints to a terminal."""
    return safe_csv_text(frame)


def output_width() -> int | None:
    """The terminal's width when printing to one; None (no limit) for a pipe or a file, whose reader (grep, cut, a
    spreadsheet, a log) needs every column in full rather than cut to an imagined screen."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return None


def fit_text(text: str, width: int | None = None) -> str:
    """Prose (a table's footer) wrapped line by line to the output width (DEFAULT_WIDTH when not a terminal);
    blank lines kept."""
    width = width or output_width() or DEFAULT_WIDTH
    text = visible_controls(text, keep="\n")
    return "\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n"))


def to_table(frame: pd.DataFrame, headers: dict[str, str] | None = None, width: int | None = None) -> str:
    """A fixed-width text table; numbers right-aligned, empty cells blank.

    Long text columns are shortened with "…" so that every line fits `width` (default: output_width(), the
    terminal's; none for a pipe or a file, which get every column in full); one row stays one line, so the table
    can still be searched line by line. Numbers are never shortened.

    Not rich's Table (installed with Typer): it wraps or cuts every column to a console width, figures included,
    and draws its rules in box characters, where scripts and the documented output read ASCII and whole figures.
    """
    if frame.empty:
        return "(nothing to show)"
    shown = frame.rename(columns=headers or {})
    # Control characters in the data are shown as marks (␛ for ESC): a table is for a person at a terminal.
    cells = [[_cell(v, c) for v, c in zip(row, frame.columns, strict=True)] for row in frame.itertuples(index=False)]
    names = [_one_line(str(c)) for c in shown.columns]
    natural = [max(len(n), *(len(r[i]) for r in cells)) for i, n in enumerate(names)]
    # A column with no value at all is not a number column: it may give way like text.
    numeric = [all(_is_number(r[i]) for r in cells) and any(r[i] for r in cells) for i in range(len(names))]
    # A date cut short ("2009-11-…") says nothing: like a figure, it is kept whole.
    whole = [num or (all(_is_when(r[i]) for r in cells) and any(r[i] for r in cells)) for i, num in enumerate(numeric)]
    limit = width or output_width()
    widths = natural if limit is None else _fit(natural, names, whole, limit)

    def line(values: list[str]) -> str:
        parts = [
            _clip(v, w).rjust(w) if num else _clip(v, w).ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return _GAP.join(parts).rstrip()

    rule = _GAP.join("-" * w for w in widths)
    return "\n".join([line(names), rule, *(line(r) for r in cells)])


def _fit(natural: list[int], names: list[str], whole: list[bool], width: int) -> list[int]:
    """Column widths within `width`: the widest text column gives way first, one character at a time.

    First no text column goes below its heading (or _MIN_TEXT); if that is still too wide, headings are
    shortened too. A table of numbers that cannot fit is left as it is: a figure (or a date, `whole`) is never cut.
    """
    widths = list(natural)
    soft = [min(w, max(_MIN_TEXT, len(n))) for w, n in zip(natural, names, strict=True)]
    hard = [min(w, 3) for w in natural]
    excess = sum(widths) + len(_GAP) * (len(widths) - 1) - width
    for floors in (soft, hard):
        while excess > 0:
            movable = [i for i, kept in enumerate(whole) if not kept and widths[i] > floors[i]]
            if not movable:
                break
            widest = max(movable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
    return widths


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(value, column: str) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if column.endswith("_pct") else f"{value:.10g}"
    return _one_line(str(value))


def _one_line(text: str) -> str:
    """One line with no control character: runs of white space (newlines, tabs) become one space, and any other
    control character a visible mark."""
    return visible_controls(" ".join(text.split()))


_WHEN = re.compile(r"\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d)?)?")


def _is_when(text: str) -> bool:
    """A date or a date and time as the commands print them ('2009-11-30', '2026-12-02 10:04'), or empty."""
    return text == "" or _WHEN.fullmatch(text) is not None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return True
