"""Concurrent use of one store, on SQLite and on PostgreSQL.

Two `laa import` processes at once into one fresh database: both files stored whole, as two batches.

The two files have different indicator codes but the same area and some of the same theme boards (one spelled
in another case), so both imports want to create the same area and board rows. Each race is run a few times,
each time on a fresh database, on SQLite and on PostgreSQL, and each time the test checks that the two
imports really overlapped: that the second one asked for the import lock while the first one held it.

A read of every area while an import commits sees the store as it was before the batch or with all of it.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.read import position
from dashboard.read.breakdown import area_breakdown
from dashboard.read.position import every_area_statuses
from dashboard.store.engine import make_engine
from dashboard.store.models import PeriodValue
from dashboard.write.importer import import_file
from tests.conftest import BACKENDS, ROOT, laa, postgres_database
from tests.fixtures import acting
from tests.helpers import national_file

ROUNDS = 3
QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(1997, 2047) for q in (1, 2, 3, 4)][:50]
AREA = "Haringey"
FILES = {
    # name: (indicator codes, boards in turn); 100 targets x 50 quarters = 5000 rows each
    "first.csv": ([f"NI {n}" for n in range(1, 101)], ["Enterprise", "Wellbeing", "Safer Communities", "PMG"]),
    "second.csv": (
        [f"LOC {n:03d}" for n in range(1, 101)],
        ["wellbeing", "Safer  communities", "Children's Trust", "Better Places"],
    ),
}
HEADER = ["area", "indicator_code", "indicator_name", "theme_board", "polarity", "period", "target", "actual",
          "commentary"]  # fmt: skip

# `laa import ...` exactly as the command line runs it (dashboard.cli.main), with two additions so the race is
# a real one: each process loads its modules (pandas, SQLAlchemy: over a second) and then waits for the test's
# "go", so both start importing together; and the importer's `writing` context (the write lock on SQLite, the
# advisory lock on PostgreSQL) is wrapped to print when it was asked for, got and let go, so the test can tell
# whether the two imports overlapped.
LAUNCHER = """
import sys, time
from contextlib import contextmanager
import dashboard.write.importer as importer
from dashboard.cli import main

_writing = importer.writing

def mark(what):
    print(f"laa-race {what} {time.time():.6f}", file=sys.stderr, flush=True)

@contextmanager
def timed_writing(engine):
    mark("asked")
    with _writing(engine) as conn:
        mark("holding")
        yield conn
    mark("released")

importer.writing = timed_writing
sys.argv = ["laa", *sys.argv[1:]]
mark("ready")
sys.stdin.readline()
mark("go")
main()
"""


@dataclass
class Process:
    file: str
    code: int
    out: str
    err: str
    started: float
    ended: float
    marks: dict[str, float] = field(default_factory=dict)

    @property
    def said_retry(self) -> bool:
        return any(word in self.err.lower() for word in ("try again", "retry"))


def write_file(path: Path, codes: list[str], boards: list[str]) -> dict[str, list[tuple[str, float]]]:
    """Write one import file; return each code's (period, actual) rows as written."""
    written: dict[str, list[tuple[str, float]]] = {}
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i, code in enumerate(codes):
            board = boards[i % len(boards)]
            for q, period in enumerate(QUARTERS):
                target = 50 + i % 7
                actual = round(target * (0.8 + ((i * 31 + q * 7) % 40) / 100), 1)
                out.writerow([AREA, code, f"Indicator {code}", board, "higher_is_better", period, target, actual,
                              f"{code} at {period}: as reported by the lead officer."])  # fmt: skip
                written.setdefault(code, []).append((period, actual))
    return written


def start_import(path: Path, url: str) -> subprocess.Popen:
    """One `laa import FILE --format json` process, loaded and waiting for go."""
    env = {**os.environ, "LAA_DATABASE_URL": url}
    # Each file brings boards of its own: whichever comes second adds boards to an area that holds some.
    command = [sys.executable, "-c", LAUNCHER, "import", str(path), "--new-boards", "--format", "json"]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # Nothing else is written until go, so reading this line leaves nothing buffered for communicate().
    line = proc.stderr.readline()
    if not line.startswith("laa-race ready"):
        proc.kill()
        raise AssertionError(f"{path.name}: the import process did not start: {line}{proc.stderr.read()}")
    return proc


