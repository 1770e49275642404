"""The exception report a chair takes to the meeting, from `laa exceptions --output` and the board page."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import laa


def test_pdf_report_names_every_red_target_with_its_commentary(demo, tmp_path):
    path = tmp_path / "children.pdf"
    run = laa("exceptions", "--board", "children's trust", "--output", str(path))
    assert run.code == 0
    assert run.err == f"wrote {path} (9 target(s))\n"
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    text = " ".join(text.split())
    assert "Haringey: red targets, Children's Trust, as at 2009/10 Q3" in text
    assert "9 target(s)." in text
    for code in ("NI 56", "NI 59", "NI 60", "NI 72", "NI 73", "NI 92", "NI 94", "NI 112", "NI 117"):
        assert f"{code} " in text
    assert "Commentary: Off track at 2009/10 Q3: the recession has cut the jobs and apprenticeships open" in text
    assert "lead partner CHENEL" in text


def test_excel_report_keeps_figures_as_numbers_and_formulas_as_text(demo, tmp_path):
    change = tmp_path / "formula.csv"
    change.write_text(
        'indicator_code,theme_board,period,commentary\nNI 117,Children\'s Trust,2009/10 Q3,=HYPERLINK("x")\n'
    )
    assert laa("import", str(change)).code == 0
    path = tmp_path / "all.xlsx"
    assert laa("exceptions", "--output", str(path)).code == 0
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Haringey: red targets, all theme boards, as at 2009/10 Q3"
    header = [c.value for c in sheet[3]]
    assert header == [
        "Code",
        "Indicator",
        "Theme board",
        "Status",
        "Period",
        "Target",
        "Actual",
        "Shortfall %",
        "Lead partner",
        "Commentary",
        "Remedial action",
    ]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 18
    assert rows["NI 117"][5:8] == (10.5, 11.76, 12.0)
    assert rows["NI 117"][9] == '=HYPERLINK("x")'
    assert sheet.cell(row=4 + list(rows).index("NI 117"), column=10).data_type == "s"


def test_csv_report_opens_in_excel_and_runs_nothing(demo, tmp_path):
    change = tmp_path / "formula.csv"
    change.write_text("indicator_code,theme_board,period,commentary\nNI 117,Children's Trust,2009/10 Q3,=1+1\n")
    assert laa("import", str(change)).code == 0
    path = tmp_path / "ct.csv"
    assert laa("exceptions", "--board", "Children's Trust", "--output", str(path)).code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfCode,Indicator,Theme board,Status,Period,Target,Actual,Shortfall %,")
    assert data.decode("utf-8-sig").splitlines()[-1] == (
        'NI 117,"16 to 18 year olds who are not in education, employment or training (NEET)",Children\'s Trust,red,'
        "2009/10 Q3,10.5,11.76,12.0,CHENEL,'=1+1,Recovery plan agreed at the Children's Trust board; lead officer "
        "reports progress monthly to PMG."
    )


def test_an_unknown_report_type_is_refused(demo, tmp_path):
    run = laa("exceptions", "--output", str(tmp_path / "report.docx"))
    assert (run.code, run.err) == (2, "error: --output 'report.docx': name a .pdf, .xlsx or .csv file\n")


def test_an_empty_report_says_so(demo, tmp_path):
    path = tmp_path / "none.pdf"
    run = laa("exceptions", "--board", "Integrated Housing", "--output", str(path))
    assert run.code == 0
    text = " ".join(PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text().split())
    assert "No red targets." in text
