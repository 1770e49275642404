"""Bad import files: every problem named by line, column, value and fix; the store left byte-for-byte as it was."""

import pytest

from tests.helpers import (
    assert_unchanged,
    example,
    history,
    import_file,
    rejected,
    snapshot,
    write,
)

NUMBER_FIX = "Fix: write a plain number such as 1200, 1,200, 12.5 or 12%, or leave the cell empty."
PERIOD_FIX = (
    "Fix: use a quarter like 2009/10 Q3, a year like 2008/09, a month like 2009-11 or an end date like 31/12/2009 "
    "or 2009-11-30."
)
STATUS_FIX = "Fix: use red, amber, green or data awaited (or R, A, G, DA), or leave it empty to rate from the actual."
UNRATABLE_FIX = "Fix: add the target for this period, or a rag status (red, amber, green, data awaited)."
DUPLICATE_FIX = "Fix: keep one row for each indicator and period, and delete or correct the other."
EMPTY = "the file is empty. Fix: export the sheet again with a header row and one row per target."


# One example file for each class of bad input, with the exact problems `laa import` must report.
BAD_FILES = {
    "bad_empty.csv": [EMPTY],
    "bad_header_only.csv": [
        "line 1: the file has a header but no rows. Fix: add one row per target per period under the header."
    ],
    "bad_missing_column.csv": [
        "line 1, column theme_board: a required column is missing from the header. "
        "Fix: add a column named theme_board (required: indicator_code, theme_board, period)."
    ],
    "bad_status_word.csv": [f"line 3, column rag, value 'On track': not a status word. {STATUS_FIX}"],
    "bad_number.csv": [f"line 3, column actual, value 'tbc': not a number. {NUMBER_FIX}"],
    "bad_period.csv": [
        "line 3, column period, value 'Q4 2009': ambiguous: Q4 of the financial year 2009/10 or of the calendar "
        "year 2009. Fix: write the financial year and quarter: 2009/10 Q4 for January to March 2010, or "
        "2009/10 Q3 for October to December 2009."
    ],
    "bad_duplicate_key.csv": [
        "line 4, column actual, value '9.8': two different rows for NI 117 in the period ending 2010-03-31: "
        f"line 2 and line 4. {DUPLICATE_FIX}"
    ],
    "bad_unratable.csv": [
        "line 2, column actual, value '78': LAA 1 2009/10 Q4 has an actual but no target and no rag, "
        f"so it cannot be rated. {UNRATABLE_FIX}"
    ],
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_each_bad_example_is_rejected_with_line_column_value_and_fix(demo, name):
    before = snapshot(demo)
    run = import_file(example(name))
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(*BAD_FILES[name])
    assert_unchanged(demo, before)
    # --dry-run checks the file the same way.
    run = import_file(example(name), "--dry-run")
    assert (run.code, run.out, run.err) == (1, "", rejected(*BAD_FILES[name]))
    assert_unchanged(demo, before)


SEVERAL = [
    f"line 4, column period, value 'Q4 09/10': not a period. {PERIOD_FIX}",
    f"line 5, column actual, value '1.25 offences': not a number. {NUMBER_FIX}",
    f"line 6, column rag, value 'Amber-ish': not a status word. {STATUS_FIX}",
    "line 7, column indicator_code, value '': indicator_code is required on every row. "
    "Fix: fill in the indicator code.",
    "line 9, column actual, value '61': two different rows for NI 151 in the period ending 2010-03-31: "
    f"line 8 and line 9. {DUPLICATE_FIX}",
    "line 10, column actual, value '78': LAA 1 2009/10 Q4 has an actual but no target and no rag, "
    f"so it cannot be rated. {UNRATABLE_FIX}",
]


def test_a_file_with_several_errors_reports_every_one_and_writes_none_of_its_good_rows(demo):
    # Line 2's commentary runs over two lines, so every later problem is one line further down.
    before = snapshot(demo)
    run = import_file(example("bad_several_errors.csv"))
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(*SEVERAL)
    assert_unchanged(demo, before)
    # Line 2 was a good row: all or nothing, so it is not stored either.
    assert [h["period"] for h in history("NI 117")] == [
        "2008/09 Q4", "2009/10 Q1", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3",
    ]  # fmt: skip


def test_other_cell_problems_are_all_named(demo, tmp_path):
    path = write(
        tmp_path,
        "q4_settings.csv",
        "indicator_code,theme_board,period,target,actual,polarity,target_type,tolerance_pct,lead_partner\n"
        "NI 117,Children's Trust,2009/10 Q4,10.5,10.2,lower,designated,-5,CHENEL\n"
        "NI 111,Children's Trust,2009/10 Q4,1700,1690,downwards,stretch,5,Metropolitan Police\n"
        "NI 19,Safer Communities,2009/10 Q4,1.2,1.25,lower_is_better,statutory,,Haringey Council\n"
        "NI 20,Safer Communities,2009/10 Q3,8.1,7.9,lower_is_better,designated,,Metropolitan Police\n"
        "NI 20,Safer Communities,2009/10 Q4,8.1,7.8,lower_is_better,designated,,Haringey Council\n"
        "NI 151,Enterprise,2009/10 Q4,66.5,60.1,higher,designated,,Jobcentre Plus,Keep under review\n"
        "NI 152,,2009/10 Q4,14.8,15.1,lower,designated,,Jobcentre Plus\n",
    )
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 2, column tolerance_pct, value '-5': a tolerance cannot be negative. "
        "Fix: write the amber band as a % of target, e.g. 5.",
        "line 3, column polarity, value 'downwards': not a polarity. "
        "Fix: use higher_is_better or lower_is_better, or leave it empty.",
        "line 4, column target_type, value 'statutory': not a target type. "
        "Fix: use one of: designated, mandatory education, local, stretch, safeguarding, or leave it empty.",
        "line 6, column lead_partner, value 'Haringey Council': NI 20 has lead_partner 'Metropolitan Police' "
        "on line 5 and 'Haringey Council' on line 6. Fix: give every row of NI 20 the same lead_partner.",
        "line 7: the row has 10 values but the header names 9 columns. "
        "Fix: put commas or semicolons inside a value in double quotes, or remove the extra values.",
        "line 8, column theme_board, value '': theme_board is required on every row. Fix: fill in the theme board.",
    )
    assert_unchanged(demo, before)


