"""The dashboard's pages through streamlit.testing's AppTest, on the Haringey demo data in a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.permissions import Role
from laa_app.ui.widgets import STYLESHEET
from tests.conftest import laa
from tests.fixtures import app_test, new_store, signed_in_page
from tests.test_haringey import RANKING, TABLE_1, TABLE_2

APP = str(Path(__file__).resolve().parent.parent / "laa_app" / "app.py")
CHILDRENS_TRUST_RED = ["NI 56", "NI 59", "NI 60", "NI 72", "NI 73", "NI 92", "NI 94", "NI 112", "NI 117"]
HEADERS = ["✖ Red", "▲ Amber", "✔ Green", "… Data awaited"]
GOOD_FILE = b"indicator_code,theme_board,period,actual\nNI 151,Enterprise,2009/10 Q3,66.6\n"
BAD_FILE = (
    b"indicator_code,theme_board,period,actual\nNI 151,Enterprise,2009/10 Q9,66\nNI 152,Enterprise,2009/10 Q3,lots\n"
)


def use_database(monkeypatch, url: str) -> None:
    monkeypatch.setenv("LAA_DATABASE_URL", url)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """One demo database for the read-only page tests of this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'demo.sqlite3'}"
    new_store(url, demo=True)
    return url


@pytest.fixture
def demo_app(demo_url, monkeypatch) -> Iterator[AppTest]:
    use_database(monkeypatch, demo_url)
    yield app_test()


