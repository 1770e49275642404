"""Versions, upload batches, rollback and --dry-run, through the `laa` command."""

import re

from sqlalchemy import select

import dashboard.write.importer.write as writer
from dashboard.store.models import PeriodValue, Target
from dashboard.write.importer import import_file as import_path
from dashboard.write.importer import rollback
from tests.conftest import laa
from tests.fixtures import acting
from tests.helpers import (
    LOGIN,
    assert_unchanged,
    current,
    example,
    history,
    import_file,
    snapshot,
    summary,
    write,
)

NI117_Q3 = "indicator_code,theme_board,period,actual,commentary\nNI 117,Children's Trust,2009/10 Q3,{actual},{note}\n"


def change_ni117_q3(tmp_path, actual: str, note: str, name: str = "ni117_q3.csv"):
    path = write(tmp_path, name, NI117_Q3.format(actual=actual, note=note))
    return laa("import", str(path))


def versions(code: str, period: str) -> list[tuple]:
    return [
        (h["actual"], h["current"], h["batch_id"], h["recorded_by"], h["rolled_back"])
        for h in history(code)
        if h["period"] == period
    ]


def test_a_changed_value_is_a_new_version_and_the_old_one_stays_readable(demo, tmp_path):
    run = change_ni117_q3(tmp_path, "10.4", "Revised after the March tracking exercise.")
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "ni117_q3.csv: 1 rows read; 0 new, 1 changed, 0 unchanged; 0 new targets, 0 with changed settings. "
        "stored as batch 3.\n"
    )
    q3 = [h for h in history("NI 117") if h["period"] == "2009/10 Q3"]
    assert [(h["actual"], h["status"], h["current"], h["batch_id"], h["recorded_by"]) for h in q3] == [
        (11.76, "red", False, 1, "demo"),
        (10.4, "green", True, 3, LOGIN),
    ]
    assert q3[0]["commentary"] == (
        "Off track at 2009/10 Q3: the recession has cut the jobs and apprenticeships open to 16-18 year olds."
    )
    assert q3[1]["commentary"] == "Revised after the March tracking exercise."
    assert all(h["recorded_at"] for h in q3)
    # A second change keeps both earlier versions.
    assert change_ni117_q3(tmp_path, "10.6", "Validated.", name="ni117_q3_v2.csv").code == 0
    assert versions("NI 117", "2009/10 Q3") == [
        (11.76, False, 1, "demo", False),
        (10.4, False, 3, LOGIN, False),
        (10.6, True, 4, LOGIN, False),
    ]


def test_batches_lists_every_upload_newest_first(demo, tmp_path):
    assert import_file(example("good_q4_update.csv")).code == 0
    assert change_ni117_q3(tmp_path, "10.4", "Revised.").code == 0
    run = laa("batches", "--format", "json")
    assert run.code == 0, run.err
    got = [
        (
            b["id"], b["file_name"], b["uploaded_by"], b["rows_new"], b["rows_changed"], b["rows_unchanged"],
            b["targets_new"], b["rolled_back_at"],
        )
        for b in run.json()["batches"]
    ]  # fmt: skip
    assert got == [
        (4, "ni117_q3.csv", LOGIN, 0, 1, 0, 0, None),
        (3, "good_q4_update.csv", LOGIN, 5, 0, 0, 0, None),
        (2, "haringey_corrections.csv", "demo", 0, 2, 0, 0, None),
        (1, "haringey_demo.csv", "demo", 264, 0, 0, 74, None),
    ]


def test_rollback_of_an_unknown_batch_is_refused(demo):
    before = snapshot(demo)
    run = laa("rollback", "99")
    assert (run.code, run.out, run.err) == (2, "", "error: there is no upload batch 99; `laa batches` lists them\n")
    assert_unchanged(demo, before)


def test_rollback_restores_the_previous_values(demo):
    before = summary()
    assert import_file(example("good_q4_update.csv")).code == 0
    assert summary() != before
    run = laa("rollback", "3")
    assert (run.code, run.err) == (0, "")
    assert run.out == "batch 3 rolled back: 5 values withdrawn, 0 targets it created removed\n"
    assert summary() == before
    assert "2009/10 Q4" not in current("NI 117")
    q4 = [h for h in history("NI 117") if h["period"] == "2009/10 Q4"]
    assert [(h["actual"], h["current"], h["batch_id"], h["rolled_back"]) for h in q4] == [(10.2, False, 3, True)]
    batch = laa("batches", "--format", "json").json()["batches"][0]
    assert (batch["id"], batch["rolled_back_by"]) == (3, LOGIN)
    assert batch["rolled_back_at"] is not None


def test_rollback_brings_back_the_version_a_batch_replaced(demo):
    # Batch 2 of the demo corrected NI 117 for 2009/10 Q1 from 10.81 to 10.9.
    run = laa("rollback", "2")
    assert (run.code, run.err) == (0, "")
    assert run.out == "batch 2 rolled back: 2 values withdrawn, 0 targets it created removed\n"
    assert versions("NI 117", "2009/10 Q1") == [(10.81, True, 1, "demo", False), (10.9, False, 2, "demo", True)]
    assert current("NI 39")["2009/10 Q2"]["batch_id"] == 1


