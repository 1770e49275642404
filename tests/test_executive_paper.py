"""The executive paper for the demo partnership: one A4 page led by the brief, Table 1's totals and the ranking,
and a workbook whose numbers are numbers and whose text never runs as a formula."""

from __future__ import annotations

import io
import shutil
import subprocess

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import laa, unavailable
from tests.test_reports import pdf_pages


def test_the_executive_paper_is_one_page_with_the_brief_totals_and_ranking(demo, tmp_path):
    out = tmp_path / "executive.pdf"
    run = laa("report", "executive", "--output", str(out))
    assert (run.code, run.out) == (0, f"{out}: the executive paper of Haringey as at 2009/10 Q3 (6 sentences)\n")
    data = out.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert (reader.pages[0].mediabox.width, reader.pages[0].mediabox.height) == (595.28, 841.89)  # A4 portrait
    text = pdf_pages(data)[0]
    assert "Haringey: executive paper as at 2009/10 Q3" in text
    assert "18 of 74 targets (24.3 %) are red, 4 more than in 2009/10 Q2; 24 (32.4 %) are awaiting data." in text
    assert "Total 74 18 7 25 24 24.3 9.5 33.8 32.4" in text  # Haringey's Table 1 totals
    assert "Wellbeing 1 71.4 7.1 14 11" in text and "Enterprise 7 0.0 57.1 7 4" in text
    assert "Escalated, red for 2 periods running (9): NI 151, NI 152" in text


def test_the_executive_workbook_keeps_numbers_as_numbers_and_text_inert(demo, tmp_path):
    from dashboard.write.importer import import_bytes
    from tests.fixtures import acting

    formula = "=SUM(1,2)"
    text = f'indicator_code,theme_board,period,remedial_action\nNI 151,Enterprise,2009/10 Q3,"{formula}"\n'
    import_bytes(demo, text.encode(), "formula.csv", acting())
    out = tmp_path / "executive.xlsx"
    assert laa("report", "executive", "--output", str(out)).code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Brief", "Breakdown", "Ranking", "Moved", "Escalated and recognised", "Forecast"]
    total = [r for r in book["Breakdown"].iter_rows(values_only=True) if r[0] == "Total"][0]
    assert total == ("Total", 74, 18, 7, 25, 24, 24.3, 9.5, 33.8, 32.4)
    raised = book["Escalated and recognised"]
    cell = next(row[8] for row in raised.iter_rows() if row[2].value == "NI 151")
    assert (cell.value, cell.data_type) == (formula, "s")
    wrong = laa("report", "executive", "--output", str(tmp_path / "paper.docx"))
    assert (wrong.code, wrong.err) == (2, "error: --output paper.docx: end the name with .pdf or .xlsx\n")


def test_pdfinfo_reads_the_executive_paper_as_one_a4_page(demo, tmp_path):
    """Poppler's pdfinfo, a reader other than the one that wrote the file, counts one A4 page."""
    if shutil.which("pdfinfo") is None:
        unavailable("pdfinfo (Debian's poppler-utils) is not installed: bash scripts/setup --test installs it",
                    "LAA_REQUIRE_PDFINFO")  # fmt: skip
    out = tmp_path / "executive.pdf"
    assert laa("report", "executive", "--as-at", "2009/10 Q2", "--output", str(out)).code == 0
    info = dict(
        line.split(":", 1)
        for line in subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout.splitlines()
    )
    assert info["Pages"].strip() == "1"
    assert info["Page size"].strip() == "595.28 x 841.89 pts (A4)"
