"""The longest text each column of the store allows is stored through every path that writes it, and one
character more is refused with a message, on both backends: PostgreSQL enforces a column's length where SQLite
does not, so a value one character too long must never reach the store as a DataError."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select

from dashboard.access.accounts import add_user
from dashboard.access.permissions import LOCAL_ADMIN, Actor
from dashboard.domain.fileformat import LIMITS
from dashboard.domain.periods import parse_period
from dashboard.domain.rules import Polarity, Status
from dashboard.read.position import load_position
from dashboard.read.quality import Frequency
from dashboard.store.models import Area, AuditEvent, PeriodValue, SignOff, Target, ThemeBoard, UploadBatch
from dashboard.write.entry import entry_file, entry_table
from dashboard.write.importer import ImportRejected, import_bytes, import_entry, rollback
from dashboard.write.importer.validate import TARGET_TYPES
from dashboard.write.indicators import settings_file, settings_table
from dashboard.write.signoff import reopen, sign_off
from tests.conftest import laa
from tests.fixtures import PASSWORD, acting
from tests.helpers import assert_unchanged, snapshot, write

Q3 = parse_period("2009/10 Q3")
ROW = {
    "area": "Haringey",
    "indicator_code": "NI 1",
    "theme_board": "Wellbeing",
    "lead_partner": "NHS Haringey",
    "unit": "%",
    "target_type": "local",
    "polarity": "higher_is_better",
    "frequency": "quarterly",
    "period": "2009/10 Q3",
    "rag": "green",
    "target": "80",
    "actual": "82",
}
"""One row of an import file holding every text column the store keeps."""
LONGEST = {
    "indicator_code": "C" * 100,
    "theme_board": "B" * 200,
    "area": "A" * 200,
    "lead_partner": "P" * 200,
    "unit": "U" * 50,
    "target_type": "mandatory education",
    "polarity": "higher_is_better",
    "frequency": "quarterly",
    "rag": "data awaited",
    "period": "2009/10 Q3",
}
"""The longest value each column may hold: free text at its limit, the longest word of a column of a few words."""
LONGEST_ROW = ROW | {c: LONGEST[c] for c in ("indicator_code", "theme_board", "area", "lead_partner", "unit")}
CHOICE_FIX = {
    "target_type": "not a target type. Fix: use one of: designated, mandatory education, local, stretch, "
    "safeguarding, or leave it empty.",
    "polarity": "not a polarity. Fix: use higher_is_better or lower_is_better, or leave it empty.",
    "frequency": "not a frequency. Fix: use quarterly, annual or monthly, or leave it empty for quarterly.",
    "rag": "not a status word. Fix: use red, amber, green or data awaited (or R, A, G, DA), or leave it empty to "
    "rate from the actual.",
    "period": "not a period. Fix: use a quarter like 2009/10 Q3, a year like 2008/09, a month like 2009-11 or an "
    "end date like 31/12/2009 or 2009-11-30.",
}
ONE_MORE = {
    "indicator_code": f"line 2, column indicator_code, value '{'C' * 60}…': the text is 101 characters long; "
    "indicator_code holds at most 100. Fix: shorten it to 100 characters or fewer: the code, such as NI 117, with "
    "the indicator's name in indicator_name.",
    "theme_board": f"line 2, column theme_board, value '{'B' * 60}…': the text is 201 characters long; theme_board "
    "holds at most 200. Fix: shorten it to 200 characters or fewer.",
    "area": f"line 2, column area, value '{'A' * 60}…': the text is 201 characters long; area holds at most 200. "
    "Fix: shorten it to 200 characters or fewer.",
    "lead_partner": f"line 2, column lead_partner, value '{'P' * 60}…': the text is 201 characters long; "
    "lead_partner holds at most 200. Fix: shorten it to 200 characters or fewer.",
    "unit": f"line 2, column unit, value '{'U' * 50}x': the text is 51 characters long; unit holds at most 50. "
    "Fix: shorten it to 50 characters or fewer.",
    **{column: f"line 2, column {column}, value '{LONGEST[column]}x': {fix}" for column, fix in CHOICE_FIX.items()},
}
"""The one problem a file gets with each column one character longer than LONGEST."""


def csv_file(row: dict[str, str]) -> bytes:
    quoted = [f'"{v}"' for v in row.values()]
    return f"{','.join(row)}\n{','.join(quoted)}\n".encode()


def xlsx_file(row: dict[str, str]) -> bytes:
    book = Workbook()
    book.active.append(list(row))
    book.active.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {"csv": csv_file, "xlsx": xlsx_file}


def stored(engine: Engine, column: str) -> list[str]:
    """What the store holds in the column an import file's column is written to."""
    where = {
        "area": Area.name,
        "theme_board": ThemeBoard.name,
        "rag": PeriodValue.reported_status,
        "period": PeriodValue.period_label,
    }.get(column, getattr(Target, column, None))
    with engine.connect() as conn:
        return list(conn.scalars(select(where)))


