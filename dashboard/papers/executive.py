"""The executive paper: one A4 page (PDF) and a workbook for the executive board as at a quarter, led by the brief
written by rules (read.brief): the breakdown with its total, the ranking and its basis, what moved, the
escalations and recognitions by rule, and the forecast mix."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.domain.output import visible_controls
from dashboard.domain.periods import Period
from dashboard.read.breakdown import COUNT_COLUMNS, board_breakdown, rank_boards, with_total
from dashboard.read.brief import executive_brief
from dashboard.read.escalations import RULES, Rule, RuleSetting, escalations, rule_sentence
from dashboard.read.forecast import forecast_mix, forecasts
from dashboard.read.movement import MOVE_TEXT, SHOWN_MOVES, earlier_quarter, moves
from dashboard.read.position import Position
from dashboard.read.views import ranking_sentence

SHOWN_CODES = 8
"""Codes named on a line of the one-page PDF; the workbook lists every one."""


@dataclass
class ExecutivePaper:
    area: str
    as_at: str
    brief: list[str]
    breakdown: pd.DataFrame
    """Each board's counts and percentages, with the Total row (Haringey's Tables 1 and 2)."""
    ranking: pd.DataFrame
    basis: str
    moved: list[tuple[str, list[str]]]
    """What moved since the previous quarter: (the move in words, the codes)."""
    raised: pd.DataFrame
    """Every escalation and recognition (read.escalations)."""
    rules: list[tuple[str, str, str]]
    """Each rule that fired: (the rule, its words, the kind)."""
    forecast: dict[str, int]
    since: str | None = None
    produced: date = field(default_factory=date.today)

    def title(self) -> str:
        return f"{self.area}: executive paper as at {self.as_at}"


def executive_paper(
    position: Position, as_at: Period, rules: dict[Rule, RuleSetting], basis: str = "all"
) -> ExecutivePaper:
    boards, total = board_breakdown(position.statuses(as_at))
    earlier = earlier_quarter(position, as_at)
    moved = moves(position, as_at) if earlier is not None else None
    raised = escalations(position, as_at, rules)
    mix = forecast_mix(forecasts(position, as_at))
    fired = [(r.value, rule_sentence(r, rules[r]), RULES[r].kind.value) for r in RULES if (raised["rule"] == r).any()]
    return ExecutivePaper(
        area=position.area,
        as_at=as_at.label,
        brief=executive_brief(position, as_at, raised, mix),
        breakdown=with_total(boards, total),
        ranking=rank_boards(boards, basis),
        basis=basis,
        moved=[(MOVE_TEXT[m], moved[m]["indicator_code"].tolist()) for m in SHOWN_MOVES] if moved else [],
        raised=raised,
        rules=fired,
        forecast=mix,
        since=earlier.label if earlier else None,
    )


def _codes(codes: list[str], most: int = SHOWN_CODES) -> str:
    shown = ", ".join(codes[:most])
    return shown + (f" and {len(codes) - most} more" if len(codes) > most else "")


def _raised_lines(paper: ExecutivePaper) -> list[str]:
    """One line a rule that fired: its words, how many, which."""
    lines = []
    for rule, words, kind in paper.rules:
        rows = paper.raised[paper.raised["rule"] == rule]
        verb = "Escalated" if kind == "escalate" else "Recognised"
        lines.append(f"{verb}, {words} ({len(rows)}): {_codes(rows['indicator_code'].tolist())}")
    return lines


def executive_pdf(paper: ExecutivePaper) -> bytes:
    """One portrait A4 page: the brief, the breakdown, the ranking, what moved, what the rules raise, the
    forecast. Text from the data is drawn as it is (control characters as pictures)."""
    from fpdf import FPDF

    from dashboard.papers.fonts import drawing_font

    pdf = FPDF(orientation="P", format="A4")
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(auto=False)
    chars = visible_controls(" ".join([*paper.brief, paper.title(), *paper.breakdown["theme_board"].astype(str),
                                       *_raised_lines(paper)]))  # fmt: skip
    font, clean = drawing_font(pdf, frozenset(chars))
    pdf.set_title(clean(paper.title()))
    pdf.set_creator("LAA performance dashboard")
    pdf.add_page()
    pdf.set_font(font, "B", 13)
    pdf.multi_cell(0, 6.5, clean(paper.title()), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 7)
    pdf.multi_cell(0, 3.5, f"Produced {paper.produced.isoformat()} by the LAA performance dashboard.",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    _heading(pdf, font, "In brief")
    pdf.set_font(font, "", 8.5)
    for sentence in paper.brief:
        pdf.multi_cell(0, 4.2, clean(f"• {sentence}"), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, font, f"Targets by status, as at {paper.as_at}")
    _table(pdf, font, clean, _breakdown_rows(paper))
    _heading(pdf, font, "Boards ranked, best first")
    pdf.set_font(font, "", 7)
    pdf.multi_cell(0, 3.5, clean(ranking_sentence(paper.basis)), new_x="LMARGIN", new_y="NEXT")
    _table(pdf, font, clean, _ranking_rows(paper))
    _heading(pdf, font, f"What moved since {paper.since}" if paper.since else "What moved")
    _lines(pdf, font, clean, [f"{len(c)} {w}: {_codes(c)}" for w, c in paper.moved if c] or ["Nothing to compare."])
    _heading(pdf, font, "Escalated and recognised")
    _lines(pdf, font, clean, _raised_lines(paper) or ["No target meets a rule."])
    _heading(pdf, font, "Forecast for the year's end")
    f = paper.forecast
    told = f"{f['on track']} on track, {f['at risk']} at risk, {f['off track']} off track"
    _lines(pdf, font, clean, [f"{told}; {f['no forecast']} without a forecast (two actuals this year are needed)."])
    return bytes(pdf.output())


def _heading(pdf, font: str, text: str) -> None:
    pdf.ln(1.5)
    pdf.set_font(font, "B", 9.5)
    pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def _lines(pdf, font: str, clean, lines: list[str]) -> None:
    pdf.set_font(font, "", 7.5)
    for line in lines:
        pdf.multi_cell(0, 3.6, clean(line), new_x="LMARGIN", new_y="NEXT")


def _table(pdf, font: str, clean, rows: list[list[str]]) -> None:
    widths = [pdf.epw * 0.22] + [pdf.epw * 0.78 / (len(rows[0]) - 1)] * (len(rows[0]) - 1)
    for index, row in enumerate(rows):
        bold = index == 0 or row[0] == "Total"
        pdf.set_font(font, "B" if bold else "", 7)
        for i, (text, width) in enumerate(zip(row, widths, strict=True)):
            pdf.cell(width, 3.8, clean(text), border="B", align="L" if i == 0 else "R")
        pdf.ln(3.8)


def _breakdown_rows(paper: ExecutivePaper) -> list[list[str]]:
    words = ["Red", "Amber", "Green", "Awaited"]  # short: ten columns share a portrait page
    header = ["Theme board", "Targets", *words, *(f"{w} %" for w in words)]
    body = [
        [str(r["theme_board"]), str(r["targets"]), *(str(r[c]) for c in COUNT_COLUMNS),
         *(f"{r[f'{c}_pct']:.1f}" for c in COUNT_COLUMNS)]
        for r in paper.breakdown.to_dict("records")
    ]  # fmt: skip
    return [header, *body]


def _ranking_rows(paper: ExecutivePaper) -> list[list[str]]:
    header = ["Theme board", "Rank", "Green or amber %", "Red %", "Targets", "Rated"]
    body = [[str(r["theme_board"]), str(r["rank"]), f"{r['green_amber_pct']:.1f}", f"{r['red_pct']:.1f}",
             str(r["targets"]), str(r["rated"])] for r in paper.ranking.to_dict("records")]  # fmt: skip
    return [header, *body]


def executive_xlsx(paper: ExecutivePaper) -> bytes:
    """The same paper as a workbook: the brief, then a sheet each for the breakdown, the ranking, what moved, every
    escalation and recognition, and the forecast. Numbers stay numbers; text stays text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from dashboard.papers.tables import xlsx_cell

    book = Workbook()
    sheets = {
        "Brief": [[paper.title()], [f"Produced {paper.produced.isoformat()} by the LAA performance dashboard."], [],
                  *[[s] for s in paper.brief]],
        "Breakdown": _breakdown_rows(paper)[:1] + [
            [r["theme_board"], r["targets"], *(r[c] for c in COUNT_COLUMNS), *(r[f"{c}_pct"] for c in COUNT_COLUMNS)]
            for r in paper.breakdown.to_dict("records")
        ],
        "Ranking": _ranking_rows(paper)[:1] + [
            [r["theme_board"], r["rank"], r["green_amber_pct"], r["red_pct"], r["targets"], r["rated"]]
            for r in paper.ranking.to_dict("records")
        ],
        "Moved": [["Since", "Move", "Code"]] + [[paper.since, w, c] for w, codes in paper.moved for c in codes],
        "Escalated and recognised": [["Kind", "Rule", "Code", "Indicator", "Theme board", "Why", "Since",
                                      "Lead partner", "Remedial action"]] + [
            [r["kind"], r["rule"], r["indicator_code"], r["indicator_name"], r["theme_board"], r["why"], r["since"],
             r["lead_partner"], r["remedial_action"]] for r in paper.raised.to_dict("records")
        ],
        "Forecast": [["Outlook", "Targets"], *([k, v] for k, v in paper.forecast.items())],
    }  # fmt: skip
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([xlsx_cell(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text starting with = stays text
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def executive_file_name(paper: ExecutivePaper, suffix: str) -> str:
    return executive_stem(paper.area, paper.as_at) + suffix


def executive_stem(area: str, as_at: str) -> str:
    """'haringey-executive-2009-10-q3': the paper's file name without its suffix."""
    stem = "".join(c if c.isalnum() else "-" for c in f"{area} executive {as_at}".lower())
    return "-".join(filter(None, stem.split("-")))
