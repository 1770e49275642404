"""Districts within a county: an import's parent_area places them; each district's mix and each county target's
indicator in every district; every way a county can be named wrongly is refused with nothing stored."""

from __future__ import annotations

import pytest

from dashboard.access.permissions import Actor, Role
from dashboard.domain.periods import parse_period
from dashboard.read.districts import district_breakdown, district_figures
from dashboard.write.importer import ImportRejected, import_bytes, rollback
from tests.conftest import laa
from tests.fixtures import acting
from tests.helpers import assert_unchanged, snapshot
from tests.test_app_pages import HEADERS, frame_with

HEADER = "area,parent_area,indicator_code,theme_board,lead_partner,period,target,actual,polarity,tolerance_pct\n"
# Hertfordshire's own NI 1 is 96 against 100 (amber) and NI 2 is 52 against 50, lower is better (amber).
# Broxbourne: NI 1 101 against its own 90 (green); NI 2 45 against its own 40 with 10% (red; 44 is amber's edge).
# Dacorum: NI 1 96 against 100 (amber); NI 2 not yet reported. Watford: NI 1 only, 82 against its own 80.
COUNTY = HEADER + (
    "Hertfordshire,,NI 1,Stronger,Herts CC,2009/10 Q2,100,96,,5\n"
    "Hertfordshire,,NI 2,Safer,Herts CC,2009/10 Q2,50,52,lower_is_better,5\n"
    "Broxbourne,Hertfordshire,NI 1,Stronger,Herts CC,2009/10 Q2,90,101,,5\n"
    "Broxbourne,HERTFORDSHIRE ,NI 2,Safer,Herts CC,2009/10 Q2,40,45,lower_is_better,10\n"
    "Dacorum,Hertfordshire,NI 1,Stronger,Herts CC,2009/10 Q2,100,96,,5\n"
    "Dacorum,,NI 2,Safer,Herts CC,2009/10 Q2,50,,lower_is_better,5\n"
    "Watford,Hertfordshire,NI 1,Stronger,Herts CC,2009/10 Q2,80,82,,5\n"
)
Q2 = parse_period("2009/10 Q2")


@pytest.fixture
def county(engine):
    import_bytes(engine, COUNTY.encode(), "county.csv", acting())
    return engine


def test_a_county_breaks_its_mix_down_by_district(county):
    rows, total, period = district_breakdown(county, "hertfordshire")
    assert period.label == "2009/10 Q2"
    assert rows[["area", "targets", "red", "amber", "green", "data_awaited"]].values.tolist() == [
        ["Broxbourne", 2, 1, 0, 1, 0],
        ["Dacorum", 2, 0, 1, 0, 1],
        ["Watford", 1, 0, 0, 1, 0],
    ]
    assert total == {
        "targets": 5, "red": 1, "amber": 1, "green": 2, "data_awaited": 1,
        "red_pct": 20.0, "amber_pct": 20.0, "green_pct": 40.0, "data_awaited_pct": 20.0,
    }  # fmt: skip
    found = laa("summary", "--area", "Hertfordshire", "--by-district", "--format", "json").json()
    assert (found["area"], found["as_at"], found["total"]) == ("Hertfordshire", "2009/10 Q2", total)
    assert [(d["area"], d["targets"], d["red_pct"]) for d in found["districts"]] == [
        ("Broxbourne", 2, 50.0),
        ("Dacorum", 2, 0.0),
        ("Watford", 1, 0.0),
    ]
    # The county's own summary is its own two targets, not its districts'.
    own = laa("summary", "--area", "Hertfordshire", "--format", "json").json()["total"]
    assert (own["targets"], own["amber"]) == (2, 2)


def test_each_district_is_rated_against_its_own_target_and_the_county_target(county):
    rows, county_target = district_figures(county, "Hertfordshire", "NI 1", Q2)
    assert county_target == 100.0
    # Watford's 82 is green against its own 80 and red against the county's 100 (amber from 95).
    assert rows.values.tolist() == [
        ["Broxbourne", 101.0, 90.0, "green", "green"],
        ["Dacorum", 96.0, 100.0, "amber", "amber"],
        ["Watford", 82.0, 80.0, "green", "red"],
    ]
    rows, county_target = district_figures(county, "Hertfordshire", "NI 2", Q2)
    # Lower is better with the county's 5%: Broxbourne's 45 is green against 50, red against its own 40.
    assert county_target == 50.0
    assert [r[0] for r in rows.values.tolist()] == ["Broxbourne", "Dacorum", "Watford"]
    assert rows[["status", "against_county"]].values.tolist() == [
        ["red", "green"],
        ["data awaited", "data awaited"],
        ["data awaited", "data awaited"],
    ]