def test_rolling_back_a_batch_twice_is_refused(demo, tmp_path):
    assert change_ni117_q3(tmp_path, "10.4", "Revised.").code == 0
    assert laa("rollback", "3").code == 0
    before = snapshot(demo)
    run = laa("rollback", "3")
    assert (run.code, run.out) == (2, "")
    assert re.fullmatch(r"error: batch 3 was already rolled back on \d{4}-\d\d-\d\d \d\d:\d\d\n", run.err), run.err
    assert_unchanged(demo, before)


def test_rollback_is_refused_while_a_later_batch_replaced_its_values(demo, tmp_path):
    assert change_ni117_q3(tmp_path, "10.4", "Revised.").code == 0  # batch 3
    assert change_ni117_q3(tmp_path, "10.6", "Validated.", name="v2.csv").code == 0  # batch 4 replaces it
    before = snapshot(demo)
    run = laa("rollback", "3")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "error: batch 3 cannot be rolled back while later batch(es) 4 change the same targets: roll back 4 first\n"
    )
    assert_unchanged(demo, before)
    # In the order it asks for, both go, and the demo's figure is current again.
    assert laa("rollback", "4").code == 0
    assert laa("rollback", "3").code == 0
    assert versions("NI 117", "2009/10 Q3") == [
        (11.76, True, 1, "demo", False),
        (10.4, False, 3, LOGIN, True),
        (10.6, False, 4, LOGIN, True),
    ]


NEW_TARGETS = (
    "indicator_code,indicator_name,theme_board,target_type,lead_partner,polarity,period,target,actual\n"
    "LAA 1,Residents satisfied with parks and open spaces,Better Places,local,Haringey Council,"
    "higher_is_better,2009/10 Q4,75,78\n"
    "LAA 2,Volunteers placed by HAVCO,Stronger Communities,local,HAVCO,higher_is_better,2009/10 Q4,400,310\n"
)


def test_rollback_is_refused_while_a_later_batch_built_on_a_target_it_created(demo, tmp_path):
    assert import_file(write(tmp_path, "new.csv", NEW_TARGETS), "--new-boards").code == 0  # batch 3: LAA 1, LAA 2
    later = write(
        tmp_path,
        "laa1_q1.csv",
        "indicator_code,theme_board,period,target,actual\nLAA 1,Better Places,2010/11 Q1,75,77\n",
    )
    assert import_file(later).code == 0  # batch 4 adds a quarter to LAA 1
    before = snapshot(demo)
    run = laa("rollback", "3")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "error: batch 3 cannot be rolled back while later batch(es) 4 change the same targets: roll back 4 first\n"
    )
    assert_unchanged(demo, before)


def test_rolling_back_a_batch_that_created_targets_removes_them_and_their_new_board(demo, tmp_path):
    before = summary()
    run = import_file(write(tmp_path, "new.csv", NEW_TARGETS), "--new-boards")
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "new.csv: 2 rows read; 2 new, 0 changed, 0 unchanged; 2 new targets, 0 with changed settings. "
        "stored as batch 3.\n"
    )
    assert [b["theme_board"] for b in summary()["boards"]][-1] == "Stronger Communities"
    assert summary()["total"]["targets"] == 76
    run = laa("rollback", "3")
    assert (run.code, run.err) == (0, "")
    assert run.out == "batch 3 rolled back: 2 values withdrawn, 2 targets it created removed\n"
    assert summary() == before
    for code in ("LAA 1", "LAA 2"):
        gone = laa("history", code, "--format", "json")
        assert (gone.code, gone.err) == (2, f"error: no target '{code}' in Haringey\n")


def test_rolling_back_a_batch_that_changed_settings_restores_them(demo, tmp_path):
    # NI 115 (lower is better, target 11.5, actual 11.85) is amber with the default 5% tolerance.
    assert current("NI 115")["2009/10 Q3"]["status"] == "amber"
    path = write(
        tmp_path,
        "tolerance.csv",
        "indicator_code,theme_board,period,tolerance_pct\nNI 115,Children's Trust,2009/10 Q3,2\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "tolerance.csv: 1 rows read; 0 new, 0 changed, 1 unchanged; 0 new targets, 1 with changed settings. "
        "stored as batch 3.\n"
    )
    assert current("NI 115")["2009/10 Q3"]["status"] == "red"
    run = laa("rollback", "3")
    assert (run.code, run.err) == (0, "")
    assert run.out == "batch 3 rolled back: 0 values withdrawn, 0 targets it created removed\n"
    assert current("NI 115")["2009/10 Q3"]["status"] == "amber"


