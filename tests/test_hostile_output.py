"""Hostile data in everything the product writes: every CSV opens in a spreadsheet without running a formula,
no control character from the data reaches a terminal, and the board paper PDF draws every script (or marks
what it cannot)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from sqlalchemy import text

from dashboard.access.accounts import add_user
from dashboard.access.permissions import LOCAL_ADMIN
from dashboard.domain.csvsafe import FORMULA_STARTS
from dashboard.domain.output import to_csv, to_table
from dashboard.domain.periods import parse_period
from dashboard.read import quality
from dashboard.read.position import load_position
from dashboard.store.engine import make_engine
from tests.conftest import Run, laa
from tests.fixtures import PASSWORD, new_store

CMD = "=CMD|' /C CALC'!A0"
RED = "\x1b[31mRED\x07"  # a colour code and a bell
CSI = "\x9b"  # the one-byte C1 form of ESC [
WORLD = "北京 ✓ 😀 مرحبا"
NO_FONT = "\U0001fae8"  # SHAKING FACE (Unicode 15): in none of the paper's fonts
HEADER = [
    "indicator_code", "indicator_name", "theme_board", "period", "target", "actual", "rag", "commentary",
    "remedial_action", "lead_partner", "unit",
]  # fmt: skip
ROWS = [
    [CMD, '=HYPERLINK("http://evil.example")', "@Board", "2009/10 Q3", "10", "-5", "", "+SUM(1)", "-2+3", "@cmd", ""],
    ["NI 1", "\tTab", "-Minus board", "2009/10 Q3", "-3", "-5", "", "\tTAB leading", "\rCR leading", "=evil", "=u"],
    ["NI 2", "WIPE NAME", "+Plus board", "2009/10 Q3", "10", "1", "", "RED COMMENTARY", "-5", "+44 20", ""],
    ["NI 3", "World", "@Board", "2009/10 Q3", "10", "1", "", f"{WORLD} {NO_FONT}", "=1+1", "@cmd", ""],
    ["NI 4", "Awaited", "=Eq board", "2009/10 Q3", "", "", "data awaited", "@awaiting", "", '=HYPERLINK("x")', ""],
]  # fmt: skip
STORED = {"WIPE NAME": "Wipe \x1b[2J name", "RED COMMENTARY": f"{RED} {CSI}7m"}
"""Text put straight into the store after the import (the importer refuses control characters; a store filled
before it did, or by another way in, still holds them): what the outputs must cope with."""
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # every C0 and C1 control but the newline


def _csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


def _use(url: str | None) -> None:
    """Point the package at `url` (None: back to the default), with fresh settings and engine caches."""
    if url is None:
        os.environ.pop("LAA_DATABASE_URL", None)
    else:
        os.environ["LAA_DATABASE_URL"] = url


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Iterator[str]:
    """A SQLite store holding hostile codes, names, boards and commentary; a second upload from a file whose
    name is a formula, by an uploader whose name is one, changes NI 1's actual to another negative number.
    Built once for the module: no test writes to it."""
    folder = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{folder / 'laa.sqlite3'}"
    saved = os.environ.get("LAA_DATABASE_URL")
    _use(new_store(url))
    try:
        first = folder / "hostile.csv"
        first.write_bytes(_csv_file(ROWS))
        run = laa("import", str(first))
        assert run.code == 0, run.err
        second = folder / "=HYPERLINK(1).csv"
        second.write_bytes(_csv_file([[*ROWS[1][:5], "-6", *ROWS[1][6:]]]))
        add_user(make_engine(url), LOCAL_ADMIN, "@evil", "analyst", PASSWORD)  # an uploader whose name is a formula
        run = laa("import", str(second), "--as=@evil")
        assert run.code == 0, run.err
        with make_engine(os.environ["LAA_DATABASE_URL"]).begin() as conn:
            for placeholder, stored in STORED.items():
                for table, column in (("targets", "indicator_name"), ("period_values", "commentary")):
                    update = text(f"UPDATE {table} SET {column} = :stored WHERE {column} = :placeholder")
                    conn.execute(update, {"stored": stored, "placeholder": placeholder})
    finally:
        _use(saved)
    yield url


@pytest.fixture
def hostile(hostile_store, tmp_path, monkeypatch) -> Iterator[Path]:
    """The hostile store in use; a folder of the test's own for the files it writes."""
    monkeypatch.setenv("LAA_DATABASE_URL", hostile_store)
    yield tmp_path


def codes() -> list[str]:
    run = laa("exceptions", "--status", "red", "--format", "json")
    return [e["indicator_code"] for e in run.json()["exceptions"]]


def assert_no_live_formula(rows: list[list[str]]) -> None:
    """The done-when rule: no cell begins with =, +, -, @, tab or CR unless it is a number."""
    assert rows
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                try:
                    float(cell)
                except ValueError:
                    pytest.fail(f"a live formula in the CSV: {cell!r} (row {row})")


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- Every CSV the product writes ----------------------------------------------------------------------------


def test_the_hostile_code_survives_the_importer(hostile):
    assert CMD in codes()


