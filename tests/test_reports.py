"""The board paper a chair takes to the meeting: exactly the targets shown, as PDF, Excel or CSV, from the board
page's buttons (reports.board_paper) and from `laa exceptions --output`."""

import csv
import dataclasses
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.domain.periods import parse_period
from dashboard.domain.rules import Status
from dashboard.papers import reports
from dashboard.papers.paper import PaperNote
from dashboard.read.breakdown import exceptions
from dashboard.read.movement import Direction
from dashboard.read.position import load_position
from tests.conftest import laa

CT = "Children's Trust"
# Children's Trust's red targets as at 2009/10 Q3, worst shortfall first: the order the board page shows.
CT_RED = ["NI 112", "NI 59", "NI 60", "NI 92", "NI 117", "NI 72", "NI 56", "NI 94", "NI 73"]
LAST_FOUR = ["2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3"]


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def sheet_rows(data: bytes) -> tuple[object, int, list[tuple]]:
    """The sheet, its table's header row number and the rows from the header down."""
    sheet = load_workbook(io.BytesIO(data)).active
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "Code")
    return sheet, header, list(sheet.iter_rows(min_row=header, values_only=True))


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def red_paper(position, as_at=None, board=CT, **filters):
    period = parse_period(as_at) if as_at else None
    rows = exceptions(position.statuses(period), Status.RED, board)
    if "lead_partners" in filters:
        rows = rows[rows["lead_partner"].isin(filters["lead_partners"])]
    what = reports.describe(len(rows), Status.RED, **filters)
    return reports.board_paper(position, period, board, rows, what, produced=date(2010, 1, 20))


# --- the command line ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["pdf", "xlsx", "csv"])
def test_output_writes_the_file_and_prints_one_line(demo, tmp_path, suffix):
    path = tmp_path / f"ct.{suffix}"
    run = laa("exceptions", "--board", "children's trust", "--output", str(path))
    assert (run.code, run.out, run.err) == (0, f"wrote {path}: 9 red targets, Children's Trust, as at 2009/10 Q3\n", "")
    assert path.stat().st_size > 0
    everyone = laa("exceptions", "--status", "amber", "--output", str(path), "--format", "json")
    assert everyone.out == f"wrote {path}: 7 amber targets, all theme boards, as at 2009/10 Q3\n"


def test_without_output_the_table_is_printed_as_before(demo):
    run = laa("exceptions", "--board", CT)
    assert run.code == 0
    lines = run.out.splitlines()
    assert [line.split("  ")[0] for line in lines if line.startswith("NI ")] == CT_RED
    assert "wrote" not in run.out


def test_an_unknown_report_type_is_refused(demo, tmp_path):
    run = laa("exceptions", "--output", str(tmp_path / "report.docx"))
    assert (run.code, run.out, run.err) == (2, "", "error: --output 'report.docx': name a .pdf, .xlsx or .csv file\n")
    assert not (tmp_path / "report.docx").exists()


# --- the PDF ---------------------------------------------------------------------------------------------------


