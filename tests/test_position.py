"""The position through the command line: as-at quarters, a differently built file, ties, exceptions, history."""

from tests.conftest import laa
from tests.test_haringey import RANKING, TABLE_1, TABLE_2, counts, percents


def board_counts(summary):
    return {b["theme_board"]: counts(b) for b in summary["boards"]}


def test_as_at_an_earlier_quarter_gives_that_quarters_picture(demo):
    q2 = laa("summary", "--as-at", "2009/10 Q2", "--format", "json").json()
    assert q2["as_at"] == "2009/10 Q2"
    assert board_counts(q2) == {
        "Enterprise": (7, 3, 1, 0, 3),
        "Wellbeing": (14, 0, 2, 9, 3),  # NI 39's Q2 figure was corrected from red to amber
        "Safer Communities": (10, 0, 2, 6, 2),
        "Children's Trust": (26, 9, 2, 11, 4),
        "Better Places": (7, 1, 0, 3, 3),
        "Integrated Housing": (6, 0, 1, 1, 4),
        "PMG": (4, 1, 0, 0, 3),
    }
    assert counts(q2["total"]) == (74, 14, 8, 30, 22)
    q3 = laa("summary", "--as-at", "2009/10 Q3", "--format", "json").json()
    assert board_counts(q3) == TABLE_1


def test_as_at_accepts_any_period_form_and_before_any_data_says_nothing_is_held(demo):
    month = laa("summary", "--as-at", "2009-11", "--format", "json").json()
    assert counts(month["total"]) == (74, 14, 8, 30, 22)  # November 2009: Q2 is the latest quarter ended
    before = laa("summary", "--as-at", "2005/06 Q4", "--format", "json")
    assert (before.code, before.out) == (2, "")
    assert "nothing is held for 2005/06 Q4" in before.err


def test_a_bad_as_at_is_one_clear_line(demo):
    run = laa("summary", "--as-at", "last autumn")
    assert run.code == 2
    assert run.err.startswith("error: --as-at 'last autumn': not a period: use a quarter like 2009/10 Q3")
    assert "Traceback" not in run.err + run.out


def test_a_differently_built_file_gives_the_same_tables(engine, tmp_path):
    """Statuses given only as R/A/G/DA letters, one quarter, semicolons, Windows-1252, shuffled boards."""
    letters = {"red": "R", "amber": "A", "green": "G", "data_awaited": "DA"}
    lines = ["Theme Board;INDICATOR CODE;Period;RAG;Commentary"]
    number = 0
    for board, (_, *per_status) in reversed(list(TABLE_1.items())):
        spellings = iter([board])  # the first row names the board as it should read; later rows shout it
        for (_, letter), n in zip(letters.items(), per_status, strict=True):
            for _ in range(n):
                number += 1
                lines.append(
                    f"{next(spellings, board.upper())};LAA {number:02d};Q3 2009/10;"
                    f" {letter.lower()} ;Budget £{number},000"
                )
    path = tmp_path / "rag_only.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    run = laa("import", str(path))
    assert run.code == 0, run.err
    summary = laa("summary", "--format", "json").json()
    # Boards appear in the order the file first names them; the figures are Table 1's and Table 2's.
    assert [b["theme_board"] for b in summary["boards"]] == list(reversed(TABLE_1))
    assert board_counts(summary) == TABLE_1
    assert {b["theme_board"]: percents(b) for b in summary["boards"]} == TABLE_2
    ranking = laa("ranking", "--format", "json").json()
    assert [r["theme_board"] for r in ranking["ranking"]] == RANKING


def test_ties_break_by_red_share_then_name(engine, tmp_path):
    rows = ["indicator_code,theme_board,period,rag"]
    boards = {  # green+amber share 50% for all three; red share 50%, 25%, 25%
        "Zeta": ["green", "red", "amber", "red"],
        "Alpha": ["green", "green", "red", "data awaited"],
        "Beta": ["amber", "green", "data awaited", "red"],
    }
    for board, statuses in boards.items():
        rows += [f"{board}-{i},{board},2009/10 Q3,{s}" for i, s in enumerate(statuses)]
    (tmp_path / "ties.csv").write_text("\n".join(rows))
    assert laa("import", str(tmp_path / "ties.csv")).code == 0
    ranking = laa("ranking", "--format", "json").json()["ranking"]
    assert [(r["rank"], r["theme_board"], r["green_amber_pct"], r["red_pct"]) for r in ranking] == [
        (1, "Alpha", 50.0, 25.0),
        (2, "Beta", 50.0, 25.0),
        (3, "Zeta", 50.0, 50.0),
    ]
    rated = laa("ranking", "--basis", "rated", "--format", "json").json()
    assert [(r["theme_board"], r["green_amber_pct"]) for r in rated["ranking"]] == [
        ("Alpha", 66.7),
        ("Beta", 66.7),
        ("Zeta", 50.0),
    ]
    assert rated["bases_agree"] is True


