"""The board paper as a PDF: landscape A4, the mix as a bar, one block per target never split across pages."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable

from dashboard.domain.output import visible_controls
from dashboard.domain.rules import STATUS_SYMBOL, STATUSES, Status, status_label
from dashboard.papers.charts import STATUS_COLOURS
from dashboard.papers.fonts import UNPRINTABLE, drawing_font
from dashboard.papers.paper import BoardPaper, Mix, PaperNote, PaperRow, percent
from dashboard.read.benchmark import quartile_label
from dashboard.read.movement import DIRECTION_ARROW, Direction
from dashboard.read.views import ASSURANCE_MARKS, VARIATION_MARKS, spc_words

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
    texts += [*STATUS_SYMBOL.values(), *DIRECTION_ARROW.values(), *VARIATION_MARKS.values(), *ASSURANCE_MARKS.values()]
    texts.append(UNPRINTABLE)
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
    font, clean = drawing_font(pdf, chars, unprintable)
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
    if paper.quartiles:
        notes.append(paper.quartiles)
    pdf.multi_cell(0, 4.5, clean(" ".join(notes)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.ln(2)
    if paper.mix is not None:
        _mix_bar(pdf, font, clean, paper.mix, paper.as_at)
    _rule(pdf)
    if not paper.rows:
        pdf.set_font(font, "", 11)
        pdf.multi_cell(0, 7, clean(f"No targets to show: {paper.what}."), align="L", new_x="LMARGIN", new_y="NEXT")
    sizes = _Measure(pdf)
    for row in paper.rows:
        if pdf.will_page_break(sizes.height(lambda on, row=row: _target_block(on, font, clean, row, paper))):
            pdf.add_page()
        _target_block(pdf, font, clean, row, paper)
    if paper.notes:
        _notes_section(pdf, font, clean, paper, sizes)
    return pdf


class _Measure:
    """How tall a block will be, drawn first on a page of one copy of the paper: fpdf2's offset_rendering copies
    the whole document, fonts and pages, for every block it tries (over half a second for a short paper)."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.scratch = None

    def height(self, draw: Callable[[object], None]) -> float:
        if self.scratch is None:
            self.scratch = copy.deepcopy(self.pdf)
            self.scratch.auto_page_break = False  # a block taller than a page is measured whole
        self.scratch.add_page()
        top = self.scratch.get_y()
        draw(self.scratch)
        return self.scratch.get_y() - top


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
        text = f"{status_label(status)}   {mix.counts[status]}  ({percent(mix.pcts[status])})"
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
    quartile = f"  ·  quartile: {quartile_label(row.quartile)}" if paper.quartiles else ""
    facts.append(
        f"Target {_with_unit(row.target, row.unit)}  ·  actual {_with_unit(row.actual, row.unit)}"
        f"  ·  {_shortfall(row.shortfall_pct)}{quartile}  ·  unit: {row.unit or 'not given'}"
    )
    facts.append(_spc_line(row))
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


def _spc_line(row: PaperRow) -> str:
    """'Variation: ▲ special cause, improving  ·  assurance: ↕ hit and miss', or why there is none."""
    if row.variation is None:
        return f"No variation or assurance: {row.spc_reason or 'none worked out'}"
    variation, assurance = spc_words(row.variation, row.assurance, row.spc_reason)
    return f"Variation: {variation}  ·  assurance: {assurance}"


def _notes_section(pdf, font: str, clean, paper: BoardPaper, sizes: _Measure) -> None:
    """The board's and its targets' notes up to the as-at period, one line each: period, what about, note, who; the
    heading kept on one page with the first note."""

    def opening(on) -> None:
        _notes_heading(on, font, clean, paper)
        _note_line(on, font, clean, paper, paper.notes[0])

    if pdf.will_page_break(sizes.height(opening)):
        pdf.add_page()
    _notes_heading(pdf, font, clean, paper)
    for note in paper.notes:
        _note_line(pdf, font, clean, paper, note)


def _notes_heading(pdf, font: str, clean, paper: BoardPaper) -> None:
    pdf.ln(1)
    pdf.set_font(font, "B", 11)
    pdf.cell(0, 6, clean(f"Notes up to {paper.as_at}"), new_x="LMARGIN", new_y="NEXT")


def _note_line(pdf, font: str, clean, paper: BoardPaper, note: PaperNote) -> None:
    """'2009/10 Q2  ·  NI 1  ·  Outreach began  ·  analyst'; on a paper of every board, a board's note names it."""
    about = note.about if paper.board is not None or note.target else f"{note.about} ({note.board})"
    pdf.set_font(font, "", 9.5)
    pdf.multi_cell(0, 5, clean(f"{note.period}  ·  {about}  ·  {note.note}  ·  {note.by}"), align="L",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip


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


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.10g}"


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
