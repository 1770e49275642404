"""Concurrent use of one store, on SQLite and on PostgreSQL.

Two `laa import` processes at once into one fresh database: both files stored whole, as two batches.

The two files have different indicator codes but the same area and some of the same theme boards (one spelled
in another case), so both imports want to create the same area and board rows. Each race is run a few times,
each time on a fresh database, on SQLite and on PostgreSQL, and each time the test checks that the two
imports really overlapped: that the second one asked for the import lock while the first one held it.

A national import while others read: every read, however it falls against the import's write, sees the store as
it was before the batch or with the whole batch, never part of it, and reads go on answering while it writes.
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
from sqlalchemy import Engine, func, select

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


# The national import: 30 areas x 198 indicators x 5 quarters stored first, every actual 120 against a target of
# 100 (green); then a file of 36 areas x 6 quarters that changes every one of those 29,700 figures to 97 (amber:
# within the 5 % tolerance) and adds a sixth quarter at 50 (red) and six new areas: 42,768 rows, 13,068 of them
# new. As at its latest quarter every target is green before the batch and red after it; a read that saw part
# of it would count some other way.
STORED_AREAS, NATIONAL_AREAS, QUARTERS_STORED = 30, 36, 5


@dataclass(frozen=True)
class Read:
    what: str
    started: float
    ended: float
    seen: tuple


# (as at, targets, red, amber, green, data awaited): `laa summary --all-areas`'s total, through the read function.
STATUSES_BEFORE = ("2007/08 Q1", 5_940, 0, 0, 5_940, 0)
STATUSES_AFTER = ("2007/08 Q2", 7_128, 7_128, 0, 0, 0)
# (current values from the stored batch, current values from any later batch, periods with two current values)
COUNTS_BEFORE = (29_700, 0, 0)
COUNTS_AFTER = (0, 42_768, 0)
SEEN = {"statuses": (STATUSES_BEFORE, STATUSES_AFTER), "counts": (COUNTS_BEFORE, COUNTS_AFTER)}
PAUSE = 0.2
"""Seconds between one pair of reads and the next: the import keeps most of the machine's two cores."""

# `laa import ...` as the command line runs it, printing when it starts writing the batch, when it has written
# it all and is about to commit, and when the commit is done: the window in which a read must see none of it.
# With the whole batch written it holds the commit until the test has read (LAA_TEST_GO exists, or a minute has
# passed): on a loaded machine the write alone was once too short for a pair of reads to fit inside it.
MARKED_IMPORT = """
import os, pathlib, sys, time
from contextlib import contextmanager
from dashboard.write import importer
from dashboard.cli import main

def mark(what):
    print(f"laa-mark {what} {time.time():.6f}", file=sys.stderr, flush=True)

_write_plan, _writing = importer.write_plan, importer.writing

def write_plan(conn, plan, uploaded_by):
    mark("writing")
    return _write_plan(conn, plan, uploaded_by)

@contextmanager
def writing(engine):
    with _writing(engine) as conn:
        yield conn
        held, go = (pathlib.Path(os.environ[name]) for name in ("LAA_TEST_HELD", "LAA_TEST_GO"))
        held.touch()
        deadline = time.time() + 60
        while not go.exists() and time.time() < deadline:
            time.sleep(0.05)
        mark("committing")
    mark("committed")

importer.write_plan, importer.writing = write_plan, writing
sys.argv = ["laa", *sys.argv[1:]]
main()
"""


def read_statuses(engine: Engine) -> Read:
    """The all-areas total as `laa summary --all-areas` reads it (every_area_statuses, rule 3 per area)."""
    started = time.time()
    statuses, as_at = every_area_statuses(engine)
    _, total = area_breakdown(statuses)
    seen = (as_at and as_at.label, *(total[k] for k in ("targets", "red", "amber", "green", "data_awaited")))
    return Read("statuses", started, time.time(), seen)


def read_counts(engine: Engine) -> Read:
    """Current values from the first batch and from later ones, and keys with more than one current version: one
    statement, so one view of the store on either backend."""
    started = time.time()
    current = select(func.count()).select_from(PeriodValue).where(PeriodValue.is_current)
    keys = select(PeriodValue.target_id, PeriodValue.period_end).where(PeriodValue.is_current)
    doubled = keys.group_by(PeriodValue.target_id, PeriodValue.period_end).having(func.count() > 1).subquery()
    stmt = select(
        current.where(PeriodValue.batch_id == 1).scalar_subquery(),
        current.where(PeriodValue.batch_id != 1).scalar_subquery(),
        select(func.count()).select_from(doubled).scalar_subquery(),
    )
    with engine.connect() as conn:
        seen = tuple(conn.execute(stmt).one())
    return Read("counts", started, time.time(), seen)


@pytest.mark.parametrize("backend", BACKENDS)
def test_reads_during_a_national_import_see_all_of_its_batch_or_none(backend, request, tmp_path, monkeypatch):
    stored, national = tmp_path / "national_2007.csv", tmp_path / "national_2008.csv"
    assert national_file(stored, STORED_AREAS, QUARTERS_STORED, lambda q: 120) == 29_700
    assert national_file(national, NATIONAL_AREAS, QUARTERS_STORED + 1, lambda q: 50 if q == 5 else 97) == 42_768
    with fresh_database(backend, request, tmp_path) as url, store_at(url, monkeypatch):
        assert laa("init").code == 0
        first = laa("import", str(stored))
        assert first.code == 0 and "stored as batch 1" in first.out, first.err
        engine = make_engine(url)
        assert (read_statuses(engine).seen, read_counts(engine).seen) == (STATUSES_BEFORE, COUNTS_BEFORE)

        held, go = tmp_path / "held", tmp_path / "go"
        env = {**os.environ, "LAA_DATABASE_URL": url, "LAA_TEST_HELD": str(held), "LAA_TEST_GO": str(go)}
        command = [sys.executable, "-c", MARKED_IMPORT, "import", str(national), "--new-boards", "--format", "json"]
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            reads = []
            while proc.poll() is None:  # reading all the while, from before the import starts writing to its end
                holding = held.exists() and not go.exists()
                reads += [read_statuses(engine), read_counts(engine)]
                if holding:  # these two began with the whole batch written and ended before its commit
                    go.touch()
                time.sleep(PAUSE)
            out, err = proc.communicate(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
        reads += [read_statuses(engine), read_counts(engine)]
        engine.dispose()

    marks = {line.split()[1]: float(line.split()[2]) for line in err.splitlines() if line.startswith("laa-mark ")}
    assert proc.returncode == 0, err
    outcome = json.loads(out)
    assert (outcome["batch"], outcome["rows_new"], outcome["rows_changed"]) == (2, 13_068, 29_700)

    # Every read saw the store before the batch or with all of it.
    for read in reads:
        assert read.seen in SEEN[read.what], f"{read.what} read part of the batch: {read.seen} {read}"
    # One ending before the commit began saw none of it; one starting after the commit saw all of it.
    for read in reads:
        before, after = SEEN[read.what]
        if read.ended < marks["committing"]:
            assert read.seen == before, read
        if read.started > marks["committed"]:
            assert read.seen == after, read
    # Reads answered while the batch was being written (all of them started and ended inside the write), so the
    # checks above ran against the half-written batch and readers did not wait for the import.
    during = [r for r in reads if marks["writing"] < r.started and r.ended < marks["committing"]]
    writing = marks["committing"] - marks["writing"]
    print(f"\n{backend}: {len(reads)} reads; the import wrote and held for {writing:.2f} s, {len(during)} within it")
    assert {r.what for r in during} == {"statuses", "counts"}, (writing, reads)


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
