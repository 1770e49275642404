"""What Excel and analysts produce: encodings, delimiters, number styles, header spelling, .xlsx, quoted cells;
unknown columns; partial updates; importing the same file twice."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from dashboard.settings import SAMPLE_DATA
from tests.helpers import (
    assert_unchanged,
    current,
    example,
    exception_rows,
    import_file,
    rejected,
    snapshot,
    statuses,
    summary,
    write,
)

BOARDS = [
    "Enterprise", "Wellbeing", "Safer Communities", "Children's Trust", "Better Places", "Integrated Housing", "PMG",
]  # fmt: skip
NUMBER_FIX = "Fix: write a plain number such as 1200, 1,200, 12.5 or 12%, or leave the cell empty."


def stored(out: str, name: str, rows: int, new: int, changed: int, unchanged: int, batch: int) -> None:
    assert out == (
        f"{name}: {rows} rows read; {new} new, {changed} changed, {unchanged} unchanged; 0 new targets, "
        f"0 with changed settings. stored as batch {batch}.\n"
    )


def test_good_q4_update_adds_a_quarter_and_keeps_the_columns_it_leaves_out(demo):
    total = summary()["total"]  # the copied demo store is the demo
    assert (total["targets"], total["red"], total["amber"], total["green"], total["data_awaited"]) == (
        74, 18, 7, 25, 24,
    )  # fmt: skip
    before = snapshot(demo)
    run = import_file(example("good_q4_update.csv"))
    assert (run.code, run.err) == (0, "")
    stored(run.out, "good_q4_update.csv", 5, 5, 0, 0, 3)
    after = snapshot(demo)  # the snapshot sees a change, so "unchanged" elsewhere means something
    assert after.tables != before.tables
    assert after.file != before.file or before.file is None
    q4 = current("NI 117")["2009/10 Q4"]
    assert (q4["target"], q4["actual"], q4["status"]) == (10.5, 10.2, "green")
    assert q4["commentary"] == "January Guarantee offers went to every Year 11 leaver, so NEET is back under target."
    assert (current("NI 19")["2009/10 Q4"]["status"], current("NI 39")["2009/10 Q4"]["status"]) == (
        "amber", "data awaited",
    )  # fmt: skip
    # indicator_name and lead_partner are not in the file: the stored ones stay.
    ni151 = exception_rows("red")["NI 151"]
    assert (ni151["period"], ni151["actual"], ni151["indicator_name"], ni151["lead_partner"]) == (
        "2009/10 Q4", 60.1, "Overall employment rate", "Jobcentre Plus",
    )  # fmt: skip
    assert ni151["remedial_action"] is None  # remedial action is per period: the new quarter has none
    assert [b["theme_board"] for b in summary()["boards"]] == BOARDS


def test_utf8_with_and_without_bom(demo, tmp_path):
    header = "indicator_code,theme_board,period,target,actual,commentary\r\n"
    plain = "NI 166,Enterprise,2009/10 Q4,520,498,Median pay £498 a week – behind the £520 target’s profile\r\n"
    bom = 'NI 171,Enterprise,2009/10 Q4,62,60,"New firms: 60 per 10,000 adults – £2m grant scheme"\r\n'
    (tmp_path / "plain.csv").write_bytes((header + plain).encode("utf-8"))
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + (header + bom).encode("utf-8"))
    for name, batch in (("plain.csv", 3), ("bom.csv", 4)):
        run = import_file(tmp_path / name)
        assert (run.code, run.err) == (0, "")
        stored(run.out, name, 1, 1, 0, 0, batch)
    ni166, ni171 = current("NI 166")["2009/10 Q4"], current("NI 171")["2009/10 Q4"]
    assert (ni166["target"], ni166["actual"], ni166["status"]) == (520.0, 498.0, "amber")
    assert ni166["commentary"] == "Median pay £498 a week – behind the £520 target’s profile"
    assert (ni171["target"], ni171["actual"], ni171["status"]) == (62.0, 60.0, "amber")
    assert ni171["commentary"] == "New firms: 60 per 10,000 adults – £2m grant scheme"


def test_windows_1252_semicolons_thousands_percent_pounds_and_stray_spaces(demo):
    data = example("good_excel_export.csv").read_bytes()
    assert b"\xa3" in data and b";" in data  # really Windows-1252 (£ is one byte) and semicolons
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    run = import_file(example("good_excel_export.csv"))
    assert (run.code, run.err) == (0, "")
    # "0 with changed settings": the unit '£ per week' and the board "children's trust" match what is stored.
    stored(run.out, "good_excel_export.csv", 3, 3, 0, 0, 3)
    rows = {code: current(code)["2009/10 Q4"] for code in ("NI 111", "NI 152", "NI 166")}
    assert {code: (r["target"], r["actual"], r["status"]) for code, r in rows.items()} == {
        "NI 111": (1700.0, 1690.0, "green"),
        "NI 152": (14.8, 15.1, "amber"),
        "NI 166": (520.0, 498.0, "amber"),
    }
    assert rows["NI 111"]["commentary"] == "Triage scheme saved £12,000 in court costs"
    assert rows["NI 166"]["commentary"] == "Median earnings £498 a week, behind the £520 target"
    assert [b["theme_board"] for b in summary()["boards"]] == BOARDS


def test_every_delimiter_reads_the_same_figures(demo, tmp_path):
    rows = [
        ["indicator_code", "theme_board", "period", "target", "actual", "commentary"],
        ["NI 123", "Wellbeing", "2009/10 Q4", "1,100", "1,200", "Quitters up, see the PCT report"],
        ["NI 135", "Wellbeing", "2009/10 Q4", "24%", " 23 % ", "Carers' reviews: 23%"],
        ["NI 166", "Enterprise", "2009/10 Q4", "£520", " £ 530.50", "Ahead; £10.50 over"],
    ]
    for delimiter, name in ((",", "comma.csv"), (";", "semicolon.csv"), ("\t", "tab.txt")):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)  # quotes as Excel does
        run = import_file(write(tmp_path, name, buffer.getvalue(), encoding="cp1252"))
        assert (run.code, run.err) == (0, "")
        if name == "comma.csv":
            stored(run.out, name, 3, 3, 0, 0, 3)
        else:  # the same figures again: nothing to change
            assert run.out == (
                f"{name}: 3 rows read; 0 new, 0 changed, 3 unchanged; 0 new targets, 0 with changed settings. "
                "nothing to change: every row matches what is stored.\n"
            )
    got = {code: current(code)["2009/10 Q4"] for code in ("NI 123", "NI 135", "NI 166")}
    assert {code: (r["target"], r["actual"], r["status"], r["commentary"]) for code, r in got.items()} == {
        "NI 123": (1100.0, 1200.0, "green", "Quitters up, see the PCT report"),
        "NI 135": (24.0, 23.0, "amber", "Carers' reviews: 23%"),
        "NI 166": (520.0, 530.5, "green", "Ahead; £10.50 over"),
    }


def test_a_comma_that_is_not_a_thousands_separator_is_not_a_number(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "indicator_code;theme_board;period;target;actual\r\n"
        "NI 152;Enterprise;2009/10 Q4;14,8;15,1\r\n"
        "NI 123;Wellbeing;2009/10 Q4;1,100;12,00\r\n",
    )
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        f"line 2, column target, value '14,8': not a number. {NUMBER_FIX}",
        f"line 2, column actual, value '15,1': not a number. {NUMBER_FIX}",
        f"line 3, column actual, value '12,00': not a number. {NUMBER_FIX}",
    )
    assert_unchanged(demo, before)


def test_header_names_in_any_case_and_spacing(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "  INDICATOR CODE ,Theme_Board,  period,Remedial-Action, ACTUAL ,Target,Lead  Partner\n"
        "ni117,children's  trust,2009/10 q4,Extra Connexions advisers in Tottenham,11.9,10.5,CHENEL\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    stored(run.out, "q4.csv", 1, 1, 0, 0, 3)
    row = exception_rows("red")["NI 117"]
    assert (row["period"], row["target"], row["actual"], row["theme_board"], row["lead_partner"]) == (
        "2009/10 Q4", 10.5, 11.9, "Children's Trust", "CHENEL",
    )  # fmt: skip
    assert row["remedial_action"] == "Extra Connexions advisers in Tottenham"


def test_xlsx_with_a_percent_cell_and_a_date_cell(demo):
    run = import_file(example("good_update.xlsx"))
    assert (run.code, run.err) == (0, "")
    # A workbook's line names the sheet read.
    stored(run.out, "good_update.xlsx (sheet 'LAA Q4 return')", 3, 3, 0, 0, 3)
    # The period cell is a real date, 31/03/2010: the end of 2009/10 Q4, so labelled as that quarter;
    # the percent cells hold 0.105 and 0.102.
    ni117 = current("NI 117")["2009/10 Q4"]
    assert (ni117["target"], ni117["actual"], ni117["status"]) == (10.5, 10.2, "green")
    ni59 = current("NI 59")["2009/10 Q4"]
    assert (ni59["target"], ni59["actual"], ni59["status"]) == (80.0, 77.2, "amber")
    ni188 = current("NI 188")["2009/10 Q4"]
    assert (ni188["actual"], ni188["status"]) == (2.0, "green")
    assert statuses("green")["NI 117"] == "2009/10 Q4"


def test_xlsx_problems_name_the_sheet_row(demo, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator Code", "Theme Board", "Period", "Target", "Actual"])
    sheet.append(["NI 117", "Children's Trust", datetime(2010, 3, 31), 10.5, 10.2])
    sheet.append([])  # a blank row the analyst left in
    sheet.append(["NI 111", "Children's Trust", "2009/10 Q4", 1700, 1690])
    sheet.append(["NI 19", "Safer Communities", "March 2010", 1.2, "tbc"])
    path = tmp_path / "q4.xlsx"
    book.save(path)
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 5, column period, value 'March 2010': not a period. Fix: use a quarter like 2009/10 Q3, a year "
        "like 2008/09, a month like 2009-11 or an end date like 31/12/2009 or 2009-11-30.",
        f"line 5, column actual, value 'tbc': not a number. {NUMBER_FIX}",
    )
    assert_unchanged(demo, before)


MULTILINE = (
    "indicator_code,theme_board,period,target,actual,commentary\r\n"
    "NI 117,Children's Trust,2009/10 Q4,10.5,10.2,\"Back under target, after the January Guarantee.\n"
    'Connexions: ""final"" figure, validated.\n'
    'See the board paper, item 4."\r\n'
    "\r\n"
    'NI 111,Children\'s Trust,2009/10 Q4,1700,"1,690","On track, with the police\n'
    'triage scheme."\r\n'
    "NI 19,Safer Communities,2009/10 Q4,1.2,{actual},Behind profile\r\n"
)


def test_quoted_commentary_with_commas_and_newlines(demo, tmp_path):
    # Lines: 1 header; 2-4 NI 117 (commentary over three lines); 5 blank; 6-7 NI 111; 8 NI 19.
    before = snapshot(demo)
    run = import_file(write(tmp_path, "q4.csv", MULTILINE.format(actual="1.25x")))
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(f"line 8, column actual, value '1.25x': not a number. {NUMBER_FIX}")
    assert_unchanged(demo, before)
    # Corrected, the file goes in with each commentary whole.
    run = import_file(write(tmp_path, "q4.csv", MULTILINE.format(actual="1.25")))
    assert (run.code, run.err) == (0, "")
    stored(run.out, "q4.csv", 3, 3, 0, 0, 3)
    assert current("NI 117")["2009/10 Q4"]["commentary"] == (
        'Back under target, after the January Guarantee.\nConnexions: "final" figure, validated.\n'
        "See the board paper, item 4."
    )
    ni111 = current("NI 111")["2009/10 Q4"]
    assert (ni111["actual"], ni111["commentary"]) == (1690.0, "On track, with the police\ntriage scheme.")


UNKNOWN_HINT = (
    "use one of: indicator_code, theme_board, period, indicator_name, area, parent_area, target_type, lead_partner, "
    "polarity, tolerance_pct, frequency, target, actual, rag, commentary, remedial_action, unit, measure; or delete it"
)


def test_unknown_columns_are_warned_about_on_stderr_and_not_imported(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "indicator_code,theme_board,period,target,actual,Comentary,Notes for PMG,\n"
        "NI 117,Children's Trust,2009/10 Q4,10.5,10.2,Back under target,Check with CHENEL,x\n",
    )
    warnings = (
        "warning: line 1, column comentary, value 'Comentary': this column is not part of the import format "
        "and is not imported. Fix: rename it to commentary.\n"
        "warning: line 1, column notes_for_pmg, value 'Notes for PMG': this column is not part of the import "
        f"format and is not imported. Fix: {UNKNOWN_HINT}.\n"
        "warning: line 1, column #8, value '': this column has no name, so it is not imported. "
        "Fix: give it one of the known column names, or delete it.\n"
    )
    dry = import_file(path, "--dry-run")
    assert (dry.code, dry.err) == (0, warnings)
    run = import_file(path)
    assert (run.code, run.err) == (0, warnings)
    stored(run.out, "q4.csv", 1, 1, 0, 0, 3)
    q4 = current("NI 117")["2009/10 Q4"]
    assert (q4["actual"], q4["commentary"]) == (10.2, None)


def test_an_absent_column_leaves_the_stored_field_as_it_was(demo, tmp_path):
    path = write(
        tmp_path,
        "ni117_q3.csv",
        "indicator_code,theme_board,period,actual\nNI 117,Children's Trust,2009/10 Q3,11\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    stored(run.out, "ni117_q3.csv", 1, 0, 1, 0, 3)
    row = exception_rows("amber")["NI 117"]  # 11 is within 5% of the stored target 10.5 (lower is better)
    assert {k: row[k] for k in ("period", "target", "actual", "indicator_name", "lead_partner")} == {
        "period": "2009/10 Q3",
        "target": 10.5,
        "actual": 11.0,
        "indicator_name": "16 to 18 year olds who are not in education, employment or training (NEET)",
        "lead_partner": "CHENEL",
    }
    assert row["commentary"] == (
        "Off track at 2009/10 Q3: the recession has cut the jobs and apprenticeships open to 16-18 year olds."
    )
    assert row["remedial_action"] == (
        "Connexions to trace every young person whose activity is not known, and CHENEL to run January-start "
        "courses for those who missed September."
    )


def test_an_empty_cell_in_a_present_column_clears_the_field(demo, tmp_path):
    path = write(
        tmp_path,
        "clear.csv",
        "indicator_code,theme_board,period,actual,commentary,remedial_action,lead_partner\n"
        "NI 117,Children's Trust,2009/10 Q3,11.76,,,\n"
        "NI 151,Enterprise,2009/10 Q3,,Figure withdrawn by Jobcentre Plus,,Jobcentre Plus\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "clear.csv: 2 rows read; 0 new, 2 changed, 0 unchanged; 0 new targets, 1 with changed settings. "
        "stored as batch 3.\n"
    )
    row = exception_rows("red")["NI 117"]
    assert (row["actual"], row["commentary"], row["remedial_action"], row["lead_partner"]) == (
        11.76, None, None, None,
    )  # fmt: skip
    assert row["indicator_name"] == "16 to 18 year olds who are not in education, employment or training (NEET)"
    # An empty actual clears it: NI 151 is data awaited for 2009/10 Q3, no longer red.
    assert "NI 151" not in statuses("red")
    ni151 = current("NI 151")["2009/10 Q3"]
    assert (ni151["target"], ni151["actual"], ni151["status"], ni151["commentary"]) == (
        66.5, None, "data awaited", "Figure withdrawn by Jobcentre Plus",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "rows"), [("good_q4_update.csv", 5), ("good_excel_export.csv", 3), ("good_update.xlsx", 3)]
)
def test_importing_the_same_file_twice_changes_nothing(demo, name, rows):
    first = import_file(example(name))
    assert first.code == 0, first.err
    before = snapshot(demo)
    again = import_file(example(name))
    assert (again.code, again.err) == (0, "")
    shown = f"{name} (sheet 'LAA Q4 return')" if name.endswith(".xlsx") else name
    assert again.out == (
        f"{shown}: {rows} rows read; 0 new, 0 changed, {rows} unchanged; 0 new targets, 0 with changed settings. "
        "nothing to change: every row matches what is stored.\n"
    )
    assert_unchanged(demo, before)


def test_the_same_figures_in_another_layout_change_nothing(demo, tmp_path):
    assert import_file(example("good_q4_update.csv")).code == 0
    before = snapshot(demo)
    # Three of the same rows re-exported by Excel: Windows-1252, semicolons, other header case and column order.
    path = write(
        tmp_path,
        "q4_again.csv",
        "PERIOD;Indicator Code;Theme Board;Actual;Target;Commentary\r\n"
        "2009/10 Q4;NI 39;wellbeing;;1,450;Data awaited: HES figures for January to March are published in June.\r\n"
        "2009/10 Q4;ni 151;Enterprise;60.1;66.5;Off track: local employment has not recovered from the recession.\r\n"
        "2009/10 Q4;NI 19;Safer Communities;1.25;1.2;Slightly behind profile; the YOS is reviewing the 2009 "
        "cohort.\r\n",
        encoding="cp1252",
    )
    run = import_file(path)
    # The semicolon inside NI 19's commentary is not quoted, so that row has a surplus cell: say so.
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 4: the row has 7 values but the header names 6 columns. "
        "Fix: put commas or semicolons inside a value in double quotes, or remove the extra values."
    )
    path = write(
        tmp_path,
        "q4_again.csv",
        "PERIOD;Indicator Code;Theme Board;Actual;Target;Commentary\r\n"
        "2009/10 Q4;NI 39;wellbeing;;1,450;Data awaited: HES figures for January to March are published in June.\r\n"
        "2009/10 Q4;ni 151;Enterprise;60.1;66.5;Off track: local employment has not recovered from the recession.\r\n"
        '2009/10 Q4;NI 19;Safer Communities;1.25;1.2;"Slightly behind profile; the YOS is reviewing the 2009 '
        'cohort."\r\n',
        encoding="cp1252",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "q4_again.csv: 3 rows read; 0 new, 0 changed, 3 unchanged; 0 new targets, 0 with changed settings. "
        "nothing to change: every row matches what is stored.\n"
    )
    assert_unchanged(demo, before)


def test_re_importing_the_demo_corrections_changes_nothing(demo):
    before = snapshot(demo)
    run = import_file(SAMPLE_DATA / "haringey_corrections.csv")
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "haringey_corrections.csv: 2 rows read; 0 new, 0 changed, 2 unchanged; 0 new targets, "
        "0 with changed settings. nothing to change: every row matches what is stored.\n"
    )
    assert_unchanged(demo, before)
