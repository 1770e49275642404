"""A store holding several areas: every page, the upload page and every read command work with the area chosen."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import laa
from tests.fixtures import app_test, new_store
from tests.test_app_pages import no_exception, page_link_labels, use_database

NO_AREA_COLUMN = b"indicator_code,theme_board,period,target,actual\nNI 8,Healthier Enfield,2009/10 Q4,25,24\n"
PAGES = ["helicopter", "board", "target", "upload", "quality"]


@pytest.fixture
def two_areas(tmp_path, monkeypatch) -> str:
    url = new_store(f"sqlite:///{tmp_path / 'two.sqlite3'}", demo=True, second_area=True)
    use_database(monkeypatch, url)
    return url


def app() -> AppTest:
    return no_exception(app_test().run())


def test_read_commands_without_area_say_how_many_and_how_to_list_them(two_areas):
    for command in (["summary"], ["ranking"], ["exceptions"], ["history", "NI 8"]):
        run = laa(*command)
        assert (run.code, run.out) == (2, ""), command
        assert run.err == "error: 2 areas held: choose one with --area NAME (`laa areas` lists them)\n"
    listed = laa("areas", "--format", "json")
    assert listed.json() == {
        "areas": [
            {"area": "Haringey", "theme_boards": 7, "targets": 74},
            {"area": "Enfield", "theme_boards": 2, "targets": 3},
        ]
    }
    enfield = laa("summary", "--area", "ENFIELD ", "--format", "json").json()
    assert enfield["area"] == "Enfield"
    assert enfield["total"] | {} == {**enfield["total"], "targets": 3, "red": 1, "green": 1, "data_awaited": 1}
    unknown = laa("summary", "--area", "Barnet")
    assert unknown.code == 2
    assert unknown.err == "error: no area named 'Barnet' among the 2 areas held: `laa areas` lists them\n"


@pytest.mark.parametrize("area", ["Haringey", "Enfield"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_each_area(two_areas, area, page):
    at = app()
    at.selectbox(key="pick_area").select(area).run()
    at.switch_page(f"{page}.py").run()
    no_exception(at)
    assert at.selectbox(key="pick_area").value == area
    assert at.query_params.get("area") == area
    if page == "helicopter":
        assert at.title[0].value == f"Helicopter view · {area}"
        targets = next(m.value for m in at.metric if m.label == "Targets")
        assert targets == {"Haringey": "74", "Enfield": "3"}[area]
    if page == "board":
        boards = at.selectbox(key="pick_board").options
        assert len(boards) == 7 if area == "Haringey" else boards == ["Stronger Communities", "Healthier Enfield"]
    if page == "target":
        codes = at.selectbox(key="pick_target").options
        assert (
            len(codes) == 74
            if area == "Haringey"
            else codes
            == ["NI 1 · Cohesion", "NI 8 · Adult participation in sport", "NI 39 · Alcohol-harm hospital admissions"]
        )


def test_an_upload_without_an_area_column_is_stored_in_the_area_picked(two_areas):
    at = app()
    at.selectbox(key="pick_area").select("Enfield").run()
    at.switch_page("upload.py").run()
    assert "stored in Enfield, the area picked in the sidebar" in " ".join(c.value for c in at.caption)
    at.file_uploader[0].upload("enfield_q4.csv", NO_AREA_COLUMN, "text/csv")
    at.run()
    no_exception(at)
    assert [m.value for m in at.metric][:5] == ["1", "1", "0", "0", "0"]
    at.button(key="commit").click().run()
    no_exception(at)
    assert at.success[0].value == "Stored enfield\\_q4\\.csv as batch 4: 1 new, 0 changed, 0 unchanged rows."
    history = laa("history", "NI 8", "--area", "Enfield", "--format", "json").json()["history"]
    assert [(h["period"], h["actual"], h["status"]) for h in history] == [
        ("2009/10 Q3", 26.0, "green"),
        ("2009/10 Q4", 24.0, "amber"),
    ]
    haringey = laa("history", "NI 8", "--area", "Haringey", "--format", "json").json()["history"]
    assert "2009/10 Q4" not in {h["period"] for h in haringey}  # nothing went into Haringey


def test_a_file_of_many_areas_with_the_longest_names_imports_on_every_backend(engine):
    """The upload's audit event names one area in its area column (200 characters): a national file's areas are
    listed in its detail instead, so PostgreSQL, which enforces the column's length, stores the file too."""
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.read.audit import audit_trail
    from dashboard.read.position import load_position
    from dashboard.write.importer import import_bytes

    names = [f"Area {i:02d} " + "x" * 192 for i in range(40)]  # 200 characters each, the most an area's name holds
    rows = "".join(f"NI 1,Board,2009/10 Q1,{name},5,6\n" for name in names)
    data = f"indicator_code,theme_board,period,area,target,actual\n{rows}".encode()
    outcome = import_bytes(engine, data, "national.csv", LOCAL_ADMIN)
    assert outcome.batch_id is not None
    assert load_position(engine, names[39]).area == names[39]
    upload = audit_trail(engine, LOCAL_ADMIN).query("action == 'upload'").iloc[0]
    assert pd.isna(upload["area"])
    assert upload["detail"] == f"national.csv: 40 rows new, 40 targets new; 40 areas: {', '.join(names)}"


