"""Day-one defects of the pages, through streamlit.testing's AppTest on the demo data: exports that hold what
the board page shows, what moved at the first quarter held, plurals, the upload preview's numbers and clears,
the rollback picker, and rolled-back values on the target chart."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.domain.periods import parse_period
from dashboard.papers import charts
from dashboard.read.movement import earlier_quarter, headline, moves
from dashboard.read.position import load_position, target_history
from tests import test_app_pages
from tests.conftest import laa
from tests.test_app_pages import no_exception

# The page tests' fixtures: one demo database for reading pages, a fresh one for pages that write.
demo_url, demo_app, fresh_app = test_app_pages.demo_url, test_app_pages.demo_app, test_app_pages.fresh_app

NEW_QUARTER = (
    b"indicator_code,theme_board,period,target,actual,commentary\n"
    b"NI 117,Children's Trust,2009/10 Q4,10.5,9.8,Fewer NEETs after the January guarantee\n"
)
CLEARING = (
    b"indicator_code,theme_board,period,target,actual,commentary\n"
    b"NI 151,Enterprise,2009/10 Q3,,,\n"
    b"NI 152,Enterprise,2009/10 Q3,,,\n"
    b"NI 153,Enterprise,2009/10 Q3,,,\n"
)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.switch_page("upload.py").run()
    at.file_uploader[0].upload(name, data, "text/csv")
    return no_exception(at.run())


# 7. The board page's exports are what it shows, and say so ------------------------------------------------------


def test_board_exports_follow_the_filters_and_say_what_they_hold(demo_app):
    demo_app.query_params["board"] = "Children's Trust"
    at = no_exception(demo_app.run())
    assert any(m.value.startswith("**Board paper: 9 red targets**") for m in at.markdown)
    at.multiselect[1].select("NHS Haringey").run()
    no_exception(at)
    assert any(m.value.startswith("**Board paper: 2 red targets · lead partner NHS Haringey**") for m in at.markdown)
    at.toggle[0].set_value(True).run()
    no_exception(at)
    shown = at.dataframe[0].value
    assert any(m.value.startswith(f"**Board paper: {len(shown)} targets, all statuses") for m in at.markdown)


# 11. The first quarter held has nothing to compare with; counts read as English --------------------------------


def test_the_first_quarter_held_claims_no_moves(demo):
    position = load_position(demo)
    first = parse_period("2006/07 Q1")
    assert earlier_quarter(position, first) is None
    assert moves(position, first) is None
    assert {key: tile["change"] for key, tile in headline(position, first).items()} == {
        "targets": None,
        "red": None,
        "amber": None,
        "green": None,
        "data_awaited": None,
    }
    assert earlier_quarter(position, parse_period("2006/07 Q2")).label == "2006/07 Q1"


def test_the_helicopter_view_at_the_first_quarter_says_there_is_nothing_to_compare(demo_app):
    at = no_exception(demo_app.run())
    at.selectbox(key="pick_as_at").select("2006/07 Q1").run()
    no_exception(at)
    assert [m.delta for m in at.metric] == [""] * 5  # no change shown
    assert "Nothing to compare: 2006/07 Q1 is the first quarter held." in [c.value for c in at.caption]
    assert not [m for m in at.markdown if m.value.startswith("**Newly red")]


def test_one_red_target_is_singular(demo_app):
    demo_app.query_params["board"] = "PMG"
    at = no_exception(demo_app.run())
    assert at.header[0].value == "1 red target (exception mode) as at 2009/10 Q3"


# 12. The upload preview shows the numbers, warns of clears, and names each batch --------------------------------


def test_the_preview_shows_the_figures_of_new_rows(fresh_app):
    at = upload(no_exception(fresh_app.run()), "q4.csv", NEW_QUARTER)
    stored = next(d.value for d in at.dataframe if "Commentary" in d.value.columns)
    assert stored.to_dict("records") == [
        {
            "Code": "NI 117",
            "Period": "2009/10 Q4",
            "Row": "new",
            "Target": "10.5",
            "Actual": "9.8",
            "Rag": "",
            "Commentary": "Fewer NEETs after the January guarantee",
            "Remedial action": "",
        }
    ]


def test_a_file_that_clears_stored_figures_says_so_before_commit(fresh_app):
    at = upload(no_exception(fresh_app.run()), "blanks.csv", CLEARING)
    warnings = [w.value for w in at.warning]
    assert warnings[0].startswith("**This file clears the target, actual and commentary of 3 targets**")
    cleared = next(d.value for d in at.dataframe if "Stored now" in d.value.columns)
    assert cleared["Code"].tolist() == ["NI 151"] * 3 + ["NI 152"] * 3 + ["NI 153"] * 3
    assert cleared["Field"].tolist()[:3] == ["target", "actual", "commentary"]
    assert at.button(key="commit")


def test_a_problem_is_shown_whole(fresh_app):
    long_value = "x" * 150
    data = f"indicator_code,theme_board,period,actual\nNI 151,Enterprise,2009/10 Q3,{long_value}\n".encode()
    at = upload(no_exception(fresh_app.run()), "bad.csv", data)
    table = at.table[0].value
    assert table.columns.tolist() == ["Line", "Column", "Value", "Problem", "How to fix"]
    assert table.iloc[0]["Value"] == long_value
    assert table.iloc[0]["How to fix"].startswith("write a plain number such as 1200")


def test_the_rollback_picker_names_file_date_and_uploader(fresh_app):
    at = no_exception(fresh_app.run())
    at.switch_page("upload.py").run()
    picker = at.selectbox(key="rollback_batch")
    labels = picker.options
    assert labels[0].startswith("Batch 2 · haringey_corrections.csv · 20")
    assert labels[0].endswith(" · by demo · 0 rows new, 2 changed")
    assert labels[1].startswith("Batch 1 · haringey_demo.csv · ")


# 13. A rolled-back value is not a correction ------------------------------------------------------------------


@pytest.fixture
def rolled_back(demo, tmp_path):
    path = tmp_path / "q3.csv"
    path.write_text("indicator_code,theme_board,period,actual\nNI 117,Children's Trust,2009/10 Q3,5\n")
    assert laa("import", str(path)).code == 0
    assert laa("rollback", "3").code == 0
    return demo


def test_a_rolled_back_value_is_not_drawn_as_an_earlier_version(rolled_back):
    position = load_position(rolled_back)
    target, versions = target_history(rolled_back, position, "NI 117")
    figure = charts.target_history(target, versions)
    earlier = [t for t in figure.data if t.name == "earlier version (corrected since)"]
    # Only the genuine correction (2009/10 Q1) is drawn; the rolled-back 5 at 2009/10 Q3 is not.
    assert [list(t.x) for t in earlier] == [["2009/10 Q1"]]
    assert all(5.0 not in list(t.y) for t in figure.data if t.y is not None)


# 15. The preview says which column was read as which ------------------------------------------------------------


def test_the_preview_names_the_columns_read_by_another_name(fresh_app):
    data = b"NI,Board,Quarter,Outturn,RAG Status\nNI 151,Enterprise,2009/10 Q3,66.6,green\n"
    at = upload(no_exception(fresh_app.run()), "analyst.csv", data)
    assert at.info[0].value == (
        "Columns read by another name: 'NI' as indicator\\_code; 'Board' as theme\\_board; 'Quarter' as period; "
        "'Outturn' as actual; 'RAG Status' as rag."
    )


# The upload page checks a file once, not on every click -------------------------------------------------------


def test_the_upload_preview_is_made_once_per_file(fresh_app, monkeypatch):
    import dashboard.write.importer
    import dashboard.write.preview

    calls = []
    real = dashboard.write.importer.import_bytes

    def counted(*args, **kwargs):
        calls.append(kwargs.get("dry_run", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard.write.importer, "import_bytes", counted)  # the commit
    monkeypatch.setattr(dashboard.write.preview, "import_bytes", counted)  # the check
    at = upload(no_exception(fresh_app.run()), "q4.csv", NEW_QUARTER)
    for _ in range(3):  # other clicks on the page rerun it: the file is not checked again
        no_exception(at.run())
    assert calls == [True]
    at.button(key="commit").click().run()
    # The commit; the file then leaves the uploader, so it is not checked again.
    assert calls == [True, False]


# A target with no polarity, beside targets that have one, opens like any other --------------------------------


def test_a_target_without_a_polarity_opens(fresh_app):
    data = b"indicator_code,theme_board,period,target,actual\nNI 998,PMG,2009/10 Q3,10,9\n"
    at = upload(no_exception(fresh_app.run()), "new.csv", data)
    at.button(key="commit").click().run()
    no_exception(at)
    fresh_app.query_params["target"] = "NI 998"
    at.switch_page("target.py").run()
    no_exception(at)
    assert at.title[0].value.startswith("NI 998")
    assert "Polarity: not given (higher is better assumed)" in at.caption[0].value.replace("\\", "")
