"""The pages by role, through streamlit.testing's AppTest: nothing before signing in, the navigation each role
gets, the chair's sign-off on the board page, My targets' rows, the Audit page, signing out."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.accounts import disable_user
from dashboard.access.permissions import LOCAL_ADMIN, Role
from dashboard.domain.periods import parse_period
from dashboard.store.engine import make_engine
from dashboard.write.signoff import sign_off
from tests.fixtures import app_test, new_store, session_token

PAGES = [
    "helicopter.py", "board.py", "target.py", "entry.py", "upload.py", "indicators.py", "targets.py", "quality.py",
    "audit.py", "users.py",
]  # fmt: skip
NAVIGATION = {
    Role.EXECUTIVE: ["helicopter.py", "board.py", "target.py", "quality.py"],
    Role.CHAIR: ["helicopter.py", "board.py", "target.py", "entry.py", "quality.py"],
    Role.PARTNER: ["helicopter.py", "board.py", "target.py", "entry.py", "upload.py", "quality.py"],
    Role.ANALYST: [page for page in PAGES if page != "users.py"],
    Role.ADMIN: PAGES,
}


@pytest.fixture
def demo_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    return url


def ran(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def pages_of(at: AppTest) -> list[str]:
    """The pages the session's navigation holds (AppTest can switch only to those)."""
    held = []
    for page in PAGES:
        try:
            at.switch_page(page)
        except ValueError:
            continue
        held.append(page)
    return held


