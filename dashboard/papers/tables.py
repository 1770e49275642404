"""The board paper as a table: the spreadsheet (formatted, printable, statuses tinted) and the CSV."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.domain.csvsafe import safe_csv_bytes
from dashboard.domain.output import plain
from dashboard.domain.rules import STATUSES, Status
from dashboard.papers.charts import status_tint
from dashboard.papers.paper import BoardPaper
from dashboard.read.benchmark import quartile_label
from dashboard.read.movement import DIRECTION_ARROW
from dashboard.read.views import spc_words

TABLE_COLUMNS = (
    "Code", "Indicator", "Theme board", "Status", "Direction of travel", "Variation", "Assurance", "Unit", "Target",
    "Actual", "Shortfall %", "Period", "Target type", "Lead partner", "Commentary", "Remedial action", "Notes",
)  # fmt: skip
NOTE_COLUMNS = ("Period", "Theme board", "About", "Note", "By")
"""The paper's notes sheet: a note on a whole board is about 'whole board'."""


def paper_table(paper: BoardPaper) -> pd.DataFrame:
    """One row per target, in the paper's order (with its quartile after its shortfall, when the paper measures
    them): its variation and assurance in words (or why it has none), its and its board's notes; then each last
    period's actual and status."""
    columns = [*TABLE_COLUMNS]
    if paper.quartiles is not None:
        columns.insert(columns.index("Shortfall %") + 1, "Quartile")
    for label in paper.periods:
        columns += [f"{label} actual", f"{label} status"]
    records = []
    for row in paper.rows:
        variation, assurance = spc_words(row.variation, row.assurance, row.spc_reason, marks=False)
        record = {
            "Code": row.code,
            "Indicator": row.indicator,
            "Theme board": row.board,
            "Status": row.status.value,
            "Direction of travel": DIRECTION_ARROW[row.direction] if row.direction else "",
            "Variation": variation,
            "Assurance": assurance,
            "Unit": row.unit,
            "Target": row.target,
            "Actual": row.actual,
            "Shortfall %": row.shortfall_pct,
            "Period": row.period,
            "Target type": row.target_type,
            "Lead partner": row.lead_partner,
            "Commentary": row.commentary,
            "Remedial action": row.remedial_action,
            "Notes": "; ".join(row.notes),
        }
        if paper.quartiles is not None:
            record["Quartile"] = quartile_label(row.quartile)
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
    if paper.quartiles is not None:
        sheet.append([_xlsx_text(paper.quartiles)])
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
        line = _text_row(sheet, record, Alignment, Border(bottom=thin))
        for index in status_columns:
            cell = line[index - 1]
            if cell.value:
                cell.fill = _fill(PatternFill, Status(cell.value))
    last_column = get_column_letter(len(frame.columns))
    last_row = max(sheet.max_row, header_row)
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    sheet.freeze_panes = f"C{header_row + 1}"
    widths = {"Code": 10, "Indicator": 40, "Theme board": 18, "Direction of travel": 16, "Variation": 24,
              "Assurance": 24, "Unit": 14, "Lead partner": 18, "Commentary": 55, "Remedial action": 55,
              "Notes": 40, "Target type": 14}  # fmt: skip
    for index, name in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 12)
    for cell in sheet[3][1:] if mix is not None else ():
        cell.alignment = Alignment(horizontal="center")
    _print_setup(sheet, paper, header_row, last_column, last_row)
    _notes_sheet(book, paper)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_row(sheet, values, alignment, border) -> tuple:
    """Append one row of cells, wrapped and ruled; text that starts with = stays text, never a formula."""
    sheet.append([xlsx_cell(v) for v in values])
    line = sheet[sheet.max_row]
    for cell in line:
        if cell.data_type == "f":
            cell.data_type = "s"
        cell.alignment = alignment(wrap_text=True, vertical="top")
        cell.border = border
    return line


def _notes_sheet(book, paper: BoardPaper) -> None:
    """A second sheet, "Notes": the board's and its targets' notes up to the as-at period, oldest first."""
    from openpyxl.styles import Alignment, Border, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet("Notes")
    sheet.append(list(NOTE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for note in paper.notes:
        _text_row(sheet, (note.period, note.board, note.about, note.note, note.by), Alignment, Border())
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(NOTE_COLUMNS))}{max(sheet.max_row, 1)}"
    for letter, width in zip("ABCDE", (12, 18, 14, 60, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


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


def xlsx_cell(value):
    value = plain(value)
    return _xlsx_text(value) if isinstance(value, str) else value
