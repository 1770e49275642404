"""What analysts' first real files hold: periods that cannot be read at all, UK dates (day first) and Excel date
cells labelled as the quarter they end, and the column headings they really use."""

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from dashboard.domain import fileformat
from dashboard.domain.periods import BadPeriod, Period, parse_period
from dashboard.write.importer import ImportRejected, import_bytes, validate
from tests.fixtures import acting
from tests.helpers import (
    assert_unchanged,
    current,
    history,
    import_file,
    rejected,
    snapshot,
    write,
)

HEADER = "indicator_code,theme_board,period,target,actual\n"
PERIOD_FIX = (
    "Fix: use a quarter like 2009/10 Q3, a year like 2008/09, a month like 2009-11 or an end date like 31/12/2009 "
    "or 2009-11-30."
)
DATE_FIX = "Fix: write a real date such as 31/12/2009 (day first) or 2009-12-31."
Q3_2009 = (
    "ambiguous: Q3 of the financial year 2009/10 or of the calendar year 2009. Fix: write the financial year and "
    "quarter: 2009/10 Q3 for October to December 2009, or 2009/10 Q2 for July to September 2009."
)
NI117_HISTORY = ["2008/09 Q4", "2009/10 Q1", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3"]


def stored(out: str, name: str, new: int, changed: int, unchanged: int, verdict: str = "stored as batch 3") -> None:
    rows = new + changed + unchanged
    assert out == (
        f"{name}: {rows} rows read; {new} new, {changed} changed, {unchanged} unchanged; 0 new targets, "
        f"0 with changed settings. {verdict}.\n"
    )


# --- 3. A file in which no row has a readable key is rejected with the usual list, never a crash ---

NO_ROW_LEFT = {
    "ambiguous quarter": (
        "NI 117,Children's Trust,Q3 2009,10.5,10.2\n",
        [f"line 2, column period, value 'Q3 2009': {Q3_2009}"],
    ),
    "no such date": (
        "NI 117,Children's Trust,31/02/2010,10.5,10.2\n",
        [f"line 2, column period, value '31/02/2010': not a real date (dates are read day/month/year). {DATE_FIX}"],
    ),
    "not a period": (
        "NI 117,Children's Trust,Spring 2010,10.5,10.2\n",
        [f"line 2, column period, value 'Spring 2010': not a period. {PERIOD_FIX}"],
    ),
    "blank indicator codes": (
        ",Children's Trust,2009/10 Q4,10.5,10.2\n,Enterprise,2009/10 Q4,66.5,60.1\n",
        [
            "line 2, column indicator_code, value '': indicator_code is required on every row. "
            "Fix: fill in the indicator code.",
            "line 3, column indicator_code, value '': indicator_code is required on every row. "
            "Fix: fill in the indicator code.",
        ],
    ),
    "each row for its own reason": (
        "NI 117,,2009/10 Q4,10.5,10.2\nNI 151,Enterprise,,66.5,60.1\nNI 19,Safer Communities,13/13/2009,1.2,x\n",
        [
            "line 2, column theme_board, value '': theme_board is required on every row. Fix: fill in the theme board.",
            "line 3, column period, value '': period is required on every row. Fix: fill in the period: a quarter "
            "like 2009/10 Q3, a year like 2008/09, a month like 2009-11 or an end date like 31/12/2009 or "
            "2009-11-30.",
            f"line 4, column period, value '13/13/2009': not a real date (dates are read day/month/year). {DATE_FIX}",
            "line 4, column actual, value 'x': not a number. "
            "Fix: write a plain number such as 1200, 1,200, 12.5 or 12%, or leave the cell empty.",
        ],
    ),
}


@pytest.mark.parametrize("case", list(NO_ROW_LEFT))
def test_a_file_with_no_readable_row_is_rejected_with_every_problem(demo, tmp_path, case):
    body, messages = NO_ROW_LEFT[case]
    path = write(tmp_path, "q4.csv", HEADER + body)
    before = snapshot(demo)
    for args in ((), ("--dry-run",)):
        run = import_file(path, *args)
        assert (run.code, run.out, run.err) == (1, "", rejected(*messages))
        assert_unchanged(demo, before)


@pytest.mark.parametrize("case", list(NO_ROW_LEFT))
def test_import_bytes_rejects_a_file_with_no_readable_row_into_an_empty_store(engine, case):
    body, messages = NO_ROW_LEFT[case]
    with pytest.raises(ImportRejected) as caught:
        import_bytes(engine, (HEADER + body).encode(), "q4.csv", acting("analyst"))
    assert [p.message() for p in caught.value.problems] == messages
    with pytest.raises(ImportRejected):
        import_bytes(engine, (HEADER + body).encode(), "q4.csv", acting("analyst"), dry_run=True)


# --- 4. UK dates, quarter ends and Excel date cells ---

Q3 = Period(date(2009, 12, 31), "2009/10 Q3")
Q4 = Period(date(2010, 3, 31), "2009/10 Q4")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("31/12/2009", Q3),
        (" 31/12/2009 ", Q3),
        ("31-12-2009", Q3),
        ("31.12.2009", Q3),
        ("31/12/2009 00:00", Q3),
        ("31/3/2010", Q4),
        ("2009-12-31", Q3),
        ("2009-12", Q3),
        ("2010-03", Q4),
        ("30/06/2009", Period(date(2009, 6, 30), "2009/10 Q1")),
        ("2009-09-30", Period(date(2009, 9, 30), "2009/10 Q2")),
        # Day first, never month first: 1 December, not 12 January.
        ("01/12/2009", Period(date(2009, 12, 1), "2009-12-01")),
        ("30/11/2009", Period(date(2009, 11, 30), "2009-11-30")),
        ("2009-11-30", Period(date(2009, 11, 30), "2009-11-30")),
        ("2009-11", Period(date(2009, 11, 30), "2009-11")),
        ("Q3 2009/10", Q3),
        (datetime(2009, 12, 31), Q3),
        (date(2010, 3, 31), Q4),
        (datetime(2009, 11, 30), Period(date(2009, 11, 30), "2009-11-30")),
    ],
)
def test_dates_and_months_that_end_a_quarter_are_that_quarter(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2010", f"not a real date (dates are read day/month/year): {DATE_FIX[5:-1]}"),
        ("13/13/2009", f"not a real date (dates are read day/month/year): {DATE_FIX[5:-1]}"),
        ("12/31/2009", f"not a real date (dates are read day/month/year): {DATE_FIX[5:-1]}"),
        ("2010-02-30", f"not a real date: {DATE_FIX[5:-1]}"),
        ("Q3 2009", Q3_2009.replace(". Fix: ", ": ")[:-1]),
        (
            "2009 Q4",
            "ambiguous: Q4 of the financial year 2009/10 or of the calendar year 2009: write the financial year "
            "and quarter: 2009/10 Q4 for January to March 2010, or 2009/10 Q3 for October to December 2009",
        ),
        ("31/12/09", f"not a period: {PERIOD_FIX[5:-1]}"),
        ("31/12-2009", f"not a period: {PERIOD_FIX[5:-1]}"),
    ],
)
def test_impossible_dates_and_ambiguous_quarters_say_why(text, message):
    with pytest.raises(BadPeriod) as caught:
        parse_period(text)
    assert str(caught.value) == message