def texts(at: AppTest) -> str:
    """Everything the run drew as text, for checking what it does not show."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "text")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def test_nothing_of_the_partnership_is_drawn_before_signing_in(demo_url):
    at = ran(app_test(role=None))
    assert [i.value for i in at.info] == ["Sign in to see the partnership's targets."]
    assert [h.proto.body for h in at.get("html")][0] == '<p><a href="/signin">Sign in</a></p>'
    assert not at.markdown
    assert not at.metric and not at.dataframe and not at.sidebar.children
    for word in ("Haringey", "Children's Trust", "NI 56", "Wellbeing"):
        assert word not in texts(at)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_only_its_pages(demo_url, role):
    assert pages_of(ran(app_test(role))) == NAVIGATION[role]


def test_a_chair_signs_off_their_boards_quarter_and_the_board_page_says_so(demo_url):
    at = app_test(Role.CHAIR)
    at.query_params["board"] = "Children's Trust"
    at = ran(at)
    at.switch_page("board.py")
    at = ran(at)
    assert at.markdown[0].value == "Children's Trust 2009/10 Q3 is not signed off yet."
    # Signing off asks first, saying what is still awaited and whom it binds; Cancel leaves the quarter open.
    at.button(key="sign_off").click()
    at = ran(at)
    asked = at.warning[0].value.replace("\\", "").replace("\u2060", "")  # as the reader sees the escaped text
    assert asked.startswith(
        "Sign off Children's Trust 2009/10 Q3? 4 of 26 targets are still data awaited: NI 80, NI 99"
    )
    assert at.markdown[0].value == "Children's Trust 2009/10 Q3 is not signed off yet."
    at.button(key="sign_off_cancel").click()
    at = ran(at)
    assert at.markdown[0].value == "Children's Trust 2009/10 Q3 is not signed off yet."
    assert not at.warning and not [b for b in at.button if b.key == "sign_off_confirm"]
    at.button(key="sign_off").click()
    at = ran(at)
    at.button(key="sign_off_confirm").click()
    at = ran(at)
    assert at.markdown[0].value.startswith("🔒 Children's Trust 2009/10 Q3 was signed off by chris on ")
    assert not [b for b in at.button if b.key == "sign_off"]
    partner = app_test(Role.PARTNER)
    partner.query_params["board"] = "Children's Trust"
    ran(partner).switch_page("board.py")
    partner = ran(partner)
    assert partner.markdown[0].value.startswith("🔒 Children's Trust 2009/10 Q3 was signed off by chris on ")
    assert not [b for b in partner.button if b.key in ("sign_off", "reopen")]


def test_an_analyst_reopens_a_signed_off_quarter_with_a_reason(demo_url):
    at = app_test(Role.ANALYST)
    at.query_params["board"] = "Children's Trust"
    ran(at).switch_page("board.py")
    at = ran(at)
    assert not [b for b in at.button if b.key == "sign_off"]  # an analyst does not sign off
    engine = make_engine(demo_url)
    sign_off(engine, LOCAL_ADMIN, None, "Children's Trust", parse_period("2009/10 Q3"))
    at = ran(at)
    assert at.button(key="reopen").disabled  # not without a reason
    at.text_input(key="reopen_reason").input("a late NHS figure")
    at = ran(at)
    at.button(key="reopen").click()
    at = ran(at)
    assert at.markdown[0].value == "Children's Trust 2009/10 Q3 is not signed off yet."
    engine.dispose()


@pytest.mark.parametrize(
    ("role", "rows", "editable"),
    [
        (Role.PARTNER, 11, ["Actual", "Commentary", "Remedial action"]),
        (Role.CHAIR, 26, ["Commentary", "Remedial action"]),
        (Role.ANALYST, 74, ["Actual", "Commentary", "Remedial action"]),
    ],
)
def test_my_targets_lists_what_the_user_may_update(demo_url, role, rows, editable):
    at = ran(app_test(role))
    at.switch_page("entry.py")
    at = ran(at)
    assert [t.value for t in at.title] == ["My targets"]
    (table,) = at.dataframe
    assert len(table.value) == rows
    if role is Role.PARTNER:
        assert set(table.value["Lead partner"]) == {"NHS Haringey"}
    if role is Role.CHAIR:
        assert set(table.value["Theme board"]) == {"Children's Trust"}
    assert (
        at.caption[0]
        .value.split(": fill in the cells you may change (")[1]
        .startswith(", ".join(h.lower() for h in editable))
    )


CHANGE_A_CELL = "Change a cell to enter a figure; the status it will give shows here before you save."


@pytest.mark.parametrize(
    "crafted",
    [
        {"added_rows": [{"Code": "NI 999", "Theme board": "Wellbeing", "Actual": 5.0}]},
        {"deleted_rows": [0], "edited_rows": {"6": {"Actual": 7.0}}},
        {"deleted_rows": [6], "added_rows": [{"Code": "NI 150", "Theme board": "Wellbeing", "Actual": 7.0}]},
        {"deleted_rows": [99]},
        {"edited_rows": {"99": {"Actual": 7.0}}},
        {"edited_rows": {"6": {"Code": "NI 999", "Actual": 7.0}}},
    ],
    ids=["row added", "row deleted", "row deleted and added again", "no such row deleted", "no such row edited",
         "code edited"],
)  # fmt: skip
def test_my_targets_refuses_an_editor_state_that_adds_or_deletes_rows(demo_url, crafted):
    """The browser sends none of these for a table of fixed rows; made by hand, they are refused, not a crash."""
    at = ran(app_test(Role.PARTNER))
    at.switch_page("entry.py")
    at = ran(at)
    (editor,) = at.data_editor
    assert editor.editing_mode == "fixed"
    at.session_state[editor.key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []} | crafted
    at = ran(at)
    assert [w.value for w in at.warning] == [
        "Only the cells you may change can be changed here, and no row added or deleted: the table is shown "
        "again as stored."
    ]
    (shown,) = at.data_editor
    pd.testing.assert_frame_equal(shown.value, editor.value)
    assert CHANGE_A_CELL in [c.value for c in at.caption]
    # The table shown afresh takes a real edit.
    at.session_state[shown.key] = {"edited_rows": {"6": {"Actual": 7.0}}, "added_rows": [], "deleted_rows": []}
    at = ran(at)
    assert not at.warning
    assert at.dataframe[1].value[["Code", "Actual", "Status it will give"]].values.tolist() == [
        ["NI 150", "7", "✔ green"]
    ]


def test_the_audit_page_lists_changes_newest_first(demo_url):
    at = ran(app_test(Role.ANALYST))
    at.switch_page("audit.py")
    at = ran(at)
    (trail,) = at.dataframe
    assert trail.value.iloc[0][["Who", "Action"]].tolist() == ["local administrator", "add user"]
    assert {"upload", "add user"} <= set(trail.value["Action"])
    at.text_input[1].input("NI 117")
    at = ran(at)
    assert set(at.dataframe[0].value["Target"]) == {"NI 117"}


def test_signing_out_ends_the_session_and_a_disabled_user_is_out_at_the_next_click(demo_url):
    at = ran(app_test(Role.ANALYST))
    assert at.sidebar.caption[0].value == "Signed in as **ann** (analyst)"
    at.sidebar.button(key="sign_out").click()
    at = ran(at)
    assert [s.value for s in at.success] == ["You have signed out."]
    assert not at.metric
    assert not ran(at).metric  # and stays out

    chair = ran(app_test(Role.CHAIR))
    assert chair.metric
    engine = make_engine(demo_url)
    disable_user(engine, LOCAL_ADMIN, "chris")
    engine.dispose()
    chair = ran(chair)
    assert not chair.metric and [i.value for i in chair.info] == ["Sign in to see the partnership's targets."]


def test_a_session_run_for_another_persons_sign_in_shows_nothing_of_the_first(demo_url):
    """Streamlit lets a browser resume a session by its id (tests/browser/test_sign_in.py does it for real): the
    run that follows is for the sign-in its connection presents, with none of the state held for the other."""
    at = ran(app_test(Role.ANALYST))
    at.selectbox(key="pick_as_at").select("2009/10 Q1")
    at = ran(at)
    assert at.sidebar.caption[0].value == "Signed in as **ann** (analyst)"
    assert at.selectbox(key="pick_as_at").value == "2009/10 Q1"

    at.session_state["_sign_in_token"] = session_token(demo_url, Role.EXECUTIVE)  # the cookie the connection shows
    at.query_params.clear()  # and its own address, the helicopter view's
    at = ran(at)
    assert at.sidebar.caption[0].value == "Signed in as **eve** (executive)"
    assert at.selectbox(key="pick_as_at").value == "2009/10 Q3"  # the latest quarter, not the analyst's choice
    assert "chosen_as_at" not in at.session_state or at.session_state["chosen_as_at"] == "latest"


def test_an_executive_on_an_empty_store_is_told_so_without_a_link_to_the_upload(tmp_path, monkeypatch):
    monkeypatch.setenv("LAA_DATABASE_URL", new_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    at = ran(app_test(Role.EXECUTIVE))
    assert [i.value for i in at.info] == [
        "No data yet. The figures appear here once the partnership's analyst uploads the quarter's file."
    ]
    assert not at.main.get("page_link")
    analyst = ran(app_test(Role.ANALYST))
    assert [i.value for i in analyst.info] == [
        "No data yet. Upload the quarter's CSV or Excel file on the Upload page, "
        "or load the sample partnership with `laa demo` on the command line."
    ]
    assert [link.proto.label for link in analyst.main.get("page_link")] == ["Upload a file"]