def test_a_summary_by_district_of_an_area_without_districts_says_how_to_place_them(county):
    run = laa("summary", "--area", "Watford", "--by-district")
    assert (run.code, run.out) == (2, "")
    assert run.err == "error: Watford has no districts: an import names a district's county in parent_area\n"
    both = laa("summary", "--area", "Hertfordshire", "--by-district", "--all-areas")
    assert both.err == "error: --by-district and --all-areas: give one or the other\n"


def _refused(engine, text: str, actor: Actor | None = None) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        import_bytes(engine, (HEADER + text).encode(), "more.csv", actor or acting())
    assert_unchanged(engine, before)
    return [p.message() for p in rejected.value.problems]


def test_a_county_named_wrongly_is_refused_naming_the_line_and_the_fix(county):
    assert _refused(county, "Stevenage,Herts,NI 1,Stronger,Herts CC,2009/10 Q2,90,91,,5\n") == [
        "line 2, column parent_area, value 'Herts': there is no area named 'Herts' in the store or in this file. "
        "Fix: write the county's name as its own rows write it, or import the county's figures first."
    ]
    assert _refused(county, "Stevenage,Stevenage,NI 1,Stronger,Herts CC,2009/10 Q2,90,91,,5\n") == [
        "line 2, column parent_area, value 'Stevenage': Stevenage cannot be a district of itself. "
        "Fix: leave parent_area empty on the county's own rows."
    ]
    two = (
        "Stevenage,Hertfordshire,NI 1,Stronger,Herts CC,2009/10 Q2,90,91,,5\n"
        "Stevenage,Watford,NI 2,Safer,Herts CC,2009/10 Q2,90,91,,5\n"
    )
    assert _refused(county, two) == [
        "line 3, column parent_area, value 'Watford': Stevenage has parent_area 'Hertfordshire' on line 2 and "
        "'Watford' here. Fix: give every row of Stevenage the same parent_area."
    ]
    assert _refused(county, "Watford,Dacorum,NI 1,Stronger,Herts CC,2009/10 Q2,80,82,,5\n") == [
        "line 2, column parent_area, value 'Dacorum': Watford is a district of Hertfordshire in the store. "
        "Fix: write Hertfordshire, or leave parent_area empty: a district stays in the county that first named it."
    ]
    nested = "Stevenage,Watford,NI 1,Stronger,Herts CC,2009/10 Q2,90,91,,5\n"
    assert _refused(county, nested) == [
        "line 2, column parent_area, value 'Watford': Watford is itself a district of Hertfordshire, and a district "
        "cannot have districts. Fix: name the county, Hertfordshire."
    ]
    county_in_county = "Hertfordshire,Watford,NI 1,Stronger,Herts CC,2009/10 Q2,100,96,,5\n"
    assert _refused(county, county_in_county) == [
        "line 2, column parent_area, value 'Watford': Watford is itself a district of Hertfordshire, and a district "
        "cannot have districts. Fix: name the county, Hertfordshire."
    ]


def test_only_an_analyst_or_administrator_places_a_district(county):
    partner = Actor("herts", Role.PARTNER, partner="Herts CC")
    row = "Watford,,NI 1,Stronger,Herts CC,2009/10 Q2,80,83,,5\n"
    # Without a county the partner's own figure is taken; naming one is refused at the gate.
    import_bytes(county, (HEADER + row).encode(), "partner.csv", partner)
    placing = "Enfield,Hertfordshire,NI 1,Stronger,Herts CC,2009/10 Q2,80,83,,5\n"
    problems = _refused(county, placing, partner)
    assert (
        "line 2, column parent_area, value 'Hertfordshire': the file makes Enfield a district of Hertfordshire, and "
        "a partner cannot place an area in a county. Fix: leave the parent_area column out, or ask an analyst or "
        "administrator to import it."
    ) in problems


def test_rolling_back_the_upload_that_placed_a_district_takes_it_out_of_the_county(county):
    batch = import_bytes(
        county, (HEADER + "Stevenage,Hertfordshire,NI 1,Stronger,Herts CC,2009/10 Q2,90,91,,5\n").encode(), "s.csv",
        acting(),
    ).batch_id  # fmt: skip
    assert [d["area"] for d in laa("summary", "--by-district", "--area", "Hertfordshire", "--format", "json").json()[
        "districts"]] == ["Broxbourne", "Dacorum", "Watford", "Stevenage"]  # fmt: skip
    rollback(county, batch, acting())
    found = laa("summary", "--by-district", "--area", "Hertfordshire", "--format", "json").json()
    assert [d["area"] for d in found["districts"]] == ["Broxbourne", "Dacorum", "Watford"]
    audit = laa("audit", "--format", "json").json()["audit"]
    placed = [(e["action"], e["area"], e["old"], e["new"]) for e in audit if e["field"] == "parent_area"]
    assert ("roll back", "Stevenage", "Hertfordshire", None) in placed
    assert ("upload", "Stevenage", None, "Hertfordshire") in placed


