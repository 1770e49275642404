"""The gate's refusals through the pages (streamlit.testing's AppTest): the Upload page and My targets ask the same
gate as the command line, so a partner's rag, a date inside a signed-off quarter, a future quarter or a misspelt
board is refused there too, with the store unchanged; and a crafted widget message cannot go round it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.permissions import Role
from dashboard.domain.periods import parse_period
from dashboard.store.engine import make_engine
from dashboard.write.signoff import sign_off
from tests.fixtures import new_store, plain, ran, send_edits, signed_in_page, user_of
from tests.helpers import table_bytes

Q3 = parse_period("2009/10 Q3")
RAG = b"indicator_code,theme_board,period,rag\nNI 39,Wellbeing,2009/10 Q3,green\n"
INSIDE_Q3 = b"indicator_code,theme_board,period,commentary\nNI 112,Children's Trust,2009-12-30,Late figure\n"
FUTURE = b"indicator_code,theme_board,period,commentary\nNI 39,Wellbeing,2034/35 Q4,Plans\n"
MISSPELT = b"indicator_code,theme_board,period,actual\nNI 39,Wellbeeing,2009/10 Q3,1571\n"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    engine = make_engine(url)
    for role in Role:
        user_of(engine, role)
    yield engine
    engine.dispose()


def problems(at: AppTest) -> list[str]:
    return [plain(p) for p in at.table[0].value["Problem"]]


def upload_page(role: Role) -> AppTest:
    return signed_in_page(role, "upload.py")


def my_targets(role: Role) -> AppTest:
    return signed_in_page(role, "entry.py")


def upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader[0].upload("file.csv", data, "text/csv")
    return ran(at)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (RAG, "the file sets the rag of NI 39 for 2009/10 Q3, and a reported status is an analyst's judgement"),
        (INSIDE_Q3, "NI 112: Children's Trust 2009/10 Q3 was signed off by chris on "),
        (FUTURE, "2034/35 Q4 has not begun yet, and a partner enters figures only for quarters that have begun"),
        (MISSPELT, "the file changes NI 39's theme board, and a partner cannot change a target's settings"),
    ],
    ids=["rag", "inside a signed-off quarter", "future quarter", "misspelt board"],
)
def test_the_upload_page_refuses_a_partner_what_the_gate_refuses(store, data, problem):
    sign_off(store, user_of(store, Role.CHAIR).actor(), None, "Children's Trust", Q3)
    at = upload_page(Role.PARTNER)
    before = table_bytes(store)  # the app holds the SQLite file open: its rows, not its bytes
    at = upload(at, data)
    assert plain(at.error[0].value).startswith("file.csv cannot be stored: 1 problem below")
    assert any(problem in p for p in problems(at)), problems(at)
    assert not [b for b in at.button if b.key == "commit"]
    assert not [c for c in at.checkbox if c.key == "new_boards"]  # a partner cannot confirm a board
    assert table_bytes(store) == before


def test_the_upload_page_makes_a_new_board_only_once_the_analyst_confirms_it(store):
    at = upload_page(Role.ANALYST)
    before = table_bytes(store)  # the app holds the SQLite file open: its rows, not its bytes
    at = upload(at, MISSPELT)
    assert plain(at.error[0].value).startswith("file.csv cannot be stored: 1 problem below")
    assert problems(at) == [
        "Wellbeeing is not a theme board of Haringey (did you mean Wellbeing?): the file would make it a new board"
    ]
    assert not [b for b in at.button if b.key == "commit"]
    assert table_bytes(store) == before
    at.checkbox(key="new_boards").check()
    at = ran(at)
    assert not at.error
    assert plain(at.warning[0].value) == (
        "**Board changes this file makes:** new theme board Wellbeeing in Haringey (did you mean Wellbeing?); "
        "NI 39 moves from Wellbeing to Wellbeeing."
    )
    assert table_bytes(store) == before
    at.button(key="commit").click()
    at = ran(at)
    assert "as batch 3" in at.success[0].value
    with store.connect() as conn:
        moved = conn.exec_driver_sql(
            "SELECT b.name FROM targets t JOIN theme_boards b ON b.id = t.theme_board_id "
            "WHERE t.indicator_code = 'NI 39'"
        ).scalar_one()
    assert moved == "Wellbeeing"


def row_of(at: AppTest, code: str) -> int:
    return at.dataframe[0].value["Code"].tolist().index(code)


def test_my_targets_refuses_a_partner_inside_a_signed_off_quarter(store):
    sign_off(store, user_of(store, Role.CHAIR).actor(), None, "Children's Trust", Q3)
    at = my_targets(Role.PARTNER)
    before = table_bytes(store)  # the app holds the SQLite file open: its rows, not its bytes
    assert "Children's Trust 2009/10 Q3 was signed off by chris" in at.warning[0].value
    at = send_edits(at, {"edited_rows": {str(row_of(at, "NI 112")): {"Actual": -30}}, "added_rows": [],
                         "deleted_rows": []})  # fmt: skip
    assert at.error[0].value.startswith("1 problem: nothing can be saved")
    assert "NI 112: Children's Trust 2009/10 Q3 was signed off by chris on " in problems(at)[0]
    assert not [b for b in at.button if b.key == "entry_save"]
    assert table_bytes(store) == before


@pytest.mark.parametrize(("column", "value"), [("Theme board", "Wellbeeing"), ("Code", "NI 117"), ("Target", 1)])
def test_a_crafted_edit_of_a_locked_column_on_my_targets_is_refused(store, column, value):
    at = my_targets(Role.PARTNER)
    before = table_bytes(store)
    row = str(row_of(at, "NI 39"))
    at = send_edits(at, {"edited_rows": {row: {column: value, "Actual": 1400}}, "added_rows": [], "deleted_rows": []})
    assert plain(at.warning[0].value).startswith("Only the cells you may change can be changed here")
    assert not at.table and not [b for b in at.button if b.key == "entry_save"]
    assert table_bytes(store) == before


def test_a_crafted_commentary_over_the_limit_is_refused_on_my_targets(store):
    at = my_targets(Role.PARTNER)
    before = table_bytes(store)
    row = str(row_of(at, "NI 39"))
    at = send_edits(at, {"edited_rows": {row: {"Commentary": "x" * 5000}}, "added_rows": [], "deleted_rows": []})
    assert problems(at) == [
        "the commentary of NI 39 for 2009/10 Q3 is 5,000 characters long, more than the 4,000 it may hold"
    ]
    assert not [b for b in at.button if b.key == "entry_save"]
    assert table_bytes(store) == before


def test_a_crafted_status_on_my_targets_enters_nothing(store):
    at = my_targets(Role.PARTNER)
    before = table_bytes(store)
    at = send_edits(at, {"edited_rows": {str(row_of(at, "NI 39")): {"Last status": "✔ green"}}, "added_rows": [],
                         "deleted_rows": []})  # fmt: skip
    assert not at.table and not [b for b in at.button if b.key == "entry_save"]
    assert table_bytes(store) == before


def test_a_quarter_set_ahead_moves_neither_the_helicopter_view_nor_a_partners_quarters(store, tmp_path):
    ahead = b"indicator_code,theme_board,period,target,commentary\nNI 39,Wellbeing,2034/35 Q4,1400,Plans\n"
    at = upload_page(Role.ANALYST)
    at = upload(at, ahead)
    at.button(key="commit").click()
    at = ran(at)
    at.switch_page("helicopter.py")
    at = ran(at)
    assert at.selectbox(key="pick_as_at").value == "2009/10 Q3"
    assert "2034/35 Q4" not in at.selectbox(key="pick_as_at").options
    partner = my_targets(Role.PARTNER)
    assert partner.selectbox(key="pick_quarter").value == "2009/10 Q3"
    assert "2034/35 Q4" not in partner.selectbox(key="pick_quarter").options
    assert "2034/35 Q4" in my_targets(Role.ANALYST).selectbox(key="pick_quarter").options


def test_settings_changed_on_the_upload_page_and_rolled_back_are_in_the_audit_trail_as_the_analyst(store):
    settings = b"indicator_code,theme_board,period,tolerance_pct\nNI 115,Children's Trust,2009/10 Q3,2\n"
    at = upload(upload_page(Role.ANALYST), settings)
    at.button(key="commit").click()
    at = ran(at)
    at.file_uploader[0].clear()
    at = ran(at)
    at.selectbox(key="rollback_batch").select(3)
    at.checkbox(key="rollback_sure").check()
    at = ran(at)
    at.button(key="rollback").click()
    at = ran(at)
    at.switch_page("audit.py")
    at = ran(at)
    at.text_input[1].input("ni 115")
    at = ran(at)
    trail = at.dataframe[0].value
    assert trail[trail["Field"] == "tolerance_pct"][["Who", "Action", "Old", "New"]].values.tolist() == [
        ["ann", "roll back", "2", ""],
        ["ann", "upload", "", "2"],
    ]
