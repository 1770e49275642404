"""Hostile and odd import files: refused with line, column and fix, never read wrongly; the store left as it was."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from dashboard.write.importer import csvfile
from dashboard.write.importer import table as raw_table
from dashboard.write.importer.read import read_table
from tests.helpers import assert_unchanged, import_file, rejected, snapshot

HEADER = ["indicator_code", "theme_board", "period", "actual", "commentary"]
NEET = ["NI 117", "Children's Trust", "2009/10 Q3"]
UTF8_FIX = "save it from Excel as CSV UTF-8 (Comma delimited) and upload that"


def workbook(*rows: list, title: str = "Sheet") -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return book


def save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def patched(path: Path, member: str, change) -> Path:
    """The workbook with one part's XML rewritten, as another program might write it."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts[member] = change(parts[member].decode()).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def refused(demo, path: Path, *messages: str) -> None:
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out, run.err) == (1, "", rejected(*messages))
    assert_unchanged(demo, before)


# --- 1. formulas a program wrote without calculating them


def test_a_formula_with_no_value_is_refused_not_read_as_empty(demo, tmp_path):
    path = save(workbook(HEADER, [*NEET, "=10.5*1.1", "checked"]), tmp_path / "q3.xlsx")
    refused(
        demo,
        path,
        "line 2, column actual: the cell holds a formula with no value (the workbook was written by a program, "
        "not saved by Excel). Fix: open and save the file in Excel, or type the number.",
    )


# --- 2. merged cells


def test_merged_cells_over_data_are_refused_naming_the_range(demo, tmp_path):
    book = workbook(HEADER, [*NEET, 11.76, "ok"], ["NI 117", "Children's Trust", "2009/10 Q4", 11.5, "ok"])
    book.active.merge_cells("B2:B3")
    refused(
        demo,
        save(book, tmp_path / "merged.xlsx"),
        "line 2, column theme_board: cells B2:B3 are merged, so only the first holds the value and the others "
        "would read as empty. Fix: unmerge B2:B3 (Home > Merge & Center) and type the value in each cell.",
    )


def test_merged_cells_beside_the_table_are_harmless():
    book = workbook(HEADER, [*NEET, 11.76, "ok", None, "a note"])
    book.active.merge_cells("G2:H3")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "q3.xlsx")
    assert (table.problems, list(table.rows)) == ([], [[*NEET, "11.76", "ok", "", "a note"]])


# --- 3. hidden sheets


def test_the_active_visible_sheet_is_read_and_named_not_a_hidden_first_sheet():
    book = workbook(HEADER, [*NEET, 1, "old workings"], title="workings")
    book.active.sheet_state = "hidden"
    shown = book.create_sheet("Q3 figures")
    for row in (HEADER, [*NEET, 11.76, "sent to the board"]):
        shown.append(row)
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "q3.xlsx")
    assert (table.problems, table.sheet) == ([], "Q3 figures")
    assert list(table.rows) == [[*NEET, "11.76", "sent to the board"]]


# --- 4. encodings