@pytest.mark.parametrize(
    "args",
    [
        ["summary"],
        ["ranking"],
        ["ranking", "--basis", "rated"],
        ["exceptions"],
        ["exceptions", "--status", "data awaited"],
        ["history", "NI 1"],
        ["history", "NI 2"],
        ["batches"],
    ],
    ids=lambda a: " ".join(a),
)
def test_format_csv_of_every_command_runs_no_formula(hostile, args):
    run = laa(*args, "--format", "csv")
    assert run.code == 0, run.err
    rows = parse(run.out)
    assert_no_live_formula(rows)
    cells = {cell for row in rows for cell in row}
    expected = {
        "summary": {"'@Board", "'-Minus board", "'+Plus board", "'=Eq board"},
        "ranking": {"'@Board", "'-Minus board", "'+Plus board", "'=Eq board"},
        "exceptions": {f"'{CMD}", "'+SUM(1)", "'-2+3", "'@cmd", "'=evil", "'+44 20", "-5", "-5.0", "-6.0"},
        "history": {"'@evil", "-6.0", "-5.0"} if args[1:] == ["NI 1"] else {f"{RED} {CSI}7m"},
        "batches": {"'=HYPERLINK(1).csv", "'@evil"},
    }[args[0]]
    if args[1:] == ["--status", "data awaited"]:
        expected = {"'@awaiting", "'=Eq board", '\'=HYPERLINK("x")'}
    assert expected <= cells


def test_history_csv_of_the_hostile_code_runs_no_formula(hostile):
    run = laa("history", CMD, "--format", "csv")
    assert run.code == 0, run.err
    rows = parse(run.out)
    assert_no_live_formula(rows)
    assert "'+SUM(1)" in {cell for row in rows for cell in row}


def test_the_board_paper_csv_runs_no_formula(hostile):
    path = hostile / "paper.csv"
    run = laa("exceptions", "--output", str(path))
    assert run.code == 0, run.err
    rows = parse(path.read_bytes().decode("utf-8-sig"))
    assert_no_live_formula(rows)
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert f"'{CMD}" in [r["Code"] for r in table]
    by_code = {r["Code"]: r for r in table}
    assert (by_code["NI 1"]["Target"], by_code["NI 1"]["Actual"], by_code["NI 1"]["Unit"]) == ("-3.0", "-6.0", "'=u")
    assert by_code["NI 2"]["Remedial action"] == "-5"  # a number written as text is still that number


def test_the_chase_list_csv_runs_no_formula(hostile):
    position = load_position(make_engine(os.environ["LAA_DATABASE_URL"]))
    chase = quality.awaiting(position, parse_period("2009/10 Q3"))
    rows = parse(quality.chase_list_csv(chase).decode("utf-8-sig"))
    assert_no_live_formula(rows)
    assert {"'=Eq board", '\'=HYPERLINK("x")'} <= {cell for row in rows for cell in row}


def test_import_dry_run_prints_no_control_character(hostile):
    change = hostile / "change.csv"
    change.write_bytes(_csv_file([[*ROWS[2][:5], "2", "", "now plain", *ROWS[2][8:]]]))
    run = laa("import", str(change), "--dry-run")
    assert run.code == 0, run.err
    assert "NI 2" in run.out
    assert not CONTROL.search(run.out), run.out


def test_to_csv_neutralises_tab_and_cr_leading_text_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "code": [CMD, "\tTAB", "\rCR", "-2+3", "-5", "@x", "NI 1"],
            "actual": [-5.0, -1.5, None, 0.0, 3.0, -2.0, 1.0],
            "mixed": [-5, "-5", "+x", None, 1.5, "=1", "text"],
        }
    )
    rows = parse(to_csv(frame))
    assert_no_live_formula(rows)
    assert [r[0] for r in rows[1:]] == [f"'{CMD}", "'\tTAB", "'\rCR", "'-2+3", "-5", "'@x", "NI 1"]
    assert [r[1] for r in rows[1:]] == ["-5.0", "-1.5", "", "0.0", "3.0", "-2.0", "1.0"]
    assert [r[2] for r in rows[1:]] == ["-5", "-5", "'+x", "", "1.5", "'=1", "text"]


# --- Control characters never reach a terminal -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["exceptions"], ["summary"], ["ranking"], ["history", "NI 2"], ["batches"]],
    ids=lambda a: " ".join(a),
)
def test_tables_show_control_characters_as_marks(hostile, args):
    run = laa(*args)
    assert run.code == 0, run.err
    assert not CONTROL.search(run.out), run.out


def test_the_exception_table_shows_the_escape_and_bell_as_marks(hostile):
    run = laa("exceptions")
    assert "\x1b" not in run.out and "\x07" not in run.out
    assert "␛[31mRED␇ \ufffd7m" in run.out


def test_history_footer_shows_a_control_character_in_a_name_as_a_mark(hostile):
    run = laa("history", "NI 2")
    assert run.out.rstrip().endswith("NI 2 Wipe ␛[2J name (+Plus board)")