def finish(proc: subprocess.Popen, path: Path) -> Process:
    out, err = proc.communicate(timeout=180)
    ended = time.time()
    marks, rest = {}, []
    for line in err.splitlines(keepends=True):
        if line.startswith("laa-race "):
            _, what, when = line.split()
            marks[what] = float(when)
        else:
            rest.append(line)
    return Process(path.name, proc.returncode, out, "".join(rest), marks["go"], ended, marks)


def race(paths: list[Path], url: str) -> list[Process]:
    """Start one import process per file, let them all go at once, then wait for all of them."""
    procs = [start_import(path, url) for path in paths]
    try:
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        with ThreadPoolExecutor(len(procs)) as pool:
            return list(pool.map(finish, procs, paths))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def run_import(path: Path, url: str) -> Process:
    return race([path], url)[0]


_numbers = itertools.count(1)


@contextlib.contextmanager
def fresh_database(backend: str, request, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new database on the session's PostgreSQL server."""
    n = next(_numbers)
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'race{n}.sqlite3'}"
        return
    with postgres_database(request.getfixturevalue("postgres_server"), f"laa_race_{os.getpid()}_{n}") as url:
        yield url


@contextlib.contextmanager
def store_at(url: str, monkeypatch) -> Iterator[None]:
    """Point the in-process `laa` (tests.conftest.laa) at url."""
    monkeypatch.setenv("LAA_DATABASE_URL", url)
    try:
        yield
    finally:
        make_engine(url).dispose()


