"""Each target's quartile among the areas that reported it: per board on the helicopter view, per target on the
board paper; within a comparator group (the area's first by name unless another is chosen) or all areas."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.access.permissions import LOCAL_ADMIN
from dashboard.domain.periods import parse_period
from dashboard.papers import reports
from dashboard.read.benchmark import NoBenchmark, area_quartiles, benchmark, board_quartiles
from dashboard.read.position import load_position
from dashboard.read.views import md_escape
from dashboard.write.groups import set_groups
from dashboard.write.importer import import_bytes
from tests.conftest import laa
from tests.fixtures import app_test, new_store
from tests.test_app_pages import frame_with, no_exception, use_database
from tests.test_reports import csv_rows, pdf_pages, sheet_rows

Q3 = parse_period("2009/10 Q3")
# People holds NI 1 (higher is better) and NI 2 (lower is better), Places holds NI 3; a blank is not reported.
ACTUALS = {
    "NI 1": ("People", "higher_is_better", {"Ashford": 10, "Bolton": 20, "Camden": 20, "Dudley": 30, "Ealing": 40}),
    "NI 2": ("People", "lower_is_better", {"Ashford": 10, "Bolton": 20, "Camden": 20, "Dudley": 30, "Ealing": 40}),
    "NI 3": ("Places", "higher_is_better", {"Ashford": 5, "Bolton": 5, "Camden": 1, "Fenland": 9}),
}
AREAS = ["Ashford", "Bolton", "Camden", "Dudley", "Ealing", "Fenland"]
FILE = "area,indicator_code,theme_board,polarity,period,target,actual\n" + "".join(
    f"{area},{code},{board},{polarity},2009/10 Q3,5,{actuals.get(area, '')}\n"
    for code, (board, polarity, actuals) in ACTUALS.items()
    for area in AREAS
)
# Ashford is in East and South: East is its first by name.
GROUPS = b"group,area\nSouth,Ashford\nSouth,Ealing\nEast,Ashford\nEast,Bolton\nEast,Camden\nNorth,Fenland\n"


@pytest.fixture
def six(engine):
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    set_groups(engine, GROUPS, LOCAL_ADMIN, "groups.csv")
    return engine


def _counts(engine, area: str, group: str | None = None) -> list[tuple]:
    found = area_quartiles(engine, load_position(engine, area), Q3, group)
    return [tuple(r) for r in board_quartiles(found).itertuples(index=False)]


def test_each_boards_top_and_bottom_quartile_counts_within_all_areas_and_within_a_group(six):
    # All areas. NI 1: Ealing 40, Dudley 30, Bolton and Camden 20 (tied at rank 3), Ashford 10 rank 5 of 5:
    # quartile 1 + 4 × 4 ÷ 4 = 5, at most 4. NI 2, lower is better: Ashford rank 1, quartile 1. NI 3: Fenland 9,
    # Ashford and Bolton 5 tied at rank 2 of 4: quartile 1 + 4 × 1 ÷ 3 = 2.
    assert _counts(six, "Ashford") == [("People", 2, 1, 1, 0), ("Places", 1, 0, 0, 0)]
    # Fenland reported only NI 3, and was the best of the four.
    assert _counts(six, "Fenland") == [("People", 2, 0, 0, 2), ("Places", 1, 1, 0, 0)]
    # Dudley: NI 1 rank 2 (quartile 2), NI 2 rank 4 of 5 (quartile 1 + 4 × 3 ÷ 4 = 4), NI 3 not reported.
    assert _counts(six, "dudley") == [("People", 2, 0, 1, 0), ("Places", 1, 0, 0, 1)]
    # East (Ashford, Bolton, Camden). NI 1: Bolton and Camden tied at rank 1, so Ashford is rank 3 of 3: quartile
    # 1 + 4 × 2 ÷ 2 = 5, at most 4. NI 2: Ashford best. NI 3: Ashford and Bolton tied at rank 1, quartile 1.
    assert _counts(six, "Ashford", "east") == [("People", 2, 1, 1, 0), ("Places", 1, 1, 0, 0)]
    # South (Ashford, Ealing): of the two only Ashford reported NI 3, and a lone reporter has no quartile.
    assert _counts(six, "Ashford", "South") == [("People", 2, 1, 1, 0), ("Places", 1, 0, 0, 1)]
    # North holds Fenland alone: nothing to rank it among.
    assert _counts(six, "Fenland", "North") == [("People", 2, 0, 0, 2), ("Places", 1, 0, 0, 1)]


def test_each_targets_rank_and_quartile_are_the_benchmarks(six):
    # One rule: every indicator at once gives each area what benchmark() gives one indicator at a time.
    for area in AREAS:
        for group in (None, "East", "South"):
            found = area_quartiles(six, load_position(six, area), Q3, group)
            for row in found.rows.itertuples(index=False):
                try:
                    place = benchmark(six, row.indicator_code, Q3, group).place(area)
                except NoBenchmark:
                    place = None
                alone = place is not None and benchmark(six, row.indicator_code, Q3, group).rows.shape[0] < 2
                expected = None if place is None or alone else (place["rank"], place["quartile"])
                shown = None if pd.isna(row.quartile) else (row.rank, row.quartile)
                assert shown == expected, (area, group, row.indicator_code)


def _paper(engine, area: str, group: str | None):
    position = load_position(engine, area)
    rows = position.statuses(Q3)
    quartiles = area_quartiles(engine, position, Q3, group)
    return reports.board_paper(position, Q3, None, rows, produced=date(2010, 1, 20), quartiles=quartiles)


def test_the_board_paper_shows_each_targets_quartile_and_the_group_it_is_measured_in(six, tmp_path):
    paper = _paper(six, "Ashford", "East")
    header, *rows = csv_rows(reports.paper_csv(paper))
    assert header[:12] == [
        "Code", "Indicator", "Theme board", "Status", "Direction of travel", "Variation", "Assurance", "Unit",
        "Target", "Actual", "Shortfall %", "Quartile",
    ]  # fmt: skip
    assert [(r[0], r[11]) for r in rows] == [("NI 1", "4 (bottom)"), ("NI 2", "1 (top)"), ("NI 3", "1 (top)")]
    note = (
        "Quartile: each target ranked among the areas of comparator group East that reported it in 2009/10 Q3 "
        "(ties share the better rank), 1 the top quarter and 4 the bottom; —: not reported, or fewer than two areas "
        "reported."
    )
    pdf = " ".join(pdf_pages(reports.paper_pdf(paper)))
    assert note in pdf
    assert "quartile: 4 (bottom)" in pdf and "quartile: 1 (top)" in pdf
    sheet, header_row, table = sheet_rows(reports.paper_xlsx(paper))
    assert sheet.cell(row=header_row - 2, column=1).value == note
    assert [(r[0], r[11]) for r in table] == [("Code", "Quartile"), *[(r[0], r[11]) for r in rows]]
    table = reports.paper_table(_paper(six, "Ashford", "South"))
    assert table["Quartile"].tolist() == ["4 (bottom)", "1 (top)", "—"]
    # The command line's paper: the area's first group by name (East) unless --group names another.
    path = tmp_path / "ashford.csv"
    assert laa("exceptions", "--area", "Ashford", "--status", "green", "--output", str(path)).code == 0
    assert [(r[0], r[11]) for r in csv_rows(path.read_bytes())[1:]] == [("NI 1", "4 (bottom)"), ("NI 3", "1 (top)")]
    run = laa("exceptions", "--area", "Ashford", "--status", "green", "--group", "all areas", "--output", str(path))
    assert run.code == 0
    assert [(r[0], r[11]) for r in csv_rows(path.read_bytes())[1:]] == [("NI 1", "4 (bottom)"), ("NI 3", "2")]
    run = laa("exceptions", "--area", "Ashford", "--group", "North", "--output", str(path))
    assert (run.code, run.err) == (
        2,
        "error: --group 'North': Ashford is in no such comparator group (choose one of: East, South, All areas)\n",
    )


def test_a_store_of_one_area_has_no_quartiles(demo, tmp_path):
    path = tmp_path / "ct.csv"
    assert laa("exceptions", "--board", "children's trust", "--output", str(path)).code == 0
    assert "Quartile" not in csv_rows(path.read_bytes())[0]


@pytest.fixture
def six_app(tmp_path, monkeypatch):
    url = new_store(f"sqlite:///{tmp_path / 'six.sqlite3'}")
    use_database(monkeypatch, url)
    from dashboard.store.engine import make_engine

    engine = make_engine(url)
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    set_groups(engine, GROUPS, LOCAL_ADMIN, "groups.csv")
    engine.dispose()
    return app_test()


def _shown(at) -> list[tuple]:
    frame = frame_with(at, "Top quartile")
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_the_helicopter_view_counts_each_boards_quartiles_in_the_group_chosen(six_app):
    six_app.query_params["area"] = "Ashford"
    at = no_exception(six_app.run())
    assert "Top and bottom quartiles, as at 2009/10 Q3" in [h.value for h in at.header]
    picker = at.selectbox(key="pick_group")
    assert (picker.options, picker.value) == (["East", "South", "All areas"], "East")
    assert _shown(at) == [("People", 2, 1, 1, 0), ("Places", 1, 1, 0, 0)]
    assert md_escape(
        "Within comparator group East (Ashford's first by name), 2009/10 Q3: each target ranked among the areas that "
        "reported it (ties share the better rank), quartile by rank, 1 the best and 4 the worst. No quartile: not "
        "reported, or fewer than two areas reported."
    ) in [c.value for c in at.caption]
    assert "group" not in at.query_params  # the default stays out of the address
    picker.select("All areas").run()
    assert _shown(no_exception(at)) == [("People", 2, 1, 1, 0), ("Places", 1, 0, 0, 0)]
    assert at.query_params["group"] == "All areas"
    # The board paper ranks within the group chosen here.
    at.switch_page("board.py").run()
    assert "Its Quartile column ranks each target within all areas (chosen on the helicopter view)." in [
        c.value for c in no_exception(at).caption
    ]
    # A link or a bookmark opens the group it names.
    again = app_test()
    again.query_params.update({"area": "Ashford", "group": "south"})
    again = no_exception(again.run())
    assert again.selectbox(key="pick_group").value == "South"
    assert _shown(again) == [("People", 2, 1, 1, 0), ("Places", 1, 0, 0, 1)]


def test_the_helicopter_view_of_a_store_of_one_area_has_no_quartile_section(tmp_path, monkeypatch):
    use_database(monkeypatch, new_store(f"sqlite:///{tmp_path / 'demo.sqlite3'}", demo=True))
    at = no_exception(app_test().run())
    assert [h.value for h in at.header if "quartile" in h.value.lower()] == []
    assert "pick_group" not in [s.key for s in at.selectbox]