def test_pdf_is_the_board_paper(demo, tmp_path):
    path = tmp_path / "ct.pdf"
    assert laa("exceptions", "--board", CT, "--output", str(path)).code == 0
    pages = pdf_pages(path.read_bytes())
    text = " ".join(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Haringey · Children's Trust · as at 2009/10 Q3" in page
    assert pages[0].startswith("Haringey: 9 red targets, Children's Trust, as at 2009/10 Q3")
    # The board's mix at the top: every status with its symbol, word, count and share.
    assert "Mix of Children's Trust board as at 2009/10 Q3: 26 targets" in pages[0]
    for chip in ("✖ red 9 (34.6%)", "▲ amber 3 (11.5%)", "✔ green 10 (38.5%)", "… data awaited 4 (15.4%)"):
        assert chip in pages[0]
    # One block per red target: status word, direction, figures with units, the last four periods.
    for code in CT_RED:
        assert f"✖ red {code} " in text
    assert text.count("Direction of travel: ↑ better since 2009/10 Q2") == 1  # NI 59
    assert text.count("Direction of travel: ↓ worse since 2009/10 Q2") == 3  # NI 112, NI 60, NI 117
    assert text.count("Direction of travel: → same since 2009/10 Q2") == 5
    assert text.count(" ".join(["Period", *LAST_FOUR])) == 9
    assert "NI 117 16 to 18 year olds who are not in education, employment or training (NEET)" in text
    assert "Target 10.5% · actual 11.76% · 12.0% behind target" in text
    assert "Actual (%) 10.62 10.9 11.45 11.76 Status ▲ amber ▲ amber ✖ red ✖ red" in text
    assert "Target -36% change from 1998 · actual -25.9% change from 1998 · 28.1% behind target" in text
    assert "Actual (%) 24.6 (2008/09) 24.6 (2008/09) 24.6 (2008/09) 24.6 (2008/09)" in text  # NI 56: a year's figure
    assert "Figure for 2009/10 Q3 · lead partner: CHENEL · type: designated" in text
    # Four quarters held, or a year's figures: no XmR chart, and the block says why.
    assert text.count("No variation or assurance: needs 8 more quarters of actuals: has 4 of 12") == 4
    annual = "No variation or assurance: an annual target has no XmR chart: it needs quarterly or monthly actuals"
    assert text.count(annual) == 5
    assert "Notes up to" not in text  # no notes, no section
    assert "Commentary: Off track at 2009/10 Q3: the recession has cut the jobs and apprenticeships open" in text
    assert "Remedial action: Connexions to trace every young person whose activity is not known" in text
    # A block is never split across pages: each page holds whole blocks only.
    for page in pages:
        blocks = page.count("Direction of travel:")
        assert blocks == page.count("Commentary:") == page.count("Remedial action:") > 0
    assert sum(page.count("Remedial action:") for page in pages) == 9


def test_the_notes_heading_is_never_left_at_the_foot_of_a_page(demo):
    """With each number of target blocks above it, the heading shares its page with the whole first note (six
    lines): when the space left cannot hold both, the heading moves to the next page with the note."""
    paper = red_paper(load_position(demo))
    first = PaperNote("2009/10 Q3", CT, None, "Winter pressure on the service " * 40 + "ENDOFNOTE", "chris")
    moved = 0
    for shown in range(len(paper.rows) + 1):
        pages = pdf_pages(reports.paper_pdf(dataclasses.replace(paper, rows=paper.rows[:shown], notes=(first, first))))
        heading = next(n for n, page in enumerate(pages) if "Notes up to 2009/10 Q3" in page)
        assert "ENDOFNOTE" in pages[heading].split("Notes up to 2009/10 Q3")[1], shown
        moved += pages[heading].split("Notes up to")[0].count("Remedial action:") == 0 and shown > 0
    assert moved >= 1  # some number of blocks left room for the heading but not the note


def test_pdf_direction_of_travel_and_periods_as_at_an_earlier_quarter(demo):
    paper = red_paper(load_position(demo), "2009/10 Q2")
    assert paper.as_at == "2009/10 Q2" and paper.since == "2009/10 Q1"
    # The as-at and the three quarters before it: five demo targets have figures from 2006/07 Q1.
    assert paper.periods == ("2008/09 Q3", "2008/09 Q4", "2009/10 Q1", "2009/10 Q2")
    neet = next(r for r in paper.rows if r.code == "NI 117")
    assert neet.direction is Direction.WORSE
    assert [(f.period, f.actual, f.status.value) for f in neet.history] == [
        ("2008/09 Q3", None, "data awaited"),  # NI 117 has no row before 2008/09 Q4 (rule 2)
        ("2008/09 Q4", 10.62, "amber"),
        ("2009/10 Q1", 10.9, "amber"),
        ("2009/10 Q2", 11.45, "red"),
    ]
    assert paper.mix.counts == {Status.RED: 9, Status.AMBER: 2, Status.GREEN: 11, Status.DATA_AWAITED: 4}
    text = " ".join(pdf_pages(reports.paper_pdf(paper)))
    assert "Direction of travel: ↓ worse since 2009/10 Q1" in text
    assert "✔ green 11 (42.3%)" in text and "Page 1 of" in text and "as at 2009/10 Q2" in text
    assert "Produced 2010-01-20" in text


def test_all_statuses_paper_carries_every_status_and_direction(demo, tmp_path):
    better = tmp_path / "better.csv"
    better.write_text("indicator_code,theme_board,period,actual\nNI 117,Children's Trust,2009/10 Q3,10.4\n")
    assert laa("import", str(better)).code == 0
    position = load_position(demo)
    statuses = position.statuses(None)
    shown = statuses[statuses["theme_board"] == CT].sort_values("position")
    paper = reports.board_paper(position, None, "children's trust", shown, reports.describe(len(shown)))
    assert (paper.what, paper.board, paper.as_at) == ("26 targets, all statuses", CT, "2009/10 Q3")
    assert [r.code for r in paper.rows] == shown["indicator_code"].tolist()
    directions = {r.code: r.direction for r in paper.rows}
    assert (directions["NI 117"], directions["NI 115"], directions["NI 80"]) == (
        Direction.BETTER,
        Direction.WORSE,
        Direction.UNKNOWN,
    )
    text = " ".join(pdf_pages(reports.paper_pdf(paper)))
    assert "Haringey: 26 targets, all statuses, Children's Trust, as at 2009/10 Q3" in text
    assert "✖ red 8 (30.8%)" in text and "✔ green 11 (42.3%)" in text
    for chip in ("✔ green NI 117 ", "▲ amber NI 115 ", "… data awaited NI 80 ", "✖ red NI 56 "):
        assert chip in text
    for words in ("↑ better since 2009/10 Q2", "↓ worse since 2009/10 Q2", "– no comparison", "→ same"):
        assert words in text
    assert "unit: score (1-16)" in text and "Target 1700 per 100,000 · actual 1611 per 100,000" in text


def test_a_filtered_view_exports_only_the_rows_shown(demo):
    paper = red_paper(load_position(demo), lead_partners=["NHS Haringey"])
    assert paper.what == "2 red targets · lead partner NHS Haringey"
    assert [r.code for r in paper.rows] == ["NI 112", "NI 56"]
    assert paper.mix.targets == 26  # the mix is still the whole board's
    pdf = " ".join(pdf_pages(reports.paper_pdf(paper)))
    assert "Haringey: 2 red targets · lead partner NHS Haringey, Children's Trust, as at 2009/10 Q3" in pdf
    assert "✖ red NI 112 " in pdf and "✖ red NI 56 " in pdf
    assert not any(f"{code} " in pdf for code in CT_RED if code not in ("NI 56", "NI 112"))
    _, _, rows = sheet_rows(reports.paper_xlsx(paper))
    assert [r[0] for r in rows[1:]] == ["NI 112", "NI 56"]
    assert [r[0] for r in csv_rows(reports.paper_csv(paper))[1:]] == ["NI 112", "NI 56"]


def test_an_empty_paper_says_so(demo, tmp_path):
    path = tmp_path / "none.pdf"
    run = laa("exceptions", "--board", "Integrated Housing", "--output", str(path))
    assert run.out == f"wrote {path}: 0 red targets, Integrated Housing, as at 2009/10 Q3\n"
    text = " ".join(pdf_pages(path.read_bytes()))
    assert "No targets to show: 0 red targets." in text
    assert "Mix of Integrated Housing board as at 2009/10 Q3: 6 targets" in text
    assert "✖ red 0 (0.0%)" in text and "… data awaited 4 (66.7%)" in text


# --- Excel -----------------------------------------------------------------------------------------------------


def test_excel_has_the_mix_an_autofilter_status_fills_and_a_print_setup(demo, tmp_path):
    change = tmp_path / "formula.csv"
    change.write_text(
        'indicator_code,theme_board,period,commentary\nNI 117,Children\'s Trust,2009/10 Q3,=HYPERLINK("x")\n'
    )
    assert laa("import", str(change)).code == 0
    path = tmp_path / "ct.xlsx"
    assert laa("exceptions", "--board", CT, "--output", str(path)).code == 0
    sheet, header, rows = sheet_rows(path.read_bytes())
    assert sheet["A1"].value == "Haringey: 9 red targets, Children's Trust, as at 2009/10 Q3"
    assert [c.value for c in sheet[3]][:6] == [
        "Mix: Children's Trust",
        "red",
        "amber",
        "green",
        "data awaited",
        "Targets",
    ]
    assert [c.value for c in sheet[4]][:6] == ["Targets", 9, 3, 10, 4, 26]
    assert [c.value for c in sheet[5]][:5] == ["% of targets", 34.6, 11.5, 38.5, 15.4]
    assert header == 7
    assert rows[0] == (
        "Code", "Indicator", "Theme board", "Status", "Direction of travel", "Variation", "Assurance", "Unit",
        "Target", "Actual", "Shortfall %", "Period", "Target type", "Lead partner", "Commentary", "Remedial action",
        "Notes", "2008/09 Q4 actual", "2008/09 Q4 status", "2009/10 Q1 actual", "2009/10 Q1 status",
        "2009/10 Q2 actual", "2009/10 Q2 status", "2009/10 Q3 actual", "2009/10 Q3 status",
    )  # fmt: skip
    by_code = {r[0]: r for r in rows[1:]}
    assert list(by_code) == CT_RED
    neet = by_code["NI 117"]
    assert (neet[3], neet[7:11]) == ("red", ("%", 10.5, 11.76, 12))
    assert neet[4] == "↓ worse"
    # Four quarters held: no XmR chart yet, and the variation says how many quarters it has and needs.
    assert neet[5:7] == ("needs 8 more quarters of actuals: has 4 of 12", "–")
    assert neet[16] is None  # no notes
    assert neet[17:] == (10.62, "amber", 10.9, "amber", 11.45, "red", 11.76, "red")
    # The formula stays text.
    neet_row = header + 1 + CT_RED.index("NI 117")
    assert neet[14] == '=HYPERLINK("x")'
    assert sheet.cell(row=neet_row, column=15).data_type == "s"
    # Autofilter over the header and the data; frozen header; status cells filled with the status colour.
    assert sheet.auto_filter.ref == "A7:Y16"
    assert sheet.freeze_panes == "C8"
    red, amber = "00ECB78C", "00F4D48C"  # #D55E00 and #E69F00 lightened for print
    assert sheet.cell(row=neet_row, column=4).fill.fgColor.rgb == red
    assert sheet.cell(row=neet_row, column=19).fill.fgColor.rgb == amber
    assert sheet["B3"].fill.fgColor.rgb == red
    # Print: A4 landscape, one page wide, the header row on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$7:$7"
    assert sheet.oddFooter.right.text == "Page &P of &N"


# --- CSV -------------------------------------------------------------------------------------------------------


def test_csv_opens_in_excel_and_runs_nothing(demo, tmp_path):
    change = tmp_path / "formula.csv"
    change.write_text(
        "indicator_code,indicator_name,theme_board,period,commentary,remedial_action,lead_partner\n"
        "NI 117,-2+3,Children's Trust,2009/10 Q3,=1+1,@SUM(A1),+44 CHENEL\n"
    )
    assert laa("import", str(change)).code == 0
    path = tmp_path / "ct.csv"
    assert laa("exceptions", "--board", CT, "--output", str(path)).code == 0
    rows = csv_rows(path.read_bytes())
    assert rows[0][:4] == ["Code", "Indicator", "Theme board", "Status"]
    assert [r[0] for r in rows[1:]] == CT_RED
    neet = dict(zip(rows[0], rows[CT_RED.index("NI 117") + 1], strict=True))
    assert (neet["Indicator"], neet["Commentary"], neet["Remedial action"], neet["Lead partner"]) == (
        "'-2+3",
        "'=1+1",
        "'@SUM(A1)",
        "'+44 CHENEL",
    )
    assert (neet["Target"], neet["Actual"], neet["Shortfall %"], neet["2009/10 Q1 status"]) == (
        "10.5",
        "11.76",
        "12.0",
        "amber",
    )
    teenage = dict(zip(rows[0], rows[CT_RED.index("NI 112") + 1], strict=True))
    assert (teenage["Target"], teenage["Actual"]) == ("-36.0", "-25.9")  # numbers stay numbers
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a number may start so


def test_csv_quotes_every_kind_of_formula_text_including_the_code():
    row = reports.PaperRow(
        target_id=1, code="=CMD", indicator="\tname", board="+board", status=Status.RED,
        direction=Direction.WORSE, unit="-", target=-1.5, actual=-2.0, shortfall_pct=33.3, period="2009/10 Q3",
        target_type="@type", lead_partner="\rpartner", commentary="-note", remedial_action="=A1",
    )  # fmt: skip
    paper = reports.BoardPaper("Area", None, "2009/10 Q3", "1 red target", None, (row,))
    header, data = csv_rows(reports.paper_csv(paper))
    cells = dict(zip(header, data, strict=True))
    assert [cells[c] for c in ("Code", "Indicator", "Theme board", "Unit", "Target type", "Lead partner")] == [
        "'=CMD",
        "'\tname",
        "'+board",
        "'-",
        "'@type",
        "'\rpartner",
    ]
    assert (cells["Commentary"], cells["Remedial action"], cells["Target"], cells["Actual"]) == (
        "'-note",
        "'=A1",
        "-1.5",
        "-2.0",
    )


# --- naming and the old API ------------------------------------------------------------------------------------


def test_describe_and_file_stem(demo):
    assert reports.describe(9, Status.RED) == "9 red targets"
    assert reports.describe(1, Status.AMBER) == "1 amber target"
    assert reports.describe(26) == "26 targets, all statuses"
    assert reports.describe(4, Status.DATA_AWAITED) == "4 targets awaiting data"
    assert (
        reports.describe(3, None, target_types=["designated", "stretch"], lead_partners=["CHENEL"])
        == "3 targets, all statuses · target type designated, stretch · lead partner CHENEL"
    )
    paper = red_paper(load_position(demo))
    assert reports.file_stem(paper) == "childrens-trust-2009-10-q3-red"
    assert reports.file_stem(paper, Status.RED, [], ["NHS Haringey"]) == "childrens-trust-2009-10-q3-red-nhs-haringey"
    assert (
        reports.file_stem(paper, None, ["designated", "stretch"], ["CHENEL"])
        == "childrens-trust-2009-10-q3-all-statuses-designated-stretch-chenel"
    )
    assert reports.file_stem(paper, Status.DATA_AWAITED) == "childrens-trust-2009-10-q3-data-awaited"
    assert reports.file_stem(red_paper(load_position(demo), board=None)) == "all-boards-2009-10-q3-red"
    many = reports.file_stem(paper, Status.RED, [], [f"Partner {n}" for n in range(40)])
    assert len(many) == 120 and many.startswith("childrens-trust-2009-10-q3-red-partner-0-partner-1-")