def test_utf8_with_one_windows_1252_byte_is_refused_naming_its_line(demo, tmp_path):
    text = "indicator_code,theme_board,period,actual,commentary\n"
    good = "NI 117,Children’s Trust,2009/10 Q3,11.76,On track\n".encode()
    bad = "NI 117,Children's Trust,2009/10 Q4,11.5,cost £3\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode() + good + bad)
    refused(
        demo,
        path,
        "line 3: this line has a byte (0xA3) that is not UTF-8, while the rest of the file is UTF-8. "
        f"Fix: retype the odd character (often £, ’ or é) on line 3, then {UTF8_FIX}.",
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_is_told_to_save_as_csv_utf8(demo, tmp_path, encoding):
    path = tmp_path / "q3.csv"
    path.write_bytes("indicator_code,theme_board,period\nNI 117,Children's Trust,2009/10 Q3\n".encode(encoding))
    refused(demo, path, f"the file is UTF-16 text, which the import does not read. Fix: {UTF8_FIX}.")


def test_windows_1252_alone_is_still_read():
    data = "indicator_code,theme_board,period,commentary\nNI 117,Children's Trust,2009/10 Q3,£3 a head\n"
    table = read_table(data.encode("cp1252"), "q3.csv")
    assert (table.problems, table.encoding, list(table.rows)) == ([], "windows-1252", [[*NEET, "£3 a head"]])


# --- 7. bombs: rows, columns and cell length, in both formats


LONG = (
    "line 2, column commentary: the cell holds 40,000 characters; a cell holds at most 32,767 (Excel's own limit). "
    "Fix: shorten the text in this cell."
)


def test_an_excel_cell_over_excels_own_limit_is_refused(demo, tmp_path):
    # openpyxl cuts a cell at 32,767 characters when it writes; other programs do not.
    path = save(workbook(HEADER, [*NEET, 11.76, "x" * 100]), tmp_path / "long.xlsx")
    patched(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("x" * 100, "x" * 40_000))
    refused(demo, path, LONG)


def test_a_long_shared_string_is_refused_before_it_is_held(demo, tmp_path):
    path = save(workbook(HEADER, [*NEET, 11.76, "x" * 100]), tmp_path / "long.xlsx")
    shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>'

    def to_shared(xml: str) -> str:
        return xml.replace('t="inlineStr"><is><t>' + "x" * 100 + "</t></is>", 't="s"><v>0</v>')

    patched(path, "xl/worksheets/sheet1.xml", to_shared)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", shared.format("x" * 50_000))
    refused(
        demo,
        path,
        "line 2, column #5: the cell holds more characters; a cell holds at most 32,767 (Excel's own limit). "
        "Fix: shorten the text in this cell.",
    )


def test_a_csv_cell_over_the_limit_is_refused(demo, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join([*NEET, "11.76", "x" * 40_000]) + "\n")
    refused(demo, path, LONG)


def test_a_sheet_declaring_a_million_columns_is_refused_without_reading_a_row(demo, tmp_path):
    path = save(workbook(HEADER, [*NEET, 11.76, "ok"]), tmp_path / "wide.xlsx")
    patched(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:BDWGN2"', xml),
    )
    refused(
        demo,
        path,
        "line 1: the row has 1,000,000 (the sheet's used range is A1:BDWGN2) columns; an import reads at most 100. "
        "Fix: delete the columns that are not part of the import format (or stray values far to the right).",
    )


def test_a_sheet_declaring_two_million_rows_is_refused(demo, tmp_path):
    path = save(workbook(HEADER, [*NEET, 11.76, "ok"]), tmp_path / "tall.xlsx")
    patched(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:E2000000"', xml),
    )
    refused(
        demo,
        path,
        "line 1: the file has more than 1,048,576 rows, the most one import reads. "
        "Fix: split it into files of at most 1,048,576 rows (a year each, say) and import each one.",
    )


def test_a_csv_row_over_the_column_limit_is_refused(demo, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join([*NEET, "11.76", "ok"] + ["x"] * 200) + "\n")
    refused(
        demo,
        path,
        "line 2: the row has 205 columns; an import reads at most 100. "
        "Fix: delete the columns that are not part of the import format (or stray values far to the right).",
    )


def test_reading_stops_at_the_row_limit(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_ROWS", 2)
    path = tmp_path / "tall.csv"
    rows = [f"NI 117,Children's Trust,2009/10 Q{q},11.76,ok" for q in (1, 2, 3)]
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n")
    refused(
        demo,
        path,
        "line 4: the file has more than 2 rows, the most one import reads. "
        "Fix: split it into files of at most 2 rows (a year each, say) and import each one.",
    )


# --- 8. CSV fields the csv module gives up on


def test_a_csv_field_over_the_csv_modules_limit_is_refused_with_exit_1(demo, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + ",".join([*NEET, "11.76", '"' + "x" * 200_000 + '"']) + "\nNI 1,PMG,2009/10 Q3,1,\n"
    )
    refused(
        demo,
        path,
        "line 2: a cell in the row starting on this line holds more than 32,767 characters (Excel's own limit). "
        "Fix: shorten the text in that cell, or close a quote left open.",
    )


UNCLOSED = (
    "line 3, column commentary: a quote opens in this cell and is never closed, so the rest of the file would be "
    'read as this one cell. Fix: close the quote (") at the end of the cell, or remove it.'
)


def test_an_unclosed_quote_names_the_line_where_it_opened(demo, tmp_path):
    path = tmp_path / "quote.csv"
    lines = [
        ",".join(HEADER),
        "NI 117,Children's Trust,2009/10 Q2,11.45,ok",
        "NI 117,Children's Trust,2009/10 Q3,11.76,\"oops",
    ]
    lines += ["NI 117,Children's Trust,2009/10 Q4,11.5,fine"] * 3
    path.write_text("\n".join(lines) + "\n")
    refused(demo, path, UNCLOSED)


def test_an_unclosed_quote_in_a_big_file_names_the_line_where_it_opened(demo, tmp_path):
    path = tmp_path / "quote.csv"
    lines = [
        ",".join(HEADER),
        "NI 117,Children's Trust,2009/10 Q2,11.45,ok",
        "NI 117,Children's Trust,2009/10 Q3,11.76,\"oops",
    ]
    lines += ["NI 117,Children's Trust,2009/10 Q4,11.5,fine"] * 5000
    path.write_text("\n".join(lines) + "\n")
    refused(demo, path, UNCLOSED)


# --- 10. compact reading keeps what the analyst's editor shows


def test_line_numbers_blank_lines_and_multi_line_cells_survive_compact_reading():
    data = (
        "\ufeffindicator_code;theme_board;period;actual;commentary\r\n\r\n"
        'NI 117; Children\'s Trust ;2009/10 Q2;11.45;"two\r\nlines"\r\n'
        ";;;;\r\n"
        "NI 117;Children's Trust;2009/10 Q3;11.76;ok;surplus\r\n"
        "NI 117;Children's Trust;2009/10 Q4\r\n"
    ).encode()
    table = read_table(data, "q3.csv")
    assert (table.problems, table.delimiter, table.header[0]) == ([], ";", "indicator_code")
    assert list(table.lines) == [3, 6, 7]
    assert table.surplus == {1: 6}
    assert list(table.rows) == [
        ["NI 117", "Children's Trust", "2009/10 Q2", "11.45", "two\r\nlines"],
        [*NEET, "11.76", "ok"],
        ["NI 117", "Children's Trust", "2009/10 Q4", "", ""],
    ]


def test_a_column_that_stops_repeating_is_read_the_same_as_text(monkeypatch):
    # Cells are held as codes while a column repeats and as Arrow text once it does not; small chunks make the
    # switch happen after the first chunk, so both forms and the hand-over between them are read back.
    monkeypatch.setattr(raw_table, "_CHUNK", 4)
    rows = [
        ["NI 117", " Children's Trust ", f"2009/10 Q{n % 2 + 1}", "11.5" if n < 4 else f"{n}.25 ", ""]
        for n in range(12)
    ]
    data = "indicator_code,theme_board,period,actual,commentary\n" + "".join(",".join(r) + "\n" for r in rows)
    table = read_table(data.encode(), "q3.csv")
    assert list(table.rows) == [[cell.strip() for cell in r] for r in rows]
    assert [str(column.dtype) for column in table.columns] == ["category", "category", "category", "str", "category"]
    assert table.rows[5] == ["NI 117", "Children's Trust", "2009/10 Q2", "5.25", ""]
