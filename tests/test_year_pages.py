"""The analyst's year in the browser (AppTest): the Indicators page changes a target's settings with the upload's
preview, and the Targets page sets a year's target figures, which opens its quarters for the partners."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.permissions import Role
from dashboard.read.position import load_position
from dashboard.store.engine import make_engine
from dashboard.write.importer import import_entry
from dashboard.write.indicators import (
    copied_forward,
    settings_file,
    settings_table,
    year_targets_file,
    year_targets_table,
)
from tests.fixtures import app_test, cell_edits, new_store, plain, ran, send_edits, signed_in_page, user_of
from tests.helpers import table_bytes


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    engine = make_engine(url)
    for role in (Role.ANALYST, Role.PARTNER, Role.CHAIR):
        user_of(engine, role)
    yield engine
    engine.dispose()


def row_of(at: AppTest, code: str) -> int:
    return at.data_editor[0].value["Code"].tolist().index(code)


def test_the_settings_table_writes_only_what_changed_as_an_upload(store):
    position = load_position(store)
    table = settings_table(position)
    assert table.columns.tolist() == [
        "Code", "Indicator", "Theme board", "Lead partner", "Polarity", "Tolerance %", "Frequency", "Unit",
        "Target type", "Measure",
    ]  # fmt: skip
    after = table.copy()
    after.loc[after["Code"] == "NI 115", "Tolerance %"] = 2
    edits = settings_file(position, table, after)
    assert (
        edits.data.decode() == "indicator_code,theme_board,period,tolerance_pct\nNI 115,Children's Trust,2009/10 Q3,2\n"
    )
    assert edits.codes == {2: "NI 115"}
    assert settings_file(position, table, table) is None


def test_an_analyst_changes_a_tolerance_and_the_preview_names_the_status_that_moves(store):
    # NI 115 (lower is better, target 11.5, actual 11.85) is amber with the default 5% band; with 2% it is red.
    at = signed_in_page(Role.ANALYST, "indicators.py")
    before = table_bytes(store)
    at = send_edits(at, cell_edits({row_of(at, "NI 115"): {"Tolerance %": 2}}))
    assert [plain(m.value) for m in at.markdown if "Status moves" in m.value] == [
        "**Status moves:** 1 target turns ✖ red."
    ]
    assert table_bytes(store) == before
    at.button(key="indicators_done_save").click()
    at = ran(at)
    assert at.success[0].value == "Saved 1 change as batch 3."
    at.switch_page("audit.py")
    at = ran(at)
    trail = at.dataframe[0].value
    assert trail[trail["Field"] == "tolerance_pct"][["Who", "Target", "Old", "New"]].values.tolist() == [
        ["ann", "NI 115", "", "2"]
    ]


def test_a_misspelt_board_on_the_indicators_page_waits_for_confirmation(store):
    at = signed_in_page(Role.ANALYST, "indicators.py")
    before = table_bytes(store)
    at = send_edits(at, cell_edits({row_of(at, "NI 39"): {"Theme board": "Wellbeeing"}}))
    assert plain(at.table[0].value["Problem"][0]) == (
        "Wellbeeing is not a theme board of Haringey (did you mean Wellbeing?): the file would make it a new board"
    )
    assert not [b for b in at.button if b.key == "indicators_done_save"]
    assert table_bytes(store) == before


@pytest.mark.parametrize("role", [Role.PARTNER, Role.CHAIR, Role.EXECUTIVE])
def test_the_indicators_and_targets_pages_are_not_in_other_roles_navigation(store, role):
    at = ran(app_test(role))
    for script in ("indicators.py", "targets.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(script)


def test_the_year_table_copies_each_last_target_forward(store):
    table = year_targets_table(load_position(store), 2010)
    rows = table.set_index("Code")
    assert rows.loc["NI 151", ["Frequency", "Last target"]].tolist() == ["quarterly", 66.5]
    assert rows.loc["NI 56", ["Frequency", "Last target"]].tolist() == ["annual", 22.5]
    copied = copied_forward(table).set_index("Code")
    assert copied.loc["NI 151", ["Q1", "Q2", "Q3", "Q4"]].tolist() == [66.5] * 4
    assert copied.loc["NI 56", "Annual"] == 22.5 and copied.loc["NI 56", ["Q1", "Q4"]].isna().all()
    edits = year_targets_file(table, copied_forward(table), 2010)
    lines = edits.data.decode().splitlines()
    assert lines[:3] == [
        "indicator_code,theme_board,period,target",
        "NI 151,Enterprise,2010/11 Q1,66.5",
        "NI 151,Enterprise,2010/11 Q2,66.5",
    ]
    assert "NI 56,Children's Trust,2010/11,22.5" in lines


def test_an_analyst_sets_next_years_targets_and_a_partner_then_enters_its_first_quarter(store):
    at = signed_in_page(Role.ANALYST, "targets.py")
    assert at.selectbox(key="pick_year").value == "2010/11"
    at.button(key="copy_forward").click()
    at = ran(at)
    assert at.data_editor[0].value.set_index("Code").loc["NI 39", ["Q1", "Q2", "Q3", "Q4"]].tolist() == [1450.0] * 4
    # The copied figures are edits of the table like any other: the check shows them, and saving stores them.
    at = send_edits(at, cell_edits({row_of(at, "NI 39"): {"Q1": 1440}}))
    at.button(key="targets_done_save").click()
    at = ran(at)
    assert plain(at.success[0].value).startswith("Saved ")
    position = load_position(store)
    assert position.latest_quarter().label == "2009/10 Q3"  # targets alone report nothing

    partner = signed_in_page(Role.PARTNER, "entry.py")
    assert "2010/11 Q1" in partner.selectbox(key="pick_quarter").options
    partner.selectbox(key="pick_quarter").select("2010/11 Q1")
    partner = ran(partner)
    rows = partner.data_editor[0].value.set_index("Code")
    assert rows.loc["NI 39", "Target"] == 1440.0
    data = b"indicator_code,theme_board,period,actual\nNI 39,Wellbeing,2010/11 Q1,1430\n"
    assert import_entry(store, data, user_of(store, Role.PARTNER).actor()).batch_id is not None
    assert load_position(store).latest_quarter().label == "2010/11 Q1"