def test_json_escapes_every_control_character_and_keeps_the_data(hostile):
    run = laa("exceptions", "--format", "json")
    assert not CONTROL.search(run.out)
    assert "\\u001b[31mRED\\u0007 \\u009b7m" in run.out
    commentary = {e["indicator_code"]: e["commentary"] for e in json.loads(run.out)["exceptions"]}
    assert commentary["NI 2"] == f"{RED} {CSI}7m"


def test_csv_to_a_file_keeps_the_data_as_stored(hostile):
    rows = parse(laa("exceptions", "--format", "csv").out)
    assert f"{RED} {CSI}7m" in [r[7] for r in rows]  # click would strip the colour code out of a pipe


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def laa_on_a_terminal(*args: str) -> Run:
    from dashboard.cli import main

    out, err = _Terminal(), io.StringIO()
    argv, sys.argv = sys.argv, ["laa", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        sys.argv = argv
    return Run(code, out.getvalue(), err.getvalue())


def test_csv_on_a_terminal_shows_control_characters_as_marks(hostile, monkeypatch):
    run = laa_on_a_terminal("exceptions", "--format", "csv")
    assert run.code == 0, run.err
    assert not CONTROL.search(run.out)
    assert "␛[31mRED␇ \ufffd7m" in run.out
    monkeypatch.setenv("COLUMNS", "140")  # wide enough for the commentary's first characters beside variation
    table = laa_on_a_terminal("exceptions")
    assert not CONTROL.search(table.out)
    assert "␛[31mRED␇" in table.out


def test_visible_controls():
    from dashboard.domain.output import visible_controls

    assert visible_controls("a\x1b[31mb\x07\r\n\t\x00\x7f\x85z") == "a␛[31mb␇␍␊␉␀␡\ufffdz"
    assert visible_controls("line\nnext\x1b", keep="\n") == "line\nnext␛"
    table = to_table(pd.DataFrame({"code": ["NI 1"], "note": [RED]}), width=100)
    assert table.splitlines()[2] == "NI 1  ␛[31mRED␇"


# --- The board paper PDF draws every script ------------------------------------------------------------------


def _embedded_glyph_names(reader: PdfReader) -> dict[str, set[str]]:
    """The glyph names of each embedded font subset, by font name."""
    names: dict[str, set[str]] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            for descendant in ref.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                data = descriptor.get("/FontFile2")
                if data is not None:
                    font = TTFont(io.BytesIO(data.get_object().get_data()))
                    names.setdefault(str(descriptor["/FontName"]), set()).update(font.getGlyphOrder())
    return names


def test_the_pdf_draws_cjk_emoji_and_joined_arabic_and_marks_what_no_font_has(hostile, caplog):
    path = hostile / "paper.pdf"
    with caplog.at_level(logging.WARNING):
        run = laa("exceptions", "--output", str(path))
    assert run.code == 0, run.err
    assert [r for r in caplog.records if r.name.startswith("fpdf")] == []  # no glyph silently dropped
    reader = PdfReader(path)
    text = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages))
    assert "北京" in text
    assert "✓" in text
    assert "😀" in text
    assert "مرحبا" in text or "مرحبا"[::-1] in text
    assert NO_FONT not in text and "□" in text  # marked, not dropped
    assert "␛[31mRED␇" in text
    assert CMD in text
    # Arabic joined: the word is drawn with its initial, medial and final forms (meem initial, reh final …),
    # which only text shaping selects; unshaped, only the isolated letters would be embedded.
    glyphs = set().union(*_embedded_glyph_names(reader).values())
    assert {"uniFEE3", "uniFEAE"} <= glyphs


def test_a_glyph_a_font_still_lacks_is_marked_on_a_second_drawing(monkeypatch, caplog):
    """The safety net behind the cmap check: were a character to reach fpdf2 that no font draws, fpdf2 would
    drop it with a log line; the paper is drawn again with that character marked instead."""
    from datetime import date

    from dashboard.domain.rules import Status
    from dashboard.papers import fonts, reports
    from dashboard.read.movement import Direction

    def trusting(cmaps, unprintable):  # lets everything through but what the first drawing found missing
        return lambda text: "".join(reports.UNPRINTABLE if c in unprintable else c for c in text)

    monkeypatch.setattr(fonts, "_drawable", trusting)
    row = reports.PaperRow(
        target_id=1, code="NI 1", indicator="Name", board="Board", status=Status.RED, direction=Direction.WORSE,
        unit="", target=1.0, actual=0.0, shortfall_pct=100.0, period="2009/10 Q3", target_type="local",
        lead_partner="Partner", commentary=f"before {NO_FONT} after", remedial_action="",
    )  # fmt: skip
    paper = reports.BoardPaper("Area", None, "2009/10 Q3", "1 red target", None, (row,), produced=date(2010, 1, 20))
    with caplog.at_level(logging.WARNING):
        data = reports.paper_pdf(paper)
    assert [r for r in caplog.records if r.name.startswith("fpdf")] == []
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert f"before {reports.UNPRINTABLE} after" in text