def test_rolling_back_a_batch_that_created_an_area_leaves_the_store_as_before(demo, tmp_path):
    before = summary()
    path = write(
        tmp_path,
        "welwyn.csv",
        "area,indicator_code,theme_board,period,target,actual\n"
        "Welwyn Hatfield,NI 117,Children's Trust,2009/10 Q3,7,6.5\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    assert laa("rollback", "3").code == 0
    after = laa("summary", "--format", "json")
    assert (after.code, after.err) == (0, "")
    assert after.json() == before
    run = import_file(example("good_q4_update.csv"))
    assert (run.code, run.err) == (0, "")


def test_dry_run_validates_shows_counts_and_writes_nothing(demo, tmp_path):
    before = snapshot(demo)
    run = import_file(example("good_q4_update.csv"), "--dry-run")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert lines[:3] == [
        "good_q4_update.csv: 5 rows read; 5 new, 0 changed, 0 unchanged; 0 new targets, 0 with changed settings. "
        "dry run: the file is valid; nothing was written.",
        "",
        "Status moves it would cause: 1 target recovers from ✖ red (to ✔ green); 1 target becomes … data "
        "awaited; 1 target is no longer … data awaited (to ▲ amber).",
    ]
    assert [line.split()[:2] for line in lines[5:]] == [["NI", "39"], ["NI", "19"], ["NI", "117"]]
    assert_unchanged(demo, before)
    # Changed rows and new targets are counted too.
    path = write(
        tmp_path,
        "mixed.csv",
        "indicator_code,theme_board,period,target,actual\n"
        "NI 117,Children's Trust,2009/10 Q3,10.5,10.4\n"
        "NI 117,Children's Trust,2009/10 Q2,10.5,11.45\n"
        "LAA 1,Better Places,2009/10 Q4,75,78\n",
    )
    run = import_file(path, "--dry-run", "--format", "json")
    assert (run.code, run.err) == (0, "")
    got = run.json()
    assert {k: got[k] for k in ("rows_read", "rows_new", "rows_changed", "rows_unchanged", "targets_new")} == {
        "rows_read": 3,
        "rows_new": 1,
        "rows_changed": 1,
        "rows_unchanged": 1,
        "targets_new": 1,
    }
    assert (got["batch"], got["dry_run"]) == (None, True)
    assert got["changes"] == [
        {"indicator_code": "NI 117", "period": "2009/10 Q3", "field": "actual", "before": "11.76", "after": "10.4"}
    ]
    assert [(m["indicator_code"], m["before"], m["after"], m["move"]) for m in got["status_moves"]] == [
        ("NI 117", "red", "green", "recovered"),
        ("LAA 1", None, "green", "new target"),
    ]
    assert_unchanged(demo, before)
    assert [b["id"] for b in laa("batches", "--format", "json").json()["batches"]] == [2, 1]


def _stored_versions(engine) -> dict[tuple[str, str], list[tuple]]:
    """(code, period) → every stored version as (actual, current, batch, superseded by), oldest first."""
    stmt = (
        select(
            Target.indicator_code,
            PeriodValue.period_label,
            PeriodValue.actual,
            PeriodValue.is_current,
            PeriodValue.batch_id,
            PeriodValue.superseded_by_batch_id,
        )
        .join(Target, Target.id == PeriodValue.target_id)
        .order_by(PeriodValue.id)
    )
    out: dict[tuple[str, str], list[tuple]] = {}
    with engine.connect() as conn:
        for code, period, *version in conn.execute(stmt):
            out.setdefault((code, period), []).append(tuple(version))
    return out


def test_an_import_written_in_chunks_stores_each_version_once_and_rolls_back(engine, tmp_path, monkeypatch):
    # A big import is written a chunk of rows at a time. Chunks of 7 put the inserts, the versions a second
    # file supersedes (every third row, so not one run of rows) and the rollback across chunk boundaries.
    monkeypatch.setattr(writer, "INSERT_ROWS", 7)
    keys = [(f"LOC {t:03d}", f"2009/10 Q{q}") for t in range(1, 16) for q in range(1, 5)]
    header = "indicator_code,theme_board,period,target,actual\n"
    first = write(
        tmp_path, "first.csv", header + "".join(f"{c},Enterprise,{p},100,{n}\n" for n, (c, p) in enumerate(keys))
    )
    moved = {key: n + 0.5 for n, key in enumerate(keys) if n % 3 == 0}
    second = write(
        tmp_path,
        "second.csv",
        header + "".join(f"{c},Enterprise,{p},100,{moved.get((c, p), n)}\n" for n, (c, p) in enumerate(keys)),
    )

    one = import_path(engine, first, acting()).batch_id
    two = import_path(engine, second, acting()).batch_id
    stored = _stored_versions(engine)
    assert list(stored) == keys
    for n, key in enumerate(keys):
        if key in moved:
            assert stored[key] == [(n, False, one, two), (n + 0.5, True, two, None)]
        else:
            assert stored[key] == [(n, True, one, None)]

    assert rollback(engine, two, acting())["values_withdrawn"] == len(moved)
    assert {key: [v[:2] for v in versions if v[1]] for key, versions in _stored_versions(engine).items()} == {
        key: [(n, True)] for n, key in enumerate(keys)
    }
