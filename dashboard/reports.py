"""The exception report a theme board chair takes to the meeting: CSV, Excel and PDF, as bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard.output import plain
from dashboard.rules import STATUS_SYMBOL, Status

COLUMNS = {
    "indicator_code": "Code",
    "indicator_name": "Indicator",
    "theme_board": "Theme board",
    "status": "Status",
    "period_label": "Period",
    "target_value": "Target",
    "actual": "Actual",
    "shortfall_pct": "Shortfall %",
    "lead_partner": "Lead partner",
    "commentary": "Commentary",
    "remedial_action": "Remedial action",
}
UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
# What the PDF core font cannot draw, written as it can.
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "✖": "x",
                         "▲": "^", "✔": "v", "→": "->", "↑": "^", "↓": "v"})  # fmt: skip


@dataclass(frozen=True)
class ReportTitle:
    area: str
    board: str | None
    status: Status
    as_at: str

    def text(self) -> str:
        who = self.board or "all theme boards"
        return f"{self.area}: {self.status.value} targets, {who}, as at {self.as_at}"


def report_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The exceptions (from breakdown.exceptions) with the report's columns and headings."""
    return rows.reindex(columns=list(COLUMNS)).rename(columns=COLUMNS)


TEXT_COLUMNS = ("Indicator", "Theme board", "Lead partner", "Commentary", "Remedial action")


def exception_csv(rows: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens £ and ’ correctly; text that Excel would run as a formula is quoted."""
    frame = report_frame(rows)
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].map(_inert)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _inert(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def exception_xlsx(rows: pd.DataFrame, title: ReportTitle) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Exceptions"
    sheet.append([title.text()])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    frame = report_frame(rows)
    sheet.append(list(frame.columns))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        sheet.append([_xlsx_cell(v) for v in record])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # a commentary starting with = is text, never a formula
                cell.data_type = "s"
    widths = {"Indicator": 45, "Commentary": 60, "Remedial action": 60}
    for index, name in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 14)
        for cell in sheet[get_column_letter(index)][3:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value):
    value = plain(value)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def exception_pdf(rows: pd.DataFrame, title: ReportTitle, today: date | None = None) -> bytes:
    """A landscape A4 report: one block per target with its figures, commentary and remedial action."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    font, clean = _font(pdf)
    pdf.set_title(clean(title.text()))
    pdf.add_page()
    pdf.set_font(font, "B", 15)
    pdf.multi_cell(0, 8, clean(title.text()), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    count = f"{len(rows)} target(s). Produced {(today or date.today()).isoformat()} by the LAA performance dashboard."
    pdf.multi_cell(0, 6, clean(count), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if rows.empty:
        pdf.set_font(font, "", 11)
        pdf.multi_cell(0, 7, clean(f"No {title.status.value} targets."), new_x="LMARGIN", new_y="NEXT")
    for record in report_frame(rows).to_dict("records"):
        _target_block(pdf, font, clean, record)
    return bytes(pdf.output())


def _target_block(pdf, font: str, clean, record: dict) -> None:
    if pdf.get_y() > pdf.h - 50:  # keep a target's block on one page
        pdf.add_page()
    status = Status(record["Status"]) if record["Status"] else Status.DATA_AWAITED
    pdf.set_font(font, "B", 11)
    heading = f"{record['Code']}  {_text(record['Indicator'])}"
    pdf.multi_cell(0, 6, clean(heading), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    figures = (
        f"{STATUS_SYMBOL[status]} {status.value}   ·   {_text(record['Theme board'])}   ·   period "
        f"{_text(record['Period'])}   ·   target {_number(record['Target'])}   ·   actual {_number(record['Actual'])}"
        f"   ·   shortfall {_number(record['Shortfall %'])}%   ·   lead partner {_text(record['Lead partner'])}"
    )
    pdf.multi_cell(0, 5, clean(figures), align="L", new_x="LMARGIN", new_y="NEXT")
    for label in ("Commentary", "Remedial action"):
        text = clean(f"{label}: {_text(record[label]) or '-'}")
        pdf.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _font(pdf) -> tuple[str, callable]:
    """A Unicode font where the machine has one; otherwise the core font, with text it can draw."""
    for path in UNICODE_FONTS:
        if path.exists():
            pdf.add_font("DejaVu", "", str(path))
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("DejaVu", "B", str(bold if bold.exists() else path))
            return "DejaVu", str
    return "Helvetica", lambda text: text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _text(value) -> str:
    value = plain(value)
    return "" if value is None else " ".join(str(value).split())


def _number(value) -> str:
    value = plain(value)
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)