def test_a_uk_date_imports_as_the_quarter_it_ends(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        HEADER + "NI 117,Children's Trust,31/03/2010,10.5,10.2\nNI 151,Enterprise,31/3/2010,66.5,60.1\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    stored(run.out, "q4.csv", 2, 0, 0)
    assert [h["period"] for h in history("NI 117")] == [*NI117_HISTORY, "2009/10 Q4"]
    assert (current("NI 151")["2009/10 Q4"]["actual"], current("NI 151")["2009/10 Q4"]["status"]) == (60.1, "red")


def test_a_date_ending_a_stored_quarter_is_that_quarter_not_a_second_label(demo, tmp_path):
    before = snapshot(demo)
    same = write(tmp_path, "same.csv", HEADER + "NI 117,Children's Trust,2009-12-31,10.5,11.76\n")
    run = import_file(same)
    assert (run.code, run.err) == (0, "")
    stored(run.out, "same.csv", 0, 0, 1, "nothing to change: every row matches what is stored")
    assert_unchanged(demo, before)
    # A changed figure given by its UK end date is a new version of 2009/10 Q3.
    changed = write(tmp_path, "changed.csv", HEADER + "NI 117,Children's Trust,31/12/2009,10.5,10.4\n")
    run = import_file(changed)
    assert (run.code, run.err) == (0, "")
    stored(run.out, "changed.csv", 0, 1, 0)
    assert [h["period"] for h in history("NI 117")] == [*NI117_HISTORY, "2009/10 Q3"]
    assert [(h["actual"], h["current"]) for h in history("NI 117") if h["period"] == "2009/10 Q3"] == [
        (11.76, False),
        (10.4, True),
    ]


def test_an_excel_date_cell_is_the_quarter_it_ends(demo, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator Code", "Theme Board", "Period", "Target", "Actual"])
    sheet.append(["NI 117", "Children's Trust", datetime(2010, 3, 31), 10.5, 10.2])
    sheet.append(["NI 151", "Enterprise", datetime(2010, 2, 28), 66.5, 60.1])
    sheet["C2"].number_format = "dd/mm/yyyy"
    sheet["C3"].number_format = "dd/mm/yyyy"
    book.save(tmp_path / "q4.xlsx")
    run = import_file(tmp_path / "q4.xlsx")
    assert (run.code, run.err) == (0, "")
    stored(run.out, "q4.xlsx (sheet 'Sheet')", 2, 0, 0)
    assert [h["period"] for h in history("NI 117")] == [*NI117_HISTORY, "2009/10 Q4"]
    held = list(current("NI 151"))  # from 2006/07 Q1 in the demo
    assert (len(held), held[-5:]) == (16, ["2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3", "2010-02-28"])


# --- 15. The headings analysts use ---


# The documented table (README, "The import file").
ALIASES = {
    "indicator_code": ["NI", "NI code", "Code"],
    "theme_board": ["Theme", "Board"],
    "period": ["Quarter", "Reporting period"],
    "indicator_name": ["Description"],
    "parent_area": ["County", "Parent area name"],
    "lead_partner": ["Lead"],
    "tolerance_pct": ["Tolerance"],
    "target": ["Target value"],
    "actual": ["Outturn", "Actual value", "Result"],
    "rag": ["RAG status", "Status", "RAG rating"],
    "commentary": ["Comments", "Comment"],
    "remedial_action": ["Action", "Actions"],
}


def test_the_alias_table_is_the_documented_one():
    assert {name: list(aliases) for name, aliases in fileformat.ALIASES.items()} == ALIASES


@pytest.mark.parametrize(("heading", "read_as"), [(a, f) for f, aliases in ALIASES.items() for a in aliases])
def test_every_alias_is_read_as_its_field_whatever_the_case(heading, read_as):
    assert fileformat.field_of(heading) == fileformat.field_of(f"  {heading.upper()} ") == read_as
    assert fileformat.field_of(read_as) == read_as


def test_renamed_columns_lists_only_headings_that_are_not_the_field_name():
    headings = {"indicator_code": "Indicator Code", "period": "Quarter", "actual": "Outturn", "rag": " rag"}
    assert validate.renamed_columns(headings) == [("Quarter", "period"), ("Outturn", "actual")]


ANALYST = "NI,Board,Quarter,Target value,Outturn,RAG Status,Comments,Actions\n"


def test_an_analysts_headings_are_read_and_the_outcome_says_as_what(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        ANALYST + "ni117,Children's Trust,2009/10 Q4,10.5,10.2,A,Nearly there,Monthly tracking\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    stored(run.out, "q4.csv", 1, 0, 0)
    q4 = current("NI 117")["2009/10 Q4"]
    assert (q4["target"], q4["actual"], q4["status"], q4["commentary"]) == (10.5, 10.2, "amber", "Nearly there")
    outcome = import_bytes(demo, path.read_bytes(), "q4.csv", acting("analyst"), dry_run=True)
    assert outcome.summary()["columns_read_as"] == {
        "NI": "indicator_code",
        "Board": "theme_board",
        "Quarter": "period",
        "Target value": "target",
        "Outturn": "actual",
        "RAG Status": "rag",
        "Comments": "commentary",
        "Actions": "remedial_action",
    }
    assert outcome.plan.headings["rag"] == "RAG Status"
    assert outcome.plan.present == {
        "indicator_code", "theme_board", "period", "target", "actual", "rag", "commentary", "remedial_action",
    }  # fmt: skip


def test_canonical_headings_are_not_listed_as_read_as_anything(demo, tmp_path):
    path = write(
        tmp_path, "q4.csv", " Indicator Code ,THEME_BOARD,period,actual\nNI 19,Safer Communities,2009/10 Q3,1.25\n"
    )
    outcome = import_bytes(demo, path.read_bytes(), "q4.csv", acting("analyst"), dry_run=True)
    assert outcome.summary()["columns_read_as"] == {}
    assert outcome.plan.headings == {
        "indicator_code": "Indicator Code", "theme_board": "THEME_BOARD", "period": "period", "actual": "actual",
    }  # fmt: skip


def test_problems_in_a_renamed_column_name_the_files_heading(demo, tmp_path):
    path = write(
        tmp_path,
        "q4.csv",
        ANALYST
        + "NI 117,Children's Trust,2009/10 Q4,10.5,10.2x,Reddish,,\n"
        + "NI 111,Children's Trust,2009/10 Q4,1700,1690,,On track,\n"
        + "NI 111,Children's Trust,2009/10 Q4,1700,1690,,Behind,\n"
        + "LAA 1,Wellbeing,2009/10 Q4,,78,,,\n",
    )
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 2, column actual (Outturn), value '10.2x': not a number. "
        "Fix: write a plain number such as 1200, 1,200, 12.5 or 12%, or leave the cell empty.",
        "line 2, column rag (RAG Status), value 'Reddish': not a status word. Fix: use red, amber, green or data "
        "awaited (or R, A, G, DA), or leave it empty to rate from the actual.",
        "line 4, column commentary (Comments), value 'Behind': two different rows for NI 111 in the period "
        "ending 2010-03-31: line 3 and line 4. Fix: keep one row for each indicator and period, and delete or "
        "correct the other.",
        "line 5, column actual (Outturn), value '78': LAA 1 2009/10 Q4 has an actual but no target and no rag, "
        "so it cannot be rated. Fix: add the target for this period, or a rag status (red, amber, green, data "
        "awaited).",
    )
    assert_unchanged(demo, before)


def test_a_field_given_by_its_name_and_an_alias_appears_twice(demo, tmp_path):
    path = write(
        tmp_path,
        "twice.csv",
        "indicator_code,theme_board,period,rag,RAG Status,Outturn,actual\n"
        "NI 117,Children's Trust,2009/10 Q4,R,R,10.2,10.2\n",
    )
    before = snapshot(demo)
    run = import_file(path)
    assert (run.code, run.out) == (1, "")
    assert run.err == rejected(
        "line 1, column rag, value 'RAG Status': the column appears twice in the header: 'rag' and 'RAG Status' "
        "are both read as rag. Fix: keep one of the two columns.",
        "line 1, column actual, value 'actual': the column appears twice in the header: 'Outturn' and 'actual' "
        "are both read as actual. Fix: keep one of the two columns.",
    )
    assert_unchanged(demo, before)