def test_rated_basis_reorders_haringey_and_says_so(demo):
    rated = laa("ranking", "--basis", "rated", "--format", "json").json()
    assert rated["basis"] == "rated"
    assert [r["theme_board"] for r in rated["ranking"]] == [
        "Integrated Housing",
        "Wellbeing",
        "Safer Communities",
        "Better Places",
        "Children's Trust",
        "Enterprise",
        "PMG",
    ]
    assert rated["bases_agree"] is False
    table = laa("ranking", "--basis", "rated")
    assert "Ranked by % green or amber of rated targets only (data awaited left out)" in table.out
    assert "On all targets the order is: Wellbeing, Safer Communities" in table.out


def test_exceptions_for_a_board(demo):
    report = laa("exceptions", "--board", "children's trust", "--format", "json").json()
    codes = sorted(e["indicator_code"] for e in report["exceptions"])
    assert codes == ["NI 112", "NI 117", "NI 56", "NI 59", "NI 60", "NI 72", "NI 73", "NI 92", "NI 94"]
    neet = next(e for e in report["exceptions"] if e["indicator_code"] == "NI 117")
    assert neet == {
        "indicator_code": "NI 117",
        "indicator_name": "16 to 18 year olds who are not in education, employment or training (NEET)",
        "theme_board": "Children's Trust",
        "status": "red",
        "period": "2009/10 Q3",
        "target": 10.5,
        "actual": 11.76,
        "commentary": "Off track at 2009/10 Q3: the recession has cut the jobs and apprenticeships open to 16-18 "
        "year olds.",
        "remedial_action": "Connexions to trace every young person whose activity is not known, and CHENEL to run "
        "January-start courses for those who missed September.",
        "lead_partner": "CHENEL",
        "variation": "needs 8 more quarters of actuals: has 4 of 12",
        "assurance": "–",
    }
    amber = laa("exceptions", "--status", "A", "--format", "json").json()
    assert len(amber["exceptions"]) == 7
    unknown = laa("exceptions", "--board", "Nowhere")
    assert unknown.code == 2 and unknown.err.startswith("error: --board 'Nowhere': no such theme board")


def test_history_shows_every_version_of_a_corrected_value(demo):
    history = laa("history", "ni117", "--format", "json").json()
    assert history["indicator_code"] == "NI 117"
    q1 = [(h["actual"], h["current"], h["status"]) for h in history["history"] if h["period"] == "2009/10 Q1"]
    assert q1 == [(10.81, False, "amber"), (10.9, True, "amber")]
    assert [h["period"] for h in history["history"] if h["current"]] == [
        "2008/09 Q4",
        "2009/10 Q1",
        "2009/10 Q2",
        "2009/10 Q3",
    ]


def test_read_commands_on_an_empty_store_say_what_to_do(engine):
    run = laa("summary")
    assert run.code == 2
    assert run.err.strip() == (
        "no data yet: run `laa demo` for the sample partnership, or `laa import FILE` for your own"
    )


def test_demo_is_idempotent(demo):
    again = laa("demo")
    assert again.code == 0
    assert again.out.splitlines()[:2] == [
        "haringey_demo.csv: already loaded, nothing changed",
        "haringey_corrections.csv: already loaded, nothing changed",
    ]
    assert len(laa("batches", "--format", "json").json()["batches"]) == 2


def test_csv_and_table_formats(demo):
    csv_text = laa("summary", "--format", "csv").out.splitlines()
    assert csv_text[0] == (
        "theme_board,targets,red,amber,green,data_awaited,red_pct,amber_pct,green_pct,data_awaited_pct"
    )
    assert csv_text[1] == "Enterprise,7,4,0,0,3,57.1,0.0,0.0,42.9"
    assert csv_text[-1] == "Total,74,18,7,25,24,24.3,9.5,33.8,32.4"
    table = laa("summary").out.splitlines()
    assert table[0].split() == [
        "Theme",
        "board",
        "Targets",
        "Red",
        "Amber",
        "Green",
        "Data",
        "awaited",
        "Red",
        "%",
        "Amber",
        "%",
        "Green",
        "%",
        "Awaited",
        "%",
    ]
    assert table[-3].split() == ["Total", "74", "18", "7", "25", "24", "24.3", "9.5", "33.8", "32.4"]