def test_every_area_at_once_sums_each_areas_own_summary_and_ranks_them_as_boards(two_areas):
    whole = laa("summary", "--all-areas", "--format", "json").json()
    assert whole["as_at"] == "2009/10 Q3"
    assert [(a["area"], a["targets"], a["red"], a["amber"], a["green"], a["data_awaited"]) for a in whole["areas"]] == [
        ("Haringey", 74, 18, 7, 25, 24),
        ("Enfield", 3, 1, 0, 1, 1),
    ]
    assert whole["areas"][1]["red_pct"] == 33.3
    own = [laa("summary", "--area", area, "--format", "json").json()["total"] for area in ("Haringey", "Enfield")]
    for count in ("targets", "red", "amber", "green", "data_awaited"):
        assert whole["total"][count] == sum(total[count] for total in own)
    assert whole["total"]["green_pct"] == 33.8  # 26 of 77
    table = laa("summary", "--all-areas")
    assert table.out.splitlines()[-3].split() == ["Total", "77", "19", "7", "26", "25", "24.7", "9.1", "33.8", "32.5"]
    assert table.out.endswith("\n2 areas, as at 2009/10 Q3\n")

    ranked = laa("ranking", "--all-areas", "--format", "json").json()
    assert [(r["rank"], r["area"], r["green_amber_pct"]) for r in ranked["ranking"]] == [
        (1, "Haringey", 43.2),  # 32 of 74 green or amber
        (2, "Enfield", 33.3),  # 1 of 3
    ]
    assert (ranked["areas"], ranked["bases_agree"], ranked["areas_placed_differently"]) == (2, True, [])

    both = laa("summary", "--all-areas", "--area", "Enfield")
    assert (both.code, both.err) == (2, "error: --area and --all-areas: give one or the other\n")


def test_the_areas_page_ranks_every_area_and_a_row_opens_its_helicopter_view(two_areas):
    at = app()
    assert "Areas" in page_link_labels(at)  # listed: there are two areas to compare
    at.switch_page("areas.py").run()
    no_exception(at)
    table = at.dataframe[0].value
    assert table[["Area", "Targets"]].values.tolist() == [["Haringey", 74], ["Enfield", 3], ["Total", 77]]
    assert table["Rank"].iloc[:2].tolist() == [1, 2] and pd.isna(table["Rank"].iloc[2])  # the Total has no rank
    assert "2 areas as at 2009/10 Q3" in at.caption[0].value
    assert "Areas are ranked by the share of targets green or amber" in " ".join(c.value for c in at.caption)


def test_with_one_area_the_areas_page_is_not_listed(tmp_path, monkeypatch):
    use_database(monkeypatch, new_store(f"sqlite:///{tmp_path / 'one.sqlite3'}", demo=True))
    at = app()
    assert "Areas" not in page_link_labels(at)
    assert "Helicopter view" in page_link_labels(at)


def test_a_target_page_sets_the_area_against_the_others_that_reported_it(two_areas):
    from dashboard.store.engine import make_engine
    from dashboard.write.importer import import_bytes
    from tests.fixtures import acting, plain

    engine = make_engine(two_areas)
    import_bytes(
        engine,
        b"area,indicator_code,theme_board,period,actual\nEnfield,NI 39,Healthier Enfield,2009/10 Q3,1400\n",
        "e.csv",
        acting(),
    )
    engine.dispose()
    at = app()
    at.switch_page("target.py").run()
    at.selectbox(key="pick_target").select("NI 39").run()
    no_exception(at)
    assert "Against the other areas, 2009/10 Q3" in [h.value for h in at.header]
    assert (
        "NI 39 in 2009/10 Q3 across the 2 areas that reported it, best first (lower is better): Haringey is rank 2 "
        "of 2, quartile 4; the best is Enfield (1,400), the worst Haringey (1,571)."
    ) in [plain(c.value) for c in at.caption]