@pytest.fixture
def fresh_app(tmp_path, monkeypatch) -> Iterator[AppTest]:
    """A demo database of its own, for tests that write."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    new_store(url, demo=True)
    use_database(monkeypatch, url)
    yield app_test()


@pytest.fixture
def empty_app(tmp_path, monkeypatch) -> Iterator[AppTest]:
    use_database(monkeypatch, new_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    yield app_test()


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    """The first dataframe on the page that has this column."""
    for element in at.dataframe:
        frame = element.value
        frame = getattr(frame, "data", frame)  # a Styler shows its data
        if column in frame.columns:
            return frame
    raise AssertionError(f"no table with a {column!r} column")


def page_link_labels(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


# Helicopter view ---------------------------------------------------------------------------------------------


def test_helicopter_breakdown_is_table_1_and_table_2(demo_app):
    at = no_exception(demo_app.run())
    table = frame_with(at, "… Data awaited %")
    boards = table[table["Theme board"] != "Total"]
    assert boards["Theme board"].tolist() == list(TABLE_1)
    counts = {r["Theme board"]: (r["Targets"], *(r[h] for h in HEADERS)) for r in boards.to_dict("records")}
    percents = {r["Theme board"]: tuple(r[f"{h} %"] for h in HEADERS) for r in boards.to_dict("records")}
    assert counts == TABLE_1
    assert percents == TABLE_2
    total = table[table["Theme board"] == "Total"].iloc[0]
    assert (total["Targets"], *(total[h] for h in HEADERS)) == (74, 18, 7, 25, 24)
    assert tuple(total[f"{h} %"] for h in HEADERS) == (24.3, 9.5, 33.8, 32.4)


def test_helicopter_ranking_is_wellbeing_to_enterprise(demo_app):
    at = no_exception(demo_app.run())
    ranking = frame_with(at, "Rank")
    assert ranking["Theme board"].tolist() == RANKING
    assert ranking["Rank"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    texts = [c.value for c in at.caption]
    assert any(
        t.startswith("Boards are ranked by the share of targets green or amber, of all their targets") for t in texts
    )
    other = "Ranked on rated targets only instead, the order is: Integrated Housing"
    # The note is escaped Markdown (a board's name is data): read it as the reader sees it.
    assert any(i.value.replace("\\", "").replace("\u2060", "").startswith(other) for i in at.info)
    # Each board's other place stands beside it.
    assert ranking["Rank on rated targets only"].tolist() == [2, 3, 5, 1, 4, 7, 6]


def test_helicopter_ranking_on_rated_targets(demo_app):
    at = no_exception(demo_app.run())
    at.segmented_control(key="pick_basis").set_value("rated").run()
    no_exception(at)
    ranking = frame_with(at, "Rank")
    assert ranking["Theme board"].tolist()[:2] == ["Integrated Housing", "Wellbeing"]
    assert ranking.set_index("Theme board").loc["Integrated Housing", "✔▲ Green or amber %"] == 100.0
    assert any("of their rated targets only" in c.value for c in at.caption)
    assert at.query_params["basis"] == "rated"


def test_helicopter_tiles_and_moves_since_last_quarter(demo_app):
    at = no_exception(demo_app.run())
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    # A rise carries its + (a screen reader does not read the arrow beside it).
    assert tiles == {
        "Targets": ("74", "0"),
        "✖ Red · 24.3%": ("18", "+4"),
        "▲ Amber · 9.5%": ("7", "-1"),
        "✔ Green · 33.8%": ("25", "-5"),
        "… Awaited · 32.4%": ("24", "+2"),
    }
    labels = page_link_labels(at)
    assert "NI 171 · ▲ amber → ✖ red" in labels
    assert "NI 125 · ✔ green → ▲ amber" in labels
    assert "NI 19 · ✔ green → … data awaited" in labels
    assert [m.value for m in at.markdown if m.value.startswith("**Newly red")] == ["**Newly red: 4**"]


def test_helicopter_as_at_an_earlier_quarter(demo_app):
    at = no_exception(demo_app.run())
    at.selectbox[0].select("2009/10 Q2").run()
    no_exception(at)
    total = frame_with(at, "… Data awaited %").iloc[-1]
    assert (total["Targets"], *(total[h] for h in HEADERS)) == (74, 14, 8, 30, 22)
    assert at.query_params.get("as_at") == "2009/10 Q2"


# Theme board ---------------------------------------------------------------------------------------------------


def test_board_page_lists_the_childrens_trust_red_targets(demo_app):
    demo_app.query_params["board"] = "Children's Trust"
    at = no_exception(demo_app.run())
    assert at.title[0].value == "Children's Trust"
    rows = frame_with(at, "Code")
    assert sorted(rows["Code"], key=lambda c: int(c.split()[1])) == CHILDRENS_TRUST_RED
    assert set(rows["Status"]) == {"✖ red"}
    assert at.query_params["board"] == "Children's Trust"
    assert at.header[0].value == "9 red targets (exception mode) as at 2009/10 Q3"
    # Worst first: the largest shortfall leads.
    assert rows["Shortfall %"].tolist() == sorted(rows["Shortfall %"], reverse=True)
    # Commentary is shown as text.
    assert any(t.value.startswith("Commentary: ") for t in at.text)


def test_board_page_switch_shows_every_status_and_filters(demo_app):
    demo_app.query_params["board"] = "Children's Trust"
    at = no_exception(demo_app.run())
    at.toggle[0].set_value(True).run()
    rows = frame_with(no_exception(at), "Code")
    assert len(rows) == 26
    assert rows["Status"].tolist()[:9] == ["✖ red"] * 9
    assert rows["Status"].tolist()[-4:] == ["… data awaited"] * 4
    at.multiselect[1].select("CHENEL").run()
    rows = frame_with(no_exception(at), "Code")
    assert set(rows["Lead partner"]) == {"CHENEL"}


def test_board_page_opens_with_the_boards_own_mix_and_its_change_since_last_quarter(demo_app):
    demo_app.query_params["board"] = "Children's Trust"
    at = no_exception(demo_app.run())
    assert {m.label: (m.value, m.delta) for m in at.metric} == {
        "Targets": ("26", "0"),
        "✖ Red · 34.6%": ("9", "0"),
        "▲ Amber · 11.5%": ("3", "+1"),
        "✔ Green · 38.5%": ("10", "-1"),
        "… Awaited · 15.4%": ("4", "0"),
    }
    assert (
        "Children's Trust's targets by status as at 2009/10 Q3, with each status's share of the board's targets; "
        "the change since 2009/10 Q2." in [c.value for c in at.caption]
    )
    # Another board, another mix; at the first quarter held (2006/07 Q1: five targets of other boards have
    # figures from then) there is no change to show, and PMG's targets are all awaited (rule 2).
    at.selectbox(key="pick_board").select("PMG").run()
    at.selectbox(key="pick_as_at").select("2008/09 Q4").run()
    assert {m.label: (m.value, m.delta) for m in no_exception(at).metric} == {
        "Targets": ("4", "0"),
        "✖ Red · 25.0%": ("1", "+1"),
        "▲ Amber · 0.0%": ("0", "0"),
        "✔ Green · 0.0%": ("0", "0"),
        "… Awaited · 75.0%": ("3", "-1"),
    }
    at.selectbox(key="pick_as_at").select("2006/07 Q1").run()
    assert {m.label: (m.value, m.delta) for m in no_exception(at).metric} == {
        "Targets": ("4", ""),
        "✖ Red · 0.0%": ("0", ""),
        "▲ Amber · 0.0%": ("0", ""),
        "✔ Green · 0.0%": ("0", ""),
        "… Awaited · 100.0%": ("4", ""),
    }


def test_board_filters_are_kept_in_the_address(demo_app):
    demo_app.query_params["board"] = "Children's Trust"
    demo_app.query_params["partner"] = "nhs haringey"
    at = no_exception(demo_app.run())
    assert frame_with(at, "Code")["Code"].tolist() == ["NI 112", "NI 56"]
    assert at.multiselect(key="pick_partner").value == ["NHS Haringey"]
    assert any(m.value.startswith("**Board paper: 2 red targets · lead partner NHS Haringey**") for m in at.markdown)
    at.toggle(key="pick_statuses").set_value(True).run()
    at.multiselect(key="pick_type").select("designated").run()
    assert frame_with(no_exception(at), "Code")["Code"].tolist() == ["NI 112", "NI 56", "NI 51"]
    assert at.query_params == {
        "board": "Children's Trust",
        "partner": "NHS Haringey",
        "statuses": "all",
        "type": "designated",
    }
    at.toggle(key="pick_statuses").set_value(False).run()
    at.multiselect(key="pick_partner").unselect("NHS Haringey").run()
    at.multiselect(key="pick_type").select("stretch").run()
    assert at.query_params == {"board": "Children's Trust", "type": ["designated", "stretch"]}


def test_board_filters_the_board_lacks_are_named_and_left_out(demo_app):
    demo_app.query_params["board"] = "PMG"
    demo_app.query_params["partner"] = ["HAVCO", "Nobody"]
    at = no_exception(demo_app.run())
    assert at.warning[0].value == "No target of PMG has the lead partner “Nobody”, so that filter is left out."
    assert at.multiselect(key="pick_partner").value == ["HAVCO"]


def test_a_second_choice_made_before_the_address_caught_up_with_the_first_keeps_both(demo_app):
    """Two choices in quick succession: the browser may ask for the second's run while its address still shows
    the board before the first. A choice changes a widget, so the address is only late; Back or a link changes
    none, so the address decides."""
    demo_app.query_params["board"] = "PMG"
    at = no_exception(demo_app.run())
    at.selectbox(key="pick_board").select("Wellbeing").run()
    assert at.query_params["board"] == "Wellbeing"
    at.query_params["board"] = "PMG"  # the address the browser still shows
    at.selectbox(key="pick_as_at").select("2009/10 Q2").run()
    assert (at.title[0].value, at.header[0].value) == ("Wellbeing", "0 red targets (exception mode) as at 2009/10 Q2")
    assert at.query_params == {"board": "Wellbeing", "as_at": "2009/10 Q2"}
    at.query_params["board"] = "PMG"  # Back
    at.run()
    assert (at.title[0].value, at.selectbox(key="pick_board").value) == ("PMG", "PMG")


def test_board_bookmark_from_the_home_url(demo_app):
    demo_app.query_params["board"] = "children's trust"
    at = no_exception(demo_app.run())
    assert at.title[0].value == "Children's Trust"


# Target ---------------------------------------------------------------------------------------------------------


def test_target_page_shows_every_version_of_a_corrected_value(demo_app):
    demo_app.query_params["target"] = "NI 117"
    at = no_exception(demo_app.run())
    assert at.title[0].value.startswith("NI 117 · 16 to 18 year olds")
    versions = frame_with(at, "Version")
    q1 = versions[versions["Period"] == "2009/10 Q1"]
    assert q1["Actual"].tolist() == [10.81, 10.9]
    assert q1["Version"].tolist() == ["superseded", "current"]
    assert [u.split(":")[1].strip() for u in q1["Upload"]] == ["haringey_demo.csv", "haringey_corrections.csv"]
    periods = frame_with(at, "Remedial action")
    assert periods["Period"].tolist() == ["2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3"]
    assert periods["Status"].tolist() == ["▲ amber", "▲ amber", "✖ red", "✖ red"]
    # The history against target, and the year-end forecast from 2009/10 Q1 to Q3 (a single area: no benchmark).
    assert len(at.get("plotly_chart")) == 2
    assert "Year-end forecast" in [h.value for h in at.header]


def test_target_page_unknown_code_says_so(demo_app):
    demo_app.query_params["target"] = "NI 999"
    at = no_exception(demo_app.run())
    assert "There is no target “NI 999”" in at.warning[0].value


# Upload ---------------------------------------------------------------------------------------------------------


def test_upload_rejects_a_bad_file_with_every_error(fresh_app):
    at = no_exception(fresh_app.run())
    at.switch_page("upload.py").run()
    at.file_uploader[0].upload("bad.csv", BAD_FILE, "text/csv")
    at.run()
    no_exception(at)
    assert "2 problems below" in at.error[0].value
    # Listed in full, every column wrapped rather than cut off.
    problems = at.table[0].value
    assert problems["Line"].tolist() == [2, 3]
    assert problems["Column"].tolist() == ["period", "actual"]
    assert problems["Value"].tolist() == ["2009/10 Q9", "lots"]
    assert not [b for b in at.button if b.key == "commit"]


def test_upload_commits_a_good_file_and_the_helicopter_view_shows_it(fresh_app):
    at = no_exception(fresh_app.run())
    before = frame_with(at, "… Data awaited %").set_index("Theme board")
    assert (before.loc["Enterprise", "✖ Red"], before.loc["Enterprise", "✔ Green"]) == (4, 0)

    at.switch_page("upload.py").run()
    at.file_uploader[0].upload("q3_fix.csv", GOOD_FILE, "text/csv")
    at.run()
    no_exception(at)
    assert [m.value for m in at.metric][:4] == ["1", "0", "1", "0"]
    assert any(r"1 target recovers from ✖ red \(to ✔ green\)" in m.value for m in at.markdown)
    at.button(key="commit").click().run()
    no_exception(at)
    assert at.success[0].value == "Stored q3\\_fix\\.csv as batch 3: 0 new, 1 changed, 0 unchanged rows."
    # No mail server is set: the page says the change's digest was not sent, rather than nothing.
    assert "E-mail is not set up (LAA_SMTP_URL is unset), so no reminder or digest is sent." in [
        c.value for c in at.caption
    ]
    # The committed file has left the uploader: no second preview of it saying there is nothing to change.
    assert at.file_uploader[0].value is None
    assert not at.info and "Preview of q3\\_fix\\.csv" not in [s.value for s in at.subheader]
    history = frame_with(at, "Batch")
    assert history["Batch"].tolist() == [3, 2, 1]

    at.switch_page("helicopter.py").run()
    after = frame_with(no_exception(at), "… Data awaited %").set_index("Theme board")
    assert (after.loc["Enterprise", "✖ Red"], after.loc["Enterprise", "✔ Green"]) == (3, 1)
    assert (after.loc["Total", "✖ Red"], after.loc["Total", "✔ Green"]) == (17, 26)


def test_upload_rollback_restores_the_previous_figures(fresh_app):
    at = no_exception(fresh_app.run())
    at.switch_page("upload.py").run()
    at.file_uploader[0].upload("q3_fix.csv", GOOD_FILE, "text/csv")
    at.run()
    at.button(key="commit").click().run()
    at.selectbox(key="rollback_batch").select(3).run()
    at.checkbox(key="rollback_sure").check().run()
    at.button(key="rollback").click().run()
    no_exception(at)
    assert at.success[0].value.startswith("Batch 3 rolled back")
    at.switch_page("helicopter.py").run()
    total = frame_with(no_exception(at), "… Data awaited %").set_index("Theme board").loc["Total"]
    assert (total["✖ Red"], total["✔ Green"]) == (18, 25)


def test_commentary_is_text_never_html(fresh_app):
    at = no_exception(fresh_app.run())
    at.switch_page("upload.py").run()
    evil = (
        b"indicator_code,theme_board,period,commentary\n"
        b'NI 117,Children\'s Trust,2009/10 Q3,"<img src=x onerror=alert(1)>"\n'
    )
    at.file_uploader[0].upload("evil.csv", evil, "text/csv")
    at.run()
    at.button(key="commit").click().run()
    no_exception(at)
    assert laa("note", "add", "<b>winter</b> pressures", "--period", "2009/10 Q3", "--target", "NI 117").code == 0
    fresh_app.query_params["target"] = "NI 117"
    at.switch_page("target.py").run()
    no_exception(at)
    assert "Commentary: <img src=x onerror=alert(1)>" in [t.value for t in at.text]
    # No HTML but the app's own stylesheet (CSS from a file of the package) and the charts' figures tables, whose
    # cells (the note's words among them) are escaped.
    bodies = [h.proto.body for h in at.get("html")]
    style = f"<style>{STYLESHEET.read_text()}</style>"
    assert bodies.count(style) == 1
    tables = [body for body in bodies if body != style]
    assert len(tables) == 2
    assert all(t.startswith('<div class="chart-figures" role="region" aria-label=') for t in tables)
    assert "&lt;b&gt;winter&lt;/b&gt; pressures" in tables[0]
    assert not any("<b>" in t or "<img" in t for t in tables)


# Empty store and data quality --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["helicopter", "board", "target", "quality"])
def test_every_page_says_what_to_do_with_no_data(empty_app, page):
    at = empty_app.run()
    at.switch_page(f"{page}.py").run()
    no_exception(at)
    assert "laa demo" in at.info[0].value
    assert "Upload" in at.info[0].value


def test_upload_page_with_no_data_yet(empty_app):
    at = empty_app.run()
    at.switch_page("upload.py").run()
    no_exception(at)
    assert at.file_uploader
    assert "No uploads yet." in [c.value for c in at.caption]


def test_data_quality_lists(demo_app):
    at = no_exception(demo_app.run())
    at.switch_page("quality.py").run()
    no_exception(at)
    # The annual 2008/09 outturns held are not overdue in 2009/10; the 17 annual targets with none for 2008/09 are.
    assert {m.label: m.value for m in at.metric} == {
        "… Data awaited": "24",
        "Figures overdue in their own cycle": "17",
        "Missing a lead partner, polarity or target": "0",
    }
    by_board = frame_with(at, "% awaited")
    assert by_board.iloc[0].tolist() == ["Better Places", 7, 4, 57.1]
    overdue = frame_with(at, "Should have figures for")
    assert len(overdue) == 17
    assert overdue.iloc[0][["Code", "Frequency", "Last figures for", "Should have figures for"]].tolist() == [
        "NI 163", "annual", "none yet", "2008/09",
    ]  # fmt: skip
    # The chase list: every target awaiting data, with its lead partner, frequency and last figures.
    assert "Chase list: targets awaiting data as at 2009/10 Q3" in [s.value for s in at.header]
    chase = frame_with(at, "Awaiting figures for")
    assert len(chase) == 24
    assert chase.columns.tolist() == [
        "Code", "Indicator", "Theme board", "Lead partner", "Frequency", "Last figures for",
        "Awaiting figures for",
    ]  # fmt: skip
    ni19 = chase.set_index("Code").loc["NI 19"]
    assert (ni19["Lead partner"], ni19["Frequency"], ni19["Last figures for"], ni19["Awaiting figures for"]) == (
        "Haringey Council", "quarterly", "2009/10 Q2", "2009/10 Q3",
    )  # fmt: skip
    assert chase.set_index("Code").loc["NI 163", "Frequency"] == "annual"
    button = next(b for b in at.get("download_button") if b.proto.label == "Download the chase list (CSV)")
    assert button.proto.url.endswith(".csv")  # the bytes themselves: tests/test_quality.py


def test_board_page_unknown_board_says_so(demo_app):
    demo_app.query_params["board"] = "Nobody's Board"
    at = no_exception(demo_app.run())
    assert "There is no theme board “Nobody's Board”" in at.warning[0].value
    assert at.title[0].value == "Enterprise"


def test_a_chair_opening_the_board_page_with_no_board_named_sees_their_own(demo_url, monkeypatch):
    use_database(monkeypatch, demo_url)
    at = signed_in_page(Role.CHAIR, "board.py")
    assert (at.title[0].value, at.query_params["board"]) == ("Children's Trust", "Children's Trust")
    assert signed_in_page(Role.EXECUTIVE, "board.py").title[0].value == "Enterprise"  # no board of their own


def test_board_page_offers_the_red_exception_report(demo_app):
    demo_app.query_params["board"] = "Children's Trust"
    at = no_exception(demo_app.run())
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["PDF", "Excel", "CSV"]
    assert any(m.value.startswith("**Board paper: 9 red targets**") for m in at.markdown)
