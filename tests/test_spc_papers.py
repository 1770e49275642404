"""Signal or noise where a board reads it: each target's variation and assurance in `laa exceptions` and the board
paper (PDF, Excel, CSV), and the notes at their periods in the paper and in a target's history table."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from dashboard.domain.periods import parse_period
from dashboard.read.annotations import notes_on
from dashboard.read.position import load_position, target_history
from dashboard.read.views import periods_table
from dashboard.store.engine import make_engine
from dashboard.write.annotations import annotate
from tests.conftest import laa
from tests.fixtures import acting, xmr_store
from tests.test_reports import pdf_pages

BOARD_NOTE = '=HYPERLINK("x") <b>Winter</b>'


def charted_store(tmp_path, monkeypatch) -> str:
    """NI 1 (People) with 14 quarters (tests.fixtures.xmr_store), a note on it at 2009/10 Q2 and one on its whole
    board at 2009/10 Q1 that a spreadsheet would run and a browser would render, were it not kept inert."""
    url = xmr_store(tmp_path / "spc.sqlite3")
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    engine = make_engine(url)
    annotate(engine, acting(), None, parse_period("2009/10 Q2"), "Outreach began", target="NI 1")
    annotate(engine, acting("chris"), None, parse_period("2009/10 Q1"), BOARD_NOTE, board="People")
    engine.dispose()
    return url


def test_laa_exceptions_gives_the_variation_and_assurance_in_words(tmp_path, monkeypatch):
    charted_store(tmp_path, monkeypatch)
    found = laa("exceptions", "--status", "green", "--format", "json").json()["exceptions"]
    assert [(e["indicator_code"], e["variation"], e["assurance"]) for e in found] == [
        ("NI 1", "special cause, improving", "hit and miss")
    ]
    rows = list(csv.DictReader(io.StringIO(laa("exceptions", "--status", "green", "--format", "csv").out)))
    assert [(r["indicator_code"], r["variation"], r["assurance"]) for r in rows] == [
        ("NI 1", "special cause, improving", "hit and miss")
    ]
    table = laa("exceptions", "--status", "green").out
    assert "▲ special cause, improving  ↕ hit and miss" in table
    # As at the quarter before, 13 points around 50 against a target of 60: ordinary wobble that cannot reach it.
    earlier = laa("exceptions", "--as-at", "2009/10 Q1", "--format", "json").json()["exceptions"]
    assert [(e["indicator_code"], e["variation"], e["assurance"]) for e in earlier] == [
        ("NI 1", "common cause", "never met unless the process changes")
    ]


def test_the_board_paper_gives_the_variation_assurance_and_notes(tmp_path, monkeypatch):
    charted_store(tmp_path, monkeypatch)
    path = tmp_path / "people.xlsx"
    assert laa("exceptions", "--status", "green", "--board", "People", "--output", str(path)).code == 0
    book = load_workbook(path)
    sheet = book["Board paper"]
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "Code")
    names = [c.value for c in sheet[header]]
    row = dict(zip(names, [c.value for c in sheet[header + 1]], strict=True))
    assert (row["Variation"], row["Assurance"]) == ("special cause, improving", "hit and miss")
    assert row["Notes"] == f"whole board: {BOARD_NOTE} (chris); Outreach began (analyst)"
    notes = book["Notes"]
    assert list(notes.iter_rows(values_only=True)) == [
        ("Period", "Theme board", "About", "Note", "By"),
        ("2009/10 Q1", "People", "whole board", BOARD_NOTE, "chris"),
        ("2009/10 Q2", "People", "NI 1", "Outreach began", "analyst"),
    ]
    assert notes["D2"].data_type == "s"  # text, never a formula

    pdf = tmp_path / "people.pdf"
    assert laa("exceptions", "--status", "green", "--board", "People", "--output", str(pdf)).code == 0
    text = " ".join(pdf_pages(pdf.read_bytes()))
    assert "Variation: ▲ special cause, improving · assurance: ↕ hit and miss" in text
    assert f"Notes up to 2009/10 Q2 2009/10 Q1 · whole board · {BOARD_NOTE} · chris" in text
    assert "2009/10 Q2 · NI 1 · Outreach began · analyst" in text


def test_the_paper_as_at_an_earlier_quarter_leaves_out_the_notes_after_it(tmp_path, monkeypatch):
    charted_store(tmp_path, monkeypatch)
    path = tmp_path / "people.csv"
    assert laa("exceptions", "--as-at", "2009/10 Q1", "--output", str(path)).code == 0
    header, row = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    cells = dict(zip(header, row, strict=True))
    assert (cells["Variation"], cells["Assurance"]) == ("common cause", "never met unless the process changes")
    assert cells["Notes"] == f"whole board: {BOARD_NOTE} (chris)"


def test_the_history_table_gives_each_period_its_notes(tmp_path, monkeypatch):
    engine = make_engine(charted_store(tmp_path, monkeypatch))
    position = load_position(engine)
    target, versions = target_history(engine, position, "NI 1")
    table = periods_table(versions, notes_on(position, target="NI 1"), target["frequency"])
    noted = table.loc[table["Notes"] != "", ["Period", "Notes"]].values.tolist()
    assert noted == [
        ["2009/10 Q1", f"whole board: {BOARD_NOTE} (chris)"],
        ["2009/10 Q2", "Outreach began (analyst)"],
    ]
    assert list(table.columns) == [
        "Period", "Target", "Actual", "Status", "Commentary", "Remedial action", "Notes", "Upload"
    ]  # fmt: skip
    engine.dispose()


def test_a_demo_target_says_how_many_points_it_has_and_needs(demo):
    found = laa("exceptions", "--board", "Children's Trust", "--format", "json").json()["exceptions"]
    said = {e["indicator_code"]: (e["variation"], e["assurance"]) for e in found}
    assert said["NI 117"] == ("needs 8 more quarters of actuals: has 4 of 12", "–")
    assert said["NI 92"] == ("an annual target has no XmR chart: it needs quarterly or monthly actuals", "–")