def test_a_file_that_only_places_districts_is_stored_as_a_change(engine):
    import_bytes(engine, COUNTY.replace(",Hertfordshire,", ",,").replace(",HERTFORDSHIRE ,", ",,").encode(), "a.csv",
                 acting())  # fmt: skip
    assert laa("summary", "--area", "Hertfordshire", "--by-district").code == 2
    outcome = import_bytes(engine, COUNTY.encode(), "b.csv", acting())
    assert outcome.batch_id is not None
    assert outcome.summary()["districts"] == [
        "Broxbourne becomes a district of Hertfordshire",
        "Dacorum becomes a district of Hertfordshire",
        "Watford becomes a district of Hertfordshire",
    ]
    assert outcome.summary()["rows_changed"] == 0


@pytest.fixture
def county_app(tmp_path, monkeypatch):
    from tests.fixtures import store_of
    from tests.test_app_pages import use_database

    use_database(monkeypatch, store_of(tmp_path / "county.sqlite3", COUNTY))


def _open(area: str, page: str = "helicopter.py"):
    from tests.fixtures import app_test
    from tests.test_app_pages import no_exception

    at = no_exception(app_test().run())
    at.selectbox(key="pick_area").select(area).run()
    at.switch_page(page).run()
    return no_exception(at)


def test_the_county_helicopter_view_breaks_its_mix_down_by_district(county_app):
    at = _open("Hertfordshire")
    assert "Each district's targets by status, as at 2009/10 Q2" in [h.value for h in at.header]
    table = frame_with(at, "District")
    assert table[["District", "Targets", *HEADERS]].values.tolist() == [
        ["Broxbourne", 2, 1, 0, 1, 0],
        ["Dacorum", 2, 0, 1, 0, 1],
        ["Watford", 1, 0, 0, 1, 0],
        ["Total", 5, 1, 1, 2, 1],
    ]
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert "area=Watford" in links["Watford"]


def test_a_district_links_to_its_county_and_shows_no_districts_of_its_own(county_app):
    at = _open("Watford")
    assert "Each district's targets by status, as at 2009/10 Q2" not in [h.value for h in at.header]
    labels = [link.proto.label for link in at.get("page_link")]
    assert "A district of Hertfordshire: open the county" in labels


def test_a_county_target_page_shows_each_district_against_the_county_target(county_app):
    from tests.fixtures import plain

    at = _open("Hertfordshire", "target.py")
    at.selectbox(key="pick_target").select("NI 1").run()
    assert "In each district, 2009/10 Q2" in [h.value for h in at.header]
    assert (
        "Hertfordshire has its target of 100 for 2009/10 Q2. Each district's actual is rated against its own "
        "target, and against the county's target with the county's polarity and tolerance."
    ) in [plain(c.value) for c in at.caption]
    table = frame_with(at, "District")
    assert table.values.tolist() == [
        ["Broxbourne", "101", "90", "✔ green", "✔ green"],
        ["Dacorum", "96", "100", "▲ amber", "▲ amber"],
        ["Watford", "82", "80", "✔ green", "✖ red"],
    ]


def test_a_county_of_the_longest_name_is_stored_and_one_character_more_is_refused(engine):
    """On both backends: a parent_area cell is checked against the area column's 200 characters before any
    lookup, so PostgreSQL never sees a longer one."""
    county = "C" * 200
    rows = [f"{county},,NI 1,Stronger,H,2009/10 Q2,100,96,,5", f"District,{county},NI 1,Stronger,X,2009/10 Q2,9,9,,5"]
    text = HEADER + "\n".join(rows) + "\n"
    import_bytes(engine, text.encode(), "long.csv", acting())
    assert laa("summary", "--area", county, "--by-district", "--format", "json").json()["districts"][0]["area"] == (
        "District"
    )
    too_long = "Other,{},NI 1,Stronger,Herts CC,2009/10 Q2,90,91,,5\n".format("C" * 201)
    assert _refused(engine, too_long) == [
        f"line 2, column parent_area, value '{'C' * 60}…': the text is 201 characters long; parent_area holds at "
        "most 200. Fix: shorten it to 200 characters or fewer."
    ]
