"""The board paper a theme board chair takes to the meeting: the targets shown on screen, as PDF, Excel or CSV.

`board_paper` gathers what the paper says (the as-at period, the board's mix, one row per target shown with its
status, direction of travel, unit and last four periods); `paper_pdf`, `paper_xlsx` and `paper_csv` render it
as bytes. Nothing here imports streamlit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard.breakdown import COUNT_COLUMNS, board_breakdown, shortfall_frame
from dashboard.charts import STATUS_COLOURS, status_tint
from dashboard.csvsafe import safe_csv_bytes
from dashboard.movement import DIRECTION_ARROW, Direction, compare, earlier_quarter, resolve_as_at
from dashboard.names import same_name
from dashboard.output import plain, visible_controls
from dashboard.periods import Period, previous_quarter
from dashboard.position import Position
from dashboard.rules import STATUS_SYMBOL, STATUSES, Status, status_label

UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
"""The paper's font (Debian's fonts-dejavu-core): Latin, Greek, Cyrillic, Arabic, Hebrew, many symbols and emoticons."""
FALLBACK_FONTS = (
    (
        "DroidSansFallback",  # Debian's fonts-droid-fallback: Chinese, Japanese and Korean
        (
            Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
            Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallbackFull.ttf"),
            Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"),
        ),
    ),
    (
        "Symbola",  # Debian's fonts-symbola: emoji (drawn in black), symbols, control pictures
        (
            Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
            Path("/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf"),
        ),
    ),
)
"""Fonts for the characters DejaVu Sans lacks, each used where present (scripts/setup installs them)."""
UNPRINTABLE = "\u25a1"
"""□ stands in the PDF for a character no font of the paper can draw: marked, never silently dropped."""
# What the PDF core font cannot draw, written as it can.
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "✖": "x",
                         "▲": "^", "✔": "v", "→": "->", "↑": "^", "↓": "v"})  # fmt: skip
HISTORY_PERIODS = 4


# ---------------------------------------------------------------------------------------------------------------
# What the paper says


@dataclass(frozen=True)
class PeriodFigure:
    """One target as at one of the paper's last periods."""

    period: str  # the quarter (or the as-at period) it is as at
    actual: float | None
    status: Status
    source: str | None  # the period of the row that counts as at it (an annual figure carried on); None: no row


@dataclass(frozen=True)
class PaperRow:
    """One target on the paper."""

    target_id: int
    code: str
    indicator: str
    board: str
    status: Status
    direction: Direction | None  # None: not worked out (the legacy report)
    unit: str
    target: float | None
    actual: float | None
    shortfall_pct: float | None
    period: str
    target_type: str
    lead_partner: str
    commentary: str
    remedial_action: str
    history: tuple[PeriodFigure, ...] = ()  # one per BoardPaper.periods, oldest first


@dataclass(frozen=True)
class Mix:
    """The red / amber / green / data-awaited mix of a board (or of the whole partnership)."""

    scope: str  # the board's name, or "the partnership"
    targets: int
    counts: dict[Status, int]
    pcts: dict[Status, float]


@dataclass(frozen=True)
class BoardPaper:
    area: str
    board: str | None  # None: every theme board
    as_at: str  # the as-at period's label
    what: str  # what is shown: "9 red targets", "26 targets, all statuses", "2 red targets · lead partner …"
    mix: Mix | None
    rows: tuple[PaperRow, ...]
    periods: tuple[str, ...] = ()  # the last periods' labels, oldest first, ending with the as-at period
    since: str | None = None  # the quarter direction of travel compares with
    produced: date = field(default_factory=date.today)
    sign_off: str | None = None  # "Children's Trust 2009/10 Q3 was signed off by … on …", or that it is not yet

    def summary(self) -> str:
        """'9 red targets, Children's Trust, as at 2009/10 Q3'."""
        return f"{self.what}, {self.board or 'all theme boards'}, as at {self.as_at}"

    def title(self) -> str:
        return f"{self.area}: {self.summary()}"