def test_a_column_named_twice_is_rejected(demo, tmp_path):
    path = write(
        tmp_path,
        "twice.csv",
        "indicator_code,theme_board,period,actual,Actual\nNI 117,Children's Trust,2009/10 Q3,10.4,10.4\n",
    )
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 1, column actual, value 'Actual': the column appears twice in the header. "
        "Fix: keep one of the two columns."
    )
    assert_unchanged(demo, before)


def test_unreadable_and_empty_workbooks_are_rejected(demo, tmp_path):
    from openpyxl import Workbook

    (tmp_path / "q4_return.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (tmp_path / "q4_return.xlsx").write_bytes(b"PK\x03\x04 this zip was cut short in the e-mail")
    Workbook().save(tmp_path / "blank.xlsx")
    cases = {
        "q4_return.xls": "an old .xls workbook cannot be read. Fix: save it as .xlsx or CSV and upload that.",
        "q4_return.xlsx": "the file is not a readable .xlsx workbook. Fix: open it in Excel and save it as .xlsx "
        "again.",
        "blank.xlsx": "the workbook's first sheet is empty. Fix: put the header row and the data on the first sheet.",
    }
    before = snapshot(demo)
    for name, message in cases.items():
        run = import_file(tmp_path / name)
        assert (run.code, run.out, run.err) == (1, "", rejected(message)), name
    assert_unchanged(demo, before)


def test_a_missing_file_is_a_usage_error(demo, tmp_path):
    before = snapshot(demo)
    run = import_file(tmp_path / "nowhere.csv")
    assert (run.code, run.out, run.err) == (2, "", f"error: no such file: {tmp_path / 'nowhere.csv'}\n")
    assert_unchanged(demo, before)


def test_identical_repeated_rows_are_not_an_error(demo, tmp_path):
    row = "NI 117,Children's Trust,2009/10 Q4,10.5,10.2,Back under target.\n"
    path = write(tmp_path, "repeat.csv", "indicator_code,theme_board,period,target,actual,commentary\n" + row + row)
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "repeat.csv: 2 rows read; 1 new, 0 changed, 0 unchanged; 0 new targets, 0 with changed settings. "
        "stored as batch 3.\n"
    )


# --- Excel habits and mistakes that once slipped through. ---


def test_an_empty_excel_export_is_reported_as_empty(demo, tmp_path):
    before = snapshot(demo)
    for data in (b"\xef\xbb\xbf\r\n", b";;;\r\n;;;\r\n"):
        path = tmp_path / "q4_return.csv"
        path.write_bytes(data)
        run = import_file(path)
        assert (run.code, run.out, run.err) == (1, "", rejected(EMPTY)), data
    assert_unchanged(demo, before)


def test_unknown_columns_are_reported_when_the_file_is_rejected(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "indicator_code,Theme Bord,period,target,actual\nNI 117,Children's Trust,2009/10 Q4,10.5,10.2\n",
    )
    run = import_file(path)
    assert run.code == 1
    assert (
        "line 1, column theme_board: a required column is missing from the header. "
        "Fix: add a column named theme_board (required: indicator_code, theme_board, period)." in run.err
    )
    assert (
        "line 1, column theme_bord, value 'Theme Bord': this column is not part of the import format and is "
        "not imported. Fix: rename it to theme_board." in run.err
    )


def test_three_different_rows_for_one_key_name_every_line(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "indicator_code,theme_board,period,target,actual\n"
        "NI 117,Children's Trust,2009/10 Q4,10.5,10.2\n"
        "NI 117,Children's Trust,2009/10 Q4,10.5,10.3\n"
        "NI 117,Children's Trust,2009/10 Q4,10.5,10.4\n",
    )
    run = import_file(path)
    assert run.code == 1
    problem_lines = [line for line in run.err.splitlines()[1:]]
    assert any(line.startswith("  line 3, column actual, value '10.3'") for line in problem_lines)
    assert any(line.startswith("  line 4, column actual, value '10.4'") for line in problem_lines)


def test_a_bad_setting_is_reported_once_with_its_real_value(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "indicator_code,theme_board,period,target,actual,target_type\n"
        "NI 19,Safer Communities,2009/10 Q3,1.2,1.18,designated\n"
        "NI 19,Safer Communities,2009/10 Q4,1.2,1.25,statutory\n",
    )
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 3, column target_type, value 'statutory': not a target type. "
        "Fix: use one of: designated, mandatory education, local, stretch, safeguarding, or leave it empty."
    )


def test_an_unquoted_thousands_comma_is_not_silently_split(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        "indicator_code,theme_board,period,target,actual,commentary\nNI 111,Children's Trust,2009/10 Q4,1700,1,690,\n",
    )
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 2: the row has 7 values but the header names 6 columns. "
        "Fix: put commas or semicolons inside a value in double quotes, or remove the extra values."
    )
    assert_unchanged(demo, before)