@pytest.mark.parametrize("schema", ["initialised", "made by two `laa init` at once"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_imports_at_once_both_stored(backend, schema, request, tmp_path, monkeypatch):
    files = {name: write_file(tmp_path / name, *spec) for name, spec in FILES.items()}
    paths = [tmp_path / name for name in files]
    rows = {name: sum(len(v) for v in written.values()) for name, written in files.items()}
    assert all(n >= 5000 for n in rows.values())
    report = []
    for round_ in range(1, ROUNDS + 1):
        with fresh_database(backend, request, tmp_path) as url, store_at(url, monkeypatch):
            if schema == "initialised":
                assert laa("init").code == 0
            else:
                init_twice_at_once(url)
            processes = race(paths, url)
            for i, p in enumerate(processes):
                if p.code != 0 and p.said_retry:
                    processes[i] = retried = run_import(tmp_path / p.file, url)
                    assert retried.code == 0, f"retry of {p.file} failed ({retried.code}): {retried.err}"
            for p in processes:
                assert p.code == 0, f"round {round_}: `laa import {p.file}` exited {p.code}: {p.err}"
            report.append(overlap(round_, processes))
            check_store(url, files, rows, processes)
    print(f"\n{backend}, schema {schema}:\n" + "\n".join(report))
    # The processes ran at the same time in every round (overlap() asserts it), and in at least one round the
    # import that got the lock second asked for it while the other held it: the imports really raced for the
    # same area and boards. (Every round usually contends; one is required so a busy machine cannot fail it.)
    assert any("lock contended" in line for line in report), report


def init_twice_at_once(url: str) -> None:
    """Two `laa init` processes on a database with no schema yet: both succeed, and the schema is made once."""
    env = {**os.environ, "LAA_DATABASE_URL": url}
    command = [sys.executable, "-m", "dashboard.cli", "init"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.startswith("database ready"), out


def overlap(round_: int, processes: list[Process]) -> str:
    a, b = processes
    assert a.started < b.ended and b.started < a.ended, "the two processes did not run at the same time"
    first, second = sorted(processes, key=lambda p: p.marks["holding"])
    contended = second.marks["asked"] < first.marks["released"]
    both_alive = min(a.ended, b.ended) - max(a.started, b.started)
    return (
        f"round {round_}: processes overlapped {both_alive:.2f} s; {first.file} held the lock "
        f"{first.marks['released'] - first.marks['holding']:.2f} s; {second.file} asked "
        f"{first.marks['released'] - second.marks['asked']:.2f} s before it was released and waited "
        f"{second.marks['holding'] - second.marks['asked']:.2f} s: "
        + ("lock contended" if contended else "NO lock contention")
    )


def check_store(url: str, files: dict, rows: dict[str, int], processes: list[Process]) -> None:
    # Each process stored its whole file as new rows and new targets.
    outcome = {p.file: json.loads(p.out) for p in processes}
    for name, written in files.items():
        s = outcome[name]
        assert (s["rows_read"], s["rows_new"], s["rows_changed"]) == (rows[name], rows[name], 0), s
        assert s["targets_new"] == len(written), s
        assert s["batch"] is not None and not s["dry_run"], s
    assert len({s["batch"] for s in outcome.values()}) == 2

    # Two batches, one per file.
    batches = laa("batches", "--format", "json")
    assert batches.code == 0, batches.err
    listed = {b["file_name"]: b for b in batches.json()["batches"]}
    assert set(listed) == set(files)
    for name in files:
        b = listed[name]
        assert (b["id"], b["rows_new"], b["rolled_back_at"]) == (outcome[name]["batch"], rows[name], None)

    # One area, six boards (Wellbeing and Safer Communities once each whatever the spelling), every target.
    summary = laa("summary", "--format", "json")
    assert summary.code == 0, summary.err
    result = summary.json()
    assert result["area"] == AREA
    expected_boards: dict[str, int] = {}
    for codes, boards in FILES.values():
        for i in range(len(codes)):
            key = " ".join(boards[i % len(boards)].split()).casefold()
            expected_boards[key] = expected_boards.get(key, 0) + 1
    stored_boards = {b["theme_board"].casefold(): b["targets"] for b in result["boards"]}
    assert stored_boards == expected_boards
    assert result["total"]["targets"] == sum(len(w) for w in files.values()) == 200

    # Every period of one code from each file, with the file's figures, current, in that file's batch.
    for name, written in files.items():
        for code in (next(iter(written)), list(written)[-1]):
            history = laa("history", code, "--format", "json")
            assert history.code == 0, history.err
            versions = history.json()["history"]
            assert [(v["period"], v["actual"]) for v in versions] == written[code]
            assert all(v["current"] and v["batch_id"] == outcome[name]["batch"] for v in versions)

    # And every row of both files, counted in the store.
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(PeriodValue).where(PeriodValue.is_current))
    assert stored == sum(rows.values())


def test_an_all_areas_read_sees_one_moment_when_an_import_commits_between_its_queries(engine, tmp_path, monkeypatch):
    # Two areas green as at 2006/07 Q2, then a batch making them amber, adding 2006/07 Q3 (red) and a third area:
    # committed, here for certain, after the all-areas read has taken the areas and the quarter but before it
    # takes the targets and the values.
    stored, later = tmp_path / "two_areas.csv", tmp_path / "three_areas.csv"
    national_file(stored, 2, 2, lambda q: 120)
    national_file(later, 3, 3, lambda q: 50 if q == 2 else 97)
    assert import_file(engine, stored, acting()).batch_id == 1
    targets_frame = position.targets_frame

    def import_then_read_targets(conn, ids):
        monkeypatch.setattr(position, "targets_frame", targets_frame)
        assert import_file(engine, later, acting(), new_boards=True).batch_id == 2
        return targets_frame(conn, ids)

    monkeypatch.setattr(position, "targets_frame", import_then_read_targets)
    statuses, as_at = every_area_statuses(engine)
    assert (as_at.label, area_breakdown(statuses)[1]) == ("2006/07 Q2", total(396, green=396))
    statuses, as_at = every_area_statuses(engine)  # the next read sees all of the batch
    assert (as_at.label, area_breakdown(statuses)[1]) == ("2006/07 Q3", total(594, red=594))


def total(targets: int, red: int = 0, green: int = 0) -> dict:
    """Rule 3's total of targets all red or all green."""
    pct = {"red_pct": 100.0 if red else 0.0, "amber_pct": 0.0, "green_pct": 100.0 if green else 0.0}
    return {"targets": targets, "red": red, "amber": 0, "green": green, "data_awaited": 0, **pct,
            "data_awaited_pct": 0.0}  # fmt: skip