def describe(
    count: int,
    status: Status | None = None,
    target_types: Iterable[str] = (),
    lead_partners: Iterable[str] = (),
) -> str:
    """What a paper shows, in words: '9 red targets', '26 targets, all statuses' (status None),
    '2 red targets · lead partner NHS Haringey'."""
    noun = "target" if count == 1 else "targets"
    if status is None:
        text = f"{count} {noun}, all statuses"
    elif status is Status.DATA_AWAITED:
        text = f"{count} {noun} awaiting data"
    else:
        text = f"{count} {status.value} {noun}"
    parts = [text]
    if types := [str(t) for t in target_types]:
        parts.append(f"target type {', '.join(types)}")
    if partners := [str(p) for p in lead_partners]:
        parts.append(f"lead partner {', '.join(partners)}")
    return " · ".join(parts)


def board_paper(
    position: Position,
    as_at: Period | None,
    board: str | None,
    rows: pd.DataFrame,
    what: str | None = None,
    produced: date | None = None,
    sign_off: str | None = None,
) -> BoardPaper:
    """The paper for exactly the targets shown: `rows` needs a target_id column, one row per target shown, in
    the order shown (breakdown.exceptions(...), the board page's filtered rows, ...). Every figure is
    taken from `position` as at `as_at` (None: the latest quarter held). `board` (any case) names the board
    whose mix heads the paper; None: every board, with the partnership's mix. `what` defaults to 'N targets,
    all statuses'."""
    now = resolve_as_at(position, as_at)
    board = _board_name(position, board)
    statuses = position.statuses(now)
    ids = [int(t) for t in rows["target_id"]] if len(rows) else []
    by_id = statuses.set_index("target_id")
    missing = [t for t in ids if t not in by_id.index]
    if missing:
        raise ValueError(f"targets {missing} are not held in {position.area}")
    shown = by_id.loc[ids].reset_index() if ids else statuses.iloc[0:0]
    shown = shown.assign(shortfall_pct=shortfall_frame(shown) if len(shown) else pd.Series(dtype=float))
    periods = _last_periods(position, now)
    directions = {}
    histories = {}
    if now is not None:
        compared = compare(position, now)
        directions = {int(t): Direction(d) for t, d in zip(compared["target_id"], compared["direction"], strict=True)}
        at = {p.label: position.statuses(p).set_index("target_id") for p in periods}
        histories = {t: tuple(_figure(p.label, at[p.label], t) for p in periods) for t in ids}
    return BoardPaper(
        area=position.area,
        board=board,
        as_at=now.label if now else "the latest period held",
        what=what if what is not None else describe(len(ids)),
        mix=_mix(statuses, board),
        rows=tuple(_paper_rows(shown, directions, histories)),
        periods=tuple(p.label for p in periods),
        since=earlier.label if (earlier := earlier_quarter(position, now)) else None,
        produced=produced or date.today(),
        sign_off=sign_off,
    )


def _board_name(position: Position, board: str | None) -> str | None:
    if board is None:
        return None
    names = position.targets["theme_board"]
    match = names[same_name(names, board)]
    if match.empty:
        raise ValueError(f"no theme board {board!r} in {position.area}")
    return str(match.iloc[0])


def _last_periods(position: Position, now: Period | None) -> list[Period]:
    """The as-at period and up to three quarters before it, oldest first, none before the first quarter held."""
    held = position.quarters()
    if now is None or not held:
        return []
    periods = [now]
    while len(periods) < HISTORY_PERIODS:
        before = previous_quarter(periods[0])
        if before.end < held[0].end:
            break
        periods.insert(0, before)
    return periods


def _figure(label: str, at: pd.DataFrame, target_id: int) -> PeriodFigure:
    row = at.loc[target_id]
    return PeriodFigure(label, _float(row["actual"]), _status(row["status"]), _str(row["period_label"]) or None)