def audit_rows(engine: Engine, *columns) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(AuditEvent.id))]


def rejected_messages(call) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        call()
    return [p.message() for p in refused.value.problems]


@pytest.mark.parametrize("kind", FILES)
@pytest.mark.parametrize("column", LONGEST)
def test_an_import_file_stores_the_longest_text_of_each_column_and_refuses_one_character_more(engine, column, kind):
    row = ROW | {column: LONGEST[column]}
    outcome = import_bytes(engine, FILES[kind](row), f"figures.{kind}", acting())
    assert outcome.batch_id == 1
    assert stored(engine, column) == [LONGEST[column]]
    code = row["indicator_code"]
    # The audit trail names the area, the board and the target of each setting, in columns of their own lengths.
    events = audit_rows(engine, AuditEvent.area, AuditEvent.theme_board, AuditEvent.indicator_code)
    assert events == [(row["area"], None, None)] + [(row["area"], row["theme_board"], code)] * 6
    before = snapshot(engine)
    longer = ROW | {"indicator_code": "NI 2", column: LONGEST[column] + "x"}
    assert rejected_messages(lambda: import_bytes(engine, FILES[kind](longer), f"more.{kind}", acting())) == [
        ONE_MORE[column]
    ]
    assert_unchanged(engine, before)


def test_an_uploads_file_name_of_500_characters_is_stored_and_one_more_is_refused(engine, tmp_path):
    name = "f" * 496 + ".csv"
    assert import_bytes(engine, csv_file(LONGEST_ROW), name, acting()).batch_id == 1
    with engine.connect() as conn:
        assert conn.scalar(select(UploadBatch.file_name)) == name
    assert audit_rows(engine, AuditEvent.detail)[0] == (f"{name}: 1 rows new, 1 targets new",)
    before = snapshot(engine)
    longer = ROW | {"indicator_code": "NI 2"}
    assert rejected_messages(lambda: import_bytes(engine, csv_file(longer), "f" * 497 + ".csv", acting())) == [
        f"value '{'f' * 60}…': the file's name is 501 characters long; an upload's file name holds at most 500. "
        "Fix: rename the file to 500 characters or fewer and upload it again."
    ]
    assert_unchanged(engine, before)
    # The command line's file names are the system's, at most 255 bytes: the longest is stored as it is.
    path = write(tmp_path, "g" * 251 + ".csv", csv_file(longer).decode())
    assert laa("import", str(path)).code == 0
    with engine.connect() as conn:
        assert conn.scalars(select(UploadBatch.file_name).order_by(UploadBatch.id)).all() == [name, path.name]


def test_a_login_name_of_a_usernames_length_is_recorded_and_one_more_is_refused(engine, tmp_path, monkeypatch):
    """The command line records the login running it as who made a change, in a column of a username's length."""
    path = write(tmp_path, "q3.csv", csv_file(LONGEST_ROW).decode())
    monkeypatch.setenv("LOGNAME", "l" * 100)
    assert laa("import", str(path)).code == 0
    assert laa("signoff", "B" * 200, "--period", "2009/10 Q3").code == 0
    with engine.connect() as conn:
        assert conn.scalar(select(UploadBatch.uploaded_by)) == "l" * 100
        assert conn.scalar(select(SignOff.signed_off_by)) == "l" * 100
    assert {who for (who,) in audit_rows(engine, AuditEvent.user_name)} == {"l" * 100}
    before = snapshot(engine)
    monkeypatch.setenv("LOGNAME", "l" * 101)
    refusal = (
        "error: the login name running this command is 101 characters long; who makes a change is recorded in at "
        "most 100: give --as and a user's name\n"
    )
    other = write(tmp_path, "q4.csv", csv_file(LONGEST_ROW | {"period": "2009/10 Q4"}).decode())
    assert laa("import", str(other)).err == refusal
    assert laa("reopen", "B" * 200, "--period", "2009/10 Q3", "--reason", "late").err == refusal
    assert laa("rollback", "1").err == refusal
    assert_unchanged(engine, before)
    assert laa("audit").code == 0  # reading the trail records nobody


