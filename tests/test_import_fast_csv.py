"""The quick CSV reader (Arrow's) reads a plain file exactly as the line-by-line reader does, and leaves every file
it cannot vouch for to that reader, so the rows, their line numbers and every problem reported stay the same."""

from __future__ import annotations

import io

import numpy as np
import pytest

from dashboard.write.importer import csvfile, fastcsv

HEADER = "area,indicator_code,theme_board,period,target,actual,commentary\r\n"


def _read(data: bytes, monkeypatch, quick: bool):
    with monkeypatch.context() as m:
        if not quick:
            m.setattr(csvfile, "fast_table", lambda *args: None)
        return csvfile.read_csv(io.BytesIO(data))


def _cells(table) -> list[list[str]]:
    return [list(row) for row in table.rows]


EXCEL_FILE = (
    "\ufeff"
    + HEADER
    + 'Area 1,NI 1, Children\'s Trust ,2008/09 Q1,"1,200",1100,"Late: see the note, page 2"\r\n'
    + "Area 1,NI 1,Children's Trust,2008/09 Q2,1200,\xa01150\xa0,\r\n"
    + 'Area 1,NI 2,Wellbeing,2008/09 Q1,12%,"say ""ten""",\r\n'
    + "Area 2,NI 2,Wellbeing,2008/09 Q1,12%,,Plan agreed\r\n"
).encode("utf-8")


def test_an_excel_csv_file_reads_alike_either_way(monkeypatch):
    quick, careful = _read(EXCEL_FILE, monkeypatch, True), _read(EXCEL_FILE, monkeypatch, False)
    assert fastcsv.fast_table(io.BytesIO(EXCEL_FILE), ",", 10, 1000) is not None
    assert quick.header == careful.header == HEADER.strip().split(",")
    assert list(np.asarray(quick.lines)) == list(careful.lines) == [2, 3, 4, 5]
    assert _cells(quick) == _cells(careful)
    assert _cells(quick)[0] == ["Area 1", "NI 1", "Children's Trust", "2008/09 Q1", "1,200", "1100",
                                "Late: see the note, page 2"]  # fmt: skip
    assert _cells(quick)[1][5] == "1150" and _cells(quick)[2][5] == 'say "ten"'
    assert (quick.encoding, quick.delimiter, quick.surplus) == ("utf-8", ",", {})


@pytest.mark.parametrize(
    "rows",
    [
        'Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,"two\nlines"\n',  # a quoted cell over two lines
        "Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,x\n\nArea 1,NI 2,Wellbeing,2008/09 Q1,1,2,x\n",  # a blank line
        "Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,x\n,,,,,,\n",  # a row of empty cells
        "Area 1,NI 1,Wellbeing,2008/09 Q1,1\n",  # a short row
        "Area 1,NI 1,Wellbeing,2008/09 Q1,1,690,2,x\n",  # a long row (1,690 unquoted)
        "Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,x\rArea 1,NI 2,Wellbeing,2008/09 Q1,1,2,x\n",  # a bare carriage return
        # a quote left open
        'Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,"never closed\nArea 1,NI 2,Wellbeing,2008/09 Q1,1,2,x\n',
        'Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,"a\rb"\nArea 1,NI 2,Wellbeing,2008/09 Q1,1,2,x\n',  # a quoted bare CR
        "Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,x\x00y\n",  # a NUL
        f"Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,{'x' * 32_768}\n",  # a cell over Excel's limit
    ],
)
def test_a_file_only_the_careful_reader_can_vouch_for_is_read_by_it(monkeypatch, rows):
    data = (HEADER.replace("\r\n", "\n") + rows).encode("utf-8")
    assert fastcsv.fast_table(io.BytesIO(data), ",", 10, csvfile.MAX_LINE) is None
    quick, careful = _read(data, monkeypatch, True), _read(data, monkeypatch, False)
    assert quick.problems == careful.problems
    assert _cells(quick) == _cells(careful) and list(quick.lines) == list(careful.lines)


def test_a_file_over_the_row_limit_is_left_to_the_careful_reader(monkeypatch):
    data = (HEADER + "Area 1,NI 1,Wellbeing,2008/09 Q1,1,2,x\r\n" * 3).encode("utf-8")
    monkeypatch.setattr(csvfile, "MAX_ROWS", 2)
    table = csvfile.read_csv(io.BytesIO(data))
    assert [p.message() for p in table.problems] == [
        "line 4: the file has more than 2 rows, the most one import reads. Fix: split it into files of at most 2 "
        "rows (a year each, say) and import each one."
    ]