def _mix(statuses: pd.DataFrame, board: str | None) -> Mix:
    boards, total = board_breakdown(statuses)
    counts = total
    if board is not None:
        mine = boards[boards["theme_board"] == board]
        counts = mine.iloc[0].to_dict() if len(mine) else {"targets": 0} | {c: 0 for c in COUNT_COLUMNS}
    return Mix(
        scope=board or "the partnership",
        targets=int(counts["targets"]),
        counts={s: int(counts[c]) for c, s in COUNT_COLUMNS.items()},
        pcts={s: float(counts.get(f"{c}_pct", 0.0)) for c, s in COUNT_COLUMNS.items()},
    )


def _paper_rows(frame: pd.DataFrame, directions: dict, histories: dict) -> Iterable[PaperRow]:
    """Paper rows from a frame in the statuses format (breakdown.exceptions's columns)."""
    for r in frame.to_dict("records"):
        target_id = int(r["target_id"]) if plain(r.get("target_id")) is not None else 0
        yield PaperRow(
            target_id=target_id,
            code=_str(r.get("indicator_code")),
            indicator=_str(r.get("indicator_name")),
            board=_str(r.get("theme_board")),
            status=_status(r.get("status")),
            direction=directions.get(target_id),
            unit=_str(r.get("unit")),
            target=_float(r.get("target_value")),
            actual=_float(r.get("actual")),
            shortfall_pct=_float(r.get("shortfall_pct")),
            period=_str(r.get("period_label")),
            target_type=_str(r.get("target_type")),
            lead_partner=_str(r.get("lead_partner")),
            commentary=_str(r.get("commentary")),
            remedial_action=_str(r.get("remedial_action")),
            history=histories.get(target_id, ()),
        )


STEM_LIMIT = 120
"""A download's name keeps at most this many characters before its extension (many partners picked)."""


def file_stem(
    paper: BoardPaper,
    status: Status | None = Status.RED,
    target_types: Iterable[str] = (),
    lead_partners: Iterable[str] = (),
) -> str:
    """'childrens-trust-2009-10-q3-red-nhs-haringey': a file name without its extension, naming the board, the
    quarter and what the paper holds (as describe does: status None is every status; then the target types and
    lead partners picked), so that papers saved side by side tell themselves apart."""
    shown = status.value if status is not None else "all statuses"
    words = " ".join([paper.board or "all boards", paper.as_at, shown, *target_types, *lead_partners])
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", plain.lower().replace("'", "")).strip("-")
    return stem[:STEM_LIMIT].rstrip("-")


# ---------------------------------------------------------------------------------------------------------------
# The table (Excel and CSV)

TABLE_COLUMNS = (
    "Code", "Indicator", "Theme board", "Status", "Direction of travel", "Unit", "Target", "Actual",
    "Shortfall %", "Period", "Target type", "Lead partner", "Commentary", "Remedial action",
)  # fmt: skip