def longest_store(engine: Engine) -> None:
    """A store of one target whose every name is the longest its column holds."""
    import_bytes(engine, csv_file(LONGEST_ROW), "longest.csv", acting())


def test_my_targets_stores_the_longest_commentary_and_names_and_refuses_one_character_more(engine):
    """My targets, as the page saves it: the longest user's name (recorded twice: as the batch's uploader and in its
    file name, 'entered in the browser by …'), for the longest lead partner, board and code, and commentary of
    the most characters a board paper's cell holds."""
    longest_store(engine)
    partner = add_user(engine, LOCAL_ADMIN, "u" * 100, "partner", PASSWORD, partner="P" * 200).actor()
    assert entered(engine, partner, "c" * 4_000).batch_id == 2
    with engine.connect() as conn:
        assert conn.scalar(select(PeriodValue.commentary).where(PeriodValue.is_current)) == "c" * 4_000
        batch = conn.execute(select(UploadBatch.uploaded_by, UploadBatch.file_name).where(UploadBatch.id == 2)).one()
    assert tuple(batch) == ("u" * 100, f"entered in the browser by {'u' * 100}")
    assert audit_rows(engine, AuditEvent.user_name, AuditEvent.action)[-1] == ("u" * 100, "browser entry")
    before = snapshot(engine)
    assert rejected_messages(lambda: entered(engine, partner, "d" * 4_001)) == [
        f"line 2, column commentary, value '{'d' * 40}…': the commentary of {'C' * 100} for 2009/10 Q3 is 4,001 "
        "characters long, more than the 4,000 it may hold. Fix: shorten it to 4,000 characters or fewer."
    ]
    assert_unchanged(engine, before)


def entered(engine: Engine, actor: Actor, commentary: str):
    """The partner's commentary typed on My targets for 2009/10 Q3 and saved, as the page does."""
    position = load_position(engine)
    before = entry_table(position, actor, Q3, today=date(2026, 1, 1))
    after = before.assign(Commentary=commentary)
    return import_entry(engine, entry_file(before, after, actor).data, actor, area=position.area)


SETTINGS_HEADING = {
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
    "unit": "Unit",
    "target_type": "Target type",
    "polarity": "Polarity",
    "frequency": "Frequency",
}


@pytest.mark.parametrize("column", SETTINGS_HEADING)
def test_the_indicators_page_stores_the_longest_setting_and_refuses_one_character_more(engine, column):
    import_bytes(engine, csv_file(ROW | {"polarity": "lower_is_better", "frequency": "annual"}), "q3.csv", acting())
    analyst = acting("a" * 100)
    assert settings_saved(engine, analyst, column, LONGEST[column]).batch_id == 2
    assert LONGEST[column] in stored(engine, column)
    events = audit_rows(engine, AuditEvent.user_name, AuditEvent.field, AuditEvent.new_value)
    assert ("a" * 100, column, LONGEST[column]) in events
    before = snapshot(engine)
    assert rejected_messages(lambda: settings_saved(engine, analyst, column, LONGEST[column] + "x")) == [
        ONE_MORE[column]
    ]
    assert_unchanged(engine, before)


def settings_saved(engine: Engine, actor: Actor, column: str, value: str):
    """One setting of NI 1 changed on the Indicators page and saved, as the page does (a new board confirmed)."""
    position = load_position(engine)
    before = settings_table(position)
    after = before.copy()
    after[SETTINGS_HEADING[column]] = pd.Series([value], dtype=object)
    edits = settings_file(position, before, after)
    return import_bytes(engine, edits.data, "indicator settings", actor, area=position.area, new_boards=True)


def test_a_sign_off_and_its_reopening_store_the_longest_names(engine):
    """The chair of the longest board in the longest area, with the longest name, signs off; an analyst with the
    longest name re-opens it: the sign-off and the audit trail hold every name whole."""
    longest_store(engine)
    chair = add_user(engine, LOCAL_ADMIN, "c" * 100, "chair", PASSWORD, boards=["B" * 200]).actor()
    analyst = add_user(engine, LOCAL_ADMIN, "a" * 100, "analyst", PASSWORD).actor()
    done = sign_off(engine, chair, "A" * 200, "B" * 200, Q3)
    assert (done.board, done.period, done.by) == ("B" * 200, "2009/10 Q3", "c" * 100)
    reopen(engine, analyst, "A" * 200, "B" * 200, Q3, "r" * 5_000)
    with engine.connect() as conn:
        row = conn.execute(select(SignOff.signed_off_by, SignOff.reopened_by, SignOff.period_label)).one()
    assert tuple(row) == ("c" * 100, "a" * 100, "2009/10 Q3")
    where = AuditEvent.area, AuditEvent.theme_board, AuditEvent.period_label
    assert audit_rows(engine, AuditEvent.user_name, AuditEvent.action, *where)[-2:] == [
        ("c" * 100, "sign off", "A" * 200, "B" * 200, "2009/10 Q3"),
        ("a" * 100, "re-open", "A" * 200, "B" * 200, "2009/10 Q3"),
    ]


def test_a_rollback_by_the_longest_name_of_the_longest_names_is_recorded_whole(engine):
    longest_store(engine)
    analyst = add_user(engine, LOCAL_ADMIN, "a" * 100, "analyst", PASSWORD).actor()
    assert rollback(engine, 1, analyst) == {"batch": 1, "values_withdrawn": 1, "targets_removed": 1}
    with engine.connect() as conn:
        assert conn.scalar(select(UploadBatch.rolled_back_by)) == "a" * 100
    where = AuditEvent.area, AuditEvent.theme_board, AuditEvent.indicator_code
    removed = [e for e in audit_rows(engine, AuditEvent.user_name, AuditEvent.action, *where) if e[1] == "roll back"]
    assert set(removed) == {
        ("a" * 100, "roll back", "A" * 200, "B" * 200, "C" * 100),
        ("a" * 100, "roll back", None, None, None),
    }


def test_the_area_chosen_for_an_upload_of_the_longest_name_is_stored_and_one_more_is_refused(engine):
    """A file without an area column, for the area chosen on the upload page (`laa import --area`)."""
    no_area = {k: v for k, v in ROW.items() if k != "area"}
    assert import_bytes(engine, csv_file(no_area), "q3.csv", acting(), area="A" * 200).batch_id == 1
    assert stored(engine, "area") == ["A" * 200]
    before = snapshot(engine)
    longer = no_area | {"indicator_code": "NI 2"}
    assert rejected_messages(lambda: import_bytes(engine, csv_file(longer), "q4.csv", acting(), area="A" * 201)) == [
        f"column area, value '{'A' * 60}…': the text is 201 characters long; area holds at most 200. Fix: shorten "
        "it to 200 characters or fewer."
    ]
    assert_unchanged(engine, before)


def test_every_word_of_a_choice_column_and_every_period_label_fits_its_column():
    """The words the importer stores for a choice column, and the labels it gives periods: the tests above store
    the longest of each, so a longer word added must be added to LONGEST too."""
    longest = {
        "target_type": max(map(len, TARGET_TYPES)),
        "polarity": max(len(p.value) for p in Polarity),
        "frequency": max(len(f.value) for f in Frequency),
        "rag": max(len(s.value) for s in Status),
        "period_label": max(len(parse_period(p).label) for p in ("2009/10 Q3", "2008/09", "2009-11", "30/11/2009")),
    }
    assert longest == {"target_type": 19, "polarity": 16, "frequency": 9, "rag": 12, "period_label": 10}
    words = ("target_type", "polarity", "frequency", "rag")
    assert {c: len(LONGEST[c]) for c in words} == {c: longest[c] for c in words}
    assert [c for c, n in longest.items() if n > LIMITS[c]] == []