def paper_table(paper: BoardPaper) -> pd.DataFrame:
    """One row per target, in the paper's order; then each last period's actual and status."""
    columns = [*TABLE_COLUMNS]
    for label in paper.periods:
        columns += [f"{label} actual", f"{label} status"]
    records = []
    for row in paper.rows:
        record = {
            "Code": row.code,
            "Indicator": row.indicator,
            "Theme board": row.board,
            "Status": row.status.value,
            "Direction of travel": DIRECTION_ARROW[row.direction] if row.direction else "",
            "Unit": row.unit,
            "Target": row.target,
            "Actual": row.actual,
            "Shortfall %": row.shortfall_pct,
            "Period": row.period,
            "Target type": row.target_type,
            "Lead partner": row.lead_partner,
            "Commentary": row.commentary,
            "Remedial action": row.remedial_action,
        }
        for figure in row.history:
            record[f"{figure.period} actual"] = figure.actual
            record[f"{figure.period} status"] = figure.status.value
        records.append(record)
    frame = pd.DataFrame(records, columns=columns)
    for column in columns:
        if column in ("Target", "Actual", "Shortfall %") or column.endswith(" actual"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _is_status_column(name: str) -> bool:
    return name == "Status" or name.endswith(" status")


def paper_csv(paper: BoardPaper) -> bytes:
    """UTF-8 with a BOM, so Excel opens £ and ’ correctly; every text cell Excel would run as a formula (the
    indicator code too) starts with a ', and numbers stay numbers."""
    return safe_csv_bytes(paper_table(paper))


def paper_xlsx(paper: BoardPaper) -> bytes:
    """A title, what is shown and the mix; then the table with an autofilter, status fills, a frozen header and
    a print setup (A4 landscape, fit to width, the header repeated on every page)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Board paper"
    sheet.append([_xlsx_text(paper.title())])
    sheet["A1"].font = Font(bold=True, size=13)
    signed = f" {paper.sign_off}." if paper.sign_off else ""
    produced = f"Produced {paper.produced.isoformat()} by the LAA performance dashboard."
    sheet.append([_xlsx_text(f"{paper.what}.{signed} {produced}")])
    mix = paper.mix
    if mix is not None:
        sheet.append([_xlsx_text(f"Mix: {mix.scope}"), *(s.value for s in STATUSES), "Targets"])
        sheet.append(["Targets", *(mix.counts[s] for s in STATUSES), mix.targets])
        sheet.append(["% of targets", *(mix.pcts[s] for s in STATUSES), 100.0 if mix.targets else 0.0])
        for index, status in enumerate(STATUSES, start=2):
            sheet.cell(row=3, column=index).fill = _fill(PatternFill, status)
            sheet.cell(row=3, column=index).font = Font(bold=True)
        for cell in sheet[3][:1]:
            cell.font = Font(bold=True)
    sheet.append([])
    frame = paper_table(paper)
    sheet.append(list(frame.columns))
    header_row = sheet.max_row
    thin = Side(style="thin", color="BBBBBB")
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = Border(bottom=thin)
    status_columns = [i for i, name in enumerate(frame.columns, start=1) if _is_status_column(name)]
    for record in frame.itertuples(index=False):
        sheet.append([_xlsx_cell(v) for v in record])
        line = sheet[sheet.max_row]
        for cell in line:
            if cell.data_type == "f":  # a commentary starting with = is text, never a formula
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(bottom=thin)
        for index in status_columns:
            cell = line[index - 1]
            if cell.value:
                cell.fill = _fill(PatternFill, Status(cell.value))
    last_column = get_column_letter(len(frame.columns))
    last_row = max(sheet.max_row, header_row)
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    sheet.freeze_panes = f"C{header_row + 1}"
    widths = {"Code": 10, "Indicator": 40, "Theme board": 18, "Direction of travel": 16, "Unit": 14,
              "Lead partner": 18, "Commentary": 55, "Remedial action": 55, "Target type": 14}  # fmt: skip
    for index, name in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 12)
    for cell in sheet[3][1:] if mix is not None else ():
        cell.alignment = Alignment(horizontal="center")
    _print_setup(sheet, paper, header_row, last_column, last_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _print_setup(sheet, paper: BoardPaper, header_row: int, last_column: str, last_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{last_column}{last_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    # & starts a header/footer code: a board called "Health & Wellbeing" must be written &&.
    sheet.oddHeader.left.text = _xlsx_text(paper.title()).replace("&", "&&")[:240]
    sheet.oddFooter.left.text = _xlsx_text(f"As at {paper.as_at}").replace("&", "&&")
    sheet.oddFooter.right.text = "Page &P of &N"


def _fill(pattern_fill, status: Status):
    return pattern_fill("solid", fgColor=status_tint(status).lstrip("#"))


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _xlsx_cell(value):
    value = plain(value)
    return _xlsx_text(value) if isinstance(value, str) else value


# ---------------------------------------------------------------------------------------------------------------
# The PDF

PAGE_MARGIN = 12
HISTORY_LABEL_W, HISTORY_CELL_W = 18, 26  # mm: the last periods' table beside a target's figures
TEXT = (20, 20, 20)
MUTED = (90, 90, 90)


def paper_pdf(paper: BoardPaper) -> bytes:
    """Landscape A4: the title, the mix, then one block per target, never split across pages; every page
    footed with the as-at period and 'Page N of M'.

    Text is drawn in DejaVu Sans, with fallback fonts for what it lacks (Chinese, Japanese, Korean, more emoji)
    and shaped by HarfBuzz (Arabic letters joined, right to left). A character no font can draw is printed as
    □ and a control character as its picture (␛ for ESC); if a font still reports a missing glyph, the paper is
    drawn again with that character marked, so fpdf2 never has to drop one."""
    chars = _paper_chars(paper)
    pdf = _render_pdf(paper, chars)
    missing = _missing_glyphs(pdf)
    if missing:
        pdf = _render_pdf(paper, chars, missing)
    return bytes(pdf.output())


def _paper_chars(paper: BoardPaper) -> frozenset[str]:
    """Every character the paper's data may put on the page (control characters as their pictures)."""
    texts = [v for v in _strings(dataclasses.astuple(paper))]
    texts += [*STATUS_SYMBOL.values(), *DIRECTION_ARROW.values(), UNPRINTABLE]
    return frozenset(visible_controls("".join(texts)))


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _missing_glyphs(pdf) -> frozenset[str]:
    """The characters a font of `pdf` was asked for and could not draw (fpdf2 would drop them with a warning)."""
    return frozenset(chr(code) for font in pdf.fonts.values() for code in getattr(font, "missing_glyphs", ()))


def _render_pdf(paper: BoardPaper, chars: frozenset[str], unprintable: frozenset[str] = frozenset()):
    pdf = _pdf_class()(orientation="L", format="A4")
    pdf.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
    pdf.set_auto_page_break(auto=True, margin=16)
    font, clean = _font(pdf, chars, unprintable)
    pdf.paper_font, pdf.clean = font, clean
    pdf.head_text = f"{paper.title()} (continued)"
    pdf.foot_text = f"{paper.area} · {paper.board or 'all theme boards'} · as at {paper.as_at}"
    pdf.set_title(clean(paper.title()))
    pdf.set_creator("LAA performance dashboard")
    pdf.add_page()
    pdf.set_text_color(*TEXT)
    pdf.set_font(font, "B", 15)
    pdf.multi_cell(0, 7.5, clean(paper.title()), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 8.5)
    pdf.set_text_color(*MUTED)
    notes = [f"Produced {paper.produced.isoformat()} by the LAA performance dashboard."]
    if paper.sign_off:
        notes.insert(0, f"{paper.sign_off}.")
    if paper.since:
        notes.append(f"Direction of travel compares with {paper.since}.")
    notes.append("Shortfall: how far the actual is behind target, as % of target.")
    pdf.multi_cell(0, 4.5, clean(" ".join(notes)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.ln(2)
    if paper.mix is not None:
        _mix_bar(pdf, font, clean, paper.mix, paper.as_at)
    _rule(pdf)
    if not paper.rows:
        pdf.set_font(font, "", 11)
        pdf.multi_cell(0, 7, clean(f"No targets to show: {paper.what}."), align="L", new_x="LMARGIN", new_y="NEXT")
    for row in paper.rows:
        with pdf.offset_rendering() as trial:
            _target_block(trial, font, clean, row, paper)
        if trial.page_break_triggered:
            pdf.add_page()
        _target_block(pdf, font, clean, row, paper)
    return pdf


def _pdf_class():
    from fpdf import FPDF

    class PaperPDF(FPDF):
        paper_font = "Helvetica"
        head_text = ""
        foot_text = ""
        clean: Callable[[str], str] = str

        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font(self.paper_font, "", 8)
                self.set_text_color(*MUTED)
                self.cell(0, 5, self.clean(self.head_text), new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(*TEXT)
                self.ln(2)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(self.paper_font, "", 8)
            self.set_text_color(*MUTED)
            self.cell(self.epw / 2, 5, self.clean(self.foot_text), align="L")
            self.cell(self.epw / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(*TEXT)

    return PaperPDF


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _chip(pdf, font: str, clean, status: Status, h: float, size: float, w: float | None = None, text=None) -> None:
    """The status as a coloured box that carries its symbol and word (black text: it reads best on all four)."""
    pdf.set_font(font, "B", size)
    label = clean(text or status_label(status))
    width = w if w is not None else pdf.get_string_width(label) + 4
    pdf.set_fill_color(*_rgb(STATUS_COLOURS[status]))
    pdf.set_text_color(0, 0, 0)
    pdf.cell(width, h, label, align="C", fill=True)
    pdf.set_text_color(*TEXT)


def _mix_bar(pdf, font: str, clean, mix: Mix, as_at: str) -> None:
    pdf.set_font(font, "B", 11)
    scope = mix.scope if mix.scope == "the partnership" else f"{mix.scope} board"
    pdf.cell(0, 6, clean(f"Mix of {scope} as at {as_at}: {mix.targets} targets"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    gap = 3
    width = (pdf.epw - gap * (len(STATUSES) - 1)) / len(STATUSES)
    for status in STATUSES:
        text = f"{status_label(status)}   {mix.counts[status]}  ({_pct(mix.pcts[status])})"
        _chip(pdf, font, clean, status, 8, 10, width, text)
        pdf.set_x(pdf.get_x() + gap)
    pdf.ln(9.5)
    x, y = pdf.l_margin, pdf.get_y()
    for status in STATUSES:  # the same mix as one 100% bar
        share = mix.counts[status] / mix.targets if mix.targets else 0
        if share:
            pdf.set_fill_color(*_rgb(STATUS_COLOURS[status]))
            pdf.rect(x, y, pdf.epw * share, 3, style="F")
            x += pdf.epw * share
    pdf.set_y(y + 5)


def _rule(pdf) -> None:
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2.5)


def _target_block(pdf, font: str, clean, row: PaperRow, paper: BoardPaper) -> None:
    """One target: status chip and name; its figures beside its last periods; commentary, remedial action."""
    top = pdf.get_y()
    _chip(pdf, font, clean, row.status, 6, 9.5)
    pdf.set_x(pdf.get_x() + 3)
    pdf.set_font(font, "B", 11)
    pdf.multi_cell(0, 6, clean(f"{row.code}  {row.indicator}"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.5)
    table_w = HISTORY_LABEL_W + HISTORY_CELL_W * len(row.history) if row.history else 0
    facts_w = pdf.epw - table_w - (5 if table_w else 0)
    facts_top = pdf.get_y()
    pdf.set_font(font, "", 9)
    first = []
    if row.direction is not None:
        since = f" since {paper.since}" if paper.since and row.direction is not Direction.UNKNOWN else ""
        first.append(f"Direction of travel: {DIRECTION_ARROW[row.direction]}{since}")
    if paper.board is None:
        first.append(f"theme board: {row.board}" if first else f"Theme board: {row.board}")
    facts = ["  ·  ".join(first)] if first else []
    facts.append(
        f"Target {_with_unit(row.target, row.unit)}  ·  actual {_with_unit(row.actual, row.unit)}"
        f"  ·  {_shortfall(row.shortfall_pct)}  ·  unit: {row.unit or 'not given'}"
    )
    facts.append(
        f"Figure for {row.period or 'no period yet'}  ·  lead partner: {row.lead_partner or 'not given'}"
        f"  ·  type: {row.target_type or 'not given'}"
    )
    for line in facts:
        pdf.multi_cell(facts_w, 5, clean(line), align="L", new_x="LMARGIN", new_y="NEXT")
    facts_end = pdf.get_y()
    if row.history:
        _history_table(pdf, font, clean, row, pdf.l_margin + facts_w + 5, facts_top)
    pdf.set_y(max(facts_end, pdf.get_y()) + 1)
    pdf.set_font(font, "", 9.5)
    for label, text in (("Commentary", row.commentary), ("Remedial action", row.remedial_action)):
        pdf.set_font(font, "B", 9.5)
        pdf.cell(pdf.get_string_width(f"{label}: ") + 0.5, 5, clean(f"{label}: "))
        pdf.set_font(font, "", 9.5)
        pdf.multi_cell(0, 5, clean(text or "none given"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*_rgb(STATUS_COLOURS[row.status]))
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin - 3, top, pdf.l_margin - 3, pdf.get_y())  # the status colour down the block's edge
    pdf.set_line_width(0.2)
    pdf.ln(1.5)
    _rule(pdf)


def _history_table(pdf, font: str, clean, row: PaperRow, x: float, y: float) -> None:
    """The last periods, oldest first: period, actual (with the period of an older figure carried on), status."""
    label_w, cell_w, h = HISTORY_LABEL_W, HISTORY_CELL_W, 5
    pdf.set_draw_color(200, 200, 200)
    pdf.set_xy(x, y)
    pdf.set_font(font, "B", 8)
    pdf.cell(label_w, h, clean("Period"), border="B")
    for figure in row.history:
        pdf.cell(cell_w, h, clean(figure.period), border="B", align="C")
    pdf.set_xy(x, y + h)
    pdf.set_font(font, "", 8)
    pdf.cell(label_w, h, clean(f"Actual{' (' + row.unit + ')' if row.unit == '%' else ''}"))
    for figure in row.history:
        text = _number(figure.actual)
        if figure.source and figure.source != figure.period:
            text += f" ({figure.source})"
        pdf.cell(cell_w, h, clean(text), align="C")
    pdf.set_xy(x, y + 2 * h + 0.5)
    pdf.set_font(font, "", 8)
    pdf.cell(label_w, h, clean("Status"))
    for figure in row.history:
        _chip(pdf, font, clean, figure.status, h - 0.6, 7.5, cell_w - 1.5)
        pdf.set_x(pdf.get_x() + 1.5)
    pdf.set_xy(x, y + 3 * h + 1)


def _font(
    pdf, chars: Iterable[str] = (), unprintable: frozenset[str] = frozenset()
) -> tuple[str, Callable[[str], str]]:
    """A Unicode font where the machine has one, with text shaping and the fallback fonts for those of `chars`
    (the characters the paper will draw) it lacks; and the function that makes any text drawable: control
    characters as pictures, what no font has as □.

    A fallback font is added only when the paper needs it, and only with the characters it is needed for: a
    font's glyph table is copied for every block tried on a page (offset_rendering), and a CJK font is large.
    Without DejaVu the core font is used, with text it can draw ('?' for anything else)."""
    from fpdf.errors import FPDFException

    for path in UNICODE_FONTS:
        if path.exists():
            pdf.add_font("DejaVu", "", str(path))
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("DejaVu", "B", str(bold if bold.exists() else path))
            # DejaVu first: a glyph the bold face lacks is taken from the regular one, then from the others.
            families = ["DejaVu"]
            needed = {ord(c) for c in chars} - {code for font in pdf.fonts.values() for code in font.cmap}
            for family, paths in FALLBACK_FONTS:
                found = next((p for p in paths if p.exists()), None)
                covers = needed & _cmap(found) if found is not None and needed else set()
                if covers:
                    pdf.add_font(family, "", str(found), unicode_range=sorted(covers))
                    families.append(family)
                    needed -= covers
            pdf.set_fallback_fonts(families, exact_match=False)
            if any(_needs_shaping(c) for c in chars):
                # Shaping needs uharfbuzz (Arabic joined, right to left); without it every letter is still drawn.
                # It doubles the time a paper takes, so a paper in Latin, Greek, Cyrillic or CJK goes without.
                with contextlib.suppress(FPDFException):
                    pdf.set_text_shaping(True)
            cmaps = [font.cmap for font in pdf.fonts.values() if hasattr(font, "cmap")]
            return "DejaVu", _drawable(cmaps, unprintable)
    return (
        "Helvetica",
        lambda text: (
            visible_controls(text, keep="\n").translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
        ),
    )


_COMPLEX_SCRIPTS = (
    (0x0590, 0x08FF),
    (0x0900, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1780, 0x18AF),
    (0x1A00, 0x1AFF),
    (0x1B00, 0x1BFF),
    (0xA800, 0xABFF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
)
"""Hebrew, Arabic, Syriac, Thaana, N'Ko …; Indic scripts; Thai, Lao, Tibetan; Myanmar; Khmer, Mongolian; and
others whose letters change shape, join or reorder: text with them is shaped by HarfBuzz."""


def _needs_shaping(char: str) -> bool:
    """A character whose drawing depends on its neighbours: a letter of a complex script, a combining mark, a
    right-to-left character, a zero-width joiner (emoji sequences)."""
    code = ord(char)
    if char == "\u200d" or any(low <= code <= high for low, high in _COMPLEX_SCRIPTS):
        return True
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or unicodedata.bidirectional(char) in ("R", "AL", "AN")


@functools.lru_cache(maxsize=8)
def _cmap(path: Path) -> frozenset[int]:
    """The code points a font file has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


def _drawable(cmaps: list, unprintable: frozenset[str]) -> Callable[[str], str]:
    """Text as the paper's fonts can draw it: each control character as its picture (␛ for ESC; a line break
    stays), each character no font has as □. An invisible format character no font has (a zero-width joiner,
    a variation selector) is left out: there is nothing to see."""
    known: dict[str, str] = {"\n": "\n"}

    def one(char: str) -> str:
        if char not in known:
            if char not in unprintable and any(ord(char) in cmap for cmap in cmaps):
                known[char] = char
            elif unicodedata.category(char) == "Cf" or unicodedata.name(char, "").startswith("VARIATION SELECTOR"):
                known[char] = ""
            else:
                known[char] = UNPRINTABLE
        return known[char]

    def clean(text: str) -> str:
        return "".join(one(char) for char in visible_controls(text, keep="\n"))

    return clean


# ---------------------------------------------------------------------------------------------------------------
# Words and numbers


def _str(value) -> str:
    value = plain(value)
    return "" if value is None else " ".join(str(value).split())


def _float(value) -> float | None:
    value = plain(value)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _status(value) -> Status:
    value = plain(value)
    return Status(value) if value else Status.DATA_AWAITED


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.10g}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _with_unit(value: float | None, unit: str) -> str:
    """'11.76%', '1700 per 100,000', '£250 per week', '-31.68% change from 1998'."""
    if value is None:
        return "not reported"
    number = _number(value)
    if not unit:
        return number
    if unit.startswith("%"):
        return number + unit
    if unit.startswith("£"):
        return f"£{number} {unit[1:].strip()}".rstrip()
    return f"{number} {unit}"


def _shortfall(value: float | None) -> str:
    if value is None:
        return "shortfall: none worked out"
    if value > 0:
        return f"{value:.1f}% behind target"
    if value < 0:
        return f"{-value:.1f}% ahead of target"
    return "on target"


__all__: Sequence[str] = (
    "BoardPaper", "Mix", "PaperRow", "PeriodFigure", "board_paper", "describe", "file_stem", "paper_csv",
    "paper_pdf", "paper_table", "paper_xlsx",
)  # fmt: skip
