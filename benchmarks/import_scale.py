"""How fast is the quarterly import at scale, compared with just reading the file?

Generates a realistic import CSV (NI 1..NI 198 plus local codes, theme boards, quarters over many years,
targets, actuals, some rag, commentary) and times, each on fresh databases:

  floor        reading the file with Python's csv module into lists (and pandas.read_csv, dtype=str)
  dry run      import_bytes(..., dry_run=True) on an empty store
  import       the real import into an empty store
  re-import    the identical file again (nothing changes)
  10% changed  a file where 10% of the actuals changed

Run from the project root:

    .venv/bin/python benchmarks/import_scale.py --rows 100000 --repeat 3
    .venv/bin/python benchmarks/import_scale.py --database-url postgresql+psycopg://laa@127.0.0.1:5433/postgres
    .venv/bin/python benchmarks/import_scale.py --rows 100000 --repeat 1 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import itertools
import math
import os
import platform
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import sqlalchemy  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

from dashboard.access.permissions import LOCAL_ADMIN  # noqa: E402
from dashboard.store.engine import make_engine  # noqa: E402
from dashboard.store.schema import upgrade  # noqa: E402
from dashboard.write.importer import import_bytes  # noqa: E402

HEADER = [
    "indicator_code",
    "indicator_name",
    "theme_board",
    "target_type",
    "lead_partner",
    "polarity",
    "unit",
    "period",
    "target",
    "actual",
    "rag",
    "commentary",
    "remedial_action",
]
BOARDS = [
    "Enterprise",
    "Wellbeing",
    "Safer Communities",
    "Children's Trust",
    "Better Places",
    "Integrated Housing",
    "PMG",
    "Economic Vitality",
]
PARTNERS = ["Jobcentre Plus", "Haringey Council", "NHS Haringey", "Metropolitan Police", "Connexions", None]
TYPES = ["designated", "mandatory education", "local", "stretch", "safeguarding"]
UNITS = ["%", "number", "rate per 1,000", "days", "£"]
RAGS = ["Red", "amber", "G", "data awaited", "R", "Green"]
COMMENTS = [
    "On track at {p}; the lead officer expects to meet the year-end target.",
    "Slightly behind profile at {p}; expected to recover by year end.",
    "Off track at {p}: the recession has hit local employment harder than the London average.",
    "Provisional figure for {p}, to be confirmed when the national dataset is published.",
    "Improved on the previous quarter after the new service model was introduced.",
]
REMEDIES = [
    "Recovery plan agreed at the board; lead officer reports progress monthly to PMG.",
    "Keep under review at the next board meeting.",
]
AREA = "Haringey"


# ------------------------------------------------------------------------------------------------ the file


def quarter_labels(count: int, first_year: int = 2000) -> list[str]:
    """count financial quarters from first_year/.. Q1 on: '2000/01 Q1', '2000/01 Q2', ..."""
    out = []
    for i in range(count):
        year, quarter = first_year + i // 4, i % 4 + 1
        out.append(f"{year}/{(year + 1) % 100:02d} Q{quarter}")
    return out


def indicator_codes(count: int, prefix: str = "LOC") -> list[str]:
    """NI 1..NI 198 first, then local codes such as 'LOC 001'."""
    codes = [f"NI {n}" for n in range(1, min(count, 198) + 1)]
    codes += [f"{prefix} {n:03d}" for n in range(1, count - len(codes) + 1)]
    return codes


def shape(rows: int, periods: int) -> tuple[int, int]:
    """(targets, periods) with targets × periods >= rows; exactly rows when periods divides it."""
    periods = max(1, min(periods, rows))
    return math.ceil(rows / periods), periods


def generate_rows(
    rows: int, periods: int = 100, seed: int = 2009, codes: list[str] | None = None, area: str | None = None
) -> Iterator[list[str]]:
    """The data rows of a realistic import file: one per target per quarter, target-major."""
    rng = random.Random(seed)
    n_targets, n_periods = shape(rows, periods)
    codes = codes or indicator_codes(n_targets)
    labels = quarter_labels(n_periods)
    written = 0
    for t, code in enumerate(codes[:n_targets]):
        board = BOARDS[t % len(BOARDS)]
        polarity = "higher_is_better" if rng.random() < 0.6 else "lower_is_better"
        unit = rng.choice(UNITS)
        base = rng.uniform(5, 95) if unit == "%" else rng.uniform(100, 5000)
        settings = [
            code,
            f"Indicator {code} ({board.lower()})",
            board,
            rng.choice(TYPES),
            rng.choice(PARTNERS) or "",
            polarity,
            unit,
        ]
        for label in labels:
            if written == rows:
                return
            target = base * rng.uniform(0.9, 1.1)
            actual = target * rng.uniform(0.8, 1.2)
            r = rng.random()
            actual_cell = "" if r < 0.08 else _number(actual, unit, rng)
            rag = rng.choice(RAGS) if r < 0.08 or rng.random() < 0.05 else ""
            comment = rng.choice(COMMENTS).format(p=label) if rng.random() < 0.7 else ""
            remedy = rng.choice(REMEDIES) if rng.random() < 0.2 else ""
            row = [*settings, label, f"{target:.1f}", actual_cell, rag, comment, remedy]
            if area is not None:
                row.insert(0, area)
            yield row
            written += 1


def _number(value: float, unit: str, rng: random.Random) -> str:
    """As Excel writes numbers: mostly plain, sometimes 1,234 or 12%."""
    if unit == "%":
        return f"{value:.1f}%" if rng.random() < 0.3 else f"{value:.1f}"
    if value >= 1000 and rng.random() < 0.5:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def with_changed_actuals(rows: list[list[str]], share: float = 0.10, seed: int = 7) -> list[list[str]]:
    """A copy of rows with `share` of the actuals changed (empty actuals get a value)."""
    rng = random.Random(seed)
    actual = HEADER.index("actual")
    out = [list(r) for r in rows]
    for i in rng.sample(range(len(out)), round(len(out) * share)):
        out[i][actual] = f"{rng.uniform(1, 9000):.2f}"
    return out


# ------------------------------------------------------------------------------------------- databases


class Databases:
    """Fresh empty databases, one per measurement: SQLite files in a temp dir, or new PostgreSQL databases."""

    def __init__(self, url: str | None, workdir: Path):
        self.url = url
        self.workdir = workdir
        self.counter = itertools.count(1)
        self.backend = make_url(url).get_backend_name() if url else "sqlite"

    @contextmanager
    def fresh(self) -> Iterator[str]:
        n = next(self.counter)
        if self.backend == "sqlite":
            base = Path(make_url(self.url).database) if self.url else self.workdir / "bench.sqlite3"
            path = base.with_name(f"{base.stem}-{os.getpid()}-{n}{base.suffix or '.sqlite3'}")
            url = f"sqlite:///{path}"
            try:
                yield url
            finally:
                _dispose(url)
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        name = f"laa_bench_{os.getpid()}_{n}"
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(self.url).set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            _dispose(url)
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    def describe(self) -> str:
        if self.backend == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version} (file, WAL)"
        with self.fresh() as url:
            with get_engine(url).connect() as conn:
                version = conn.exec_driver_sql("SHOW server_version").scalar()
            return f"PostgreSQL {version} ({make_url(self.url).render_as_string(hide_password=True)})"


_engines: dict[str, object] = {}


def get_engine(url: str):
    """One engine per store for the whole measurement, as the dashboard server keeps one."""
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def _dispose(url: str) -> None:
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def empty_store(url: str):
    """The engine the package uses, with the schema created (not timed): an empty store."""
    engine = get_engine(url)
    upgrade(engine)
    return engine


# ------------------------------------------------------------------------------------------ measurements


def read_with_csv(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    return len(rows) - 1


def read_with_pandas(path: Path) -> int:
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def do_import(url: str, path: Path, dry_run: bool = False) -> dict:
    outcome = import_bytes(
        get_engine(url), path.read_bytes(), path.name, replace(LOCAL_ADMIN, name="benchmark"), dry_run=dry_run
    )
    return outcome.summary()


def measure(
    repeat: int, setup: Callable | None, run: Callable[[object], object], expect: dict | None = None
) -> list[float]:
    """run(state) `repeat` times, state from the context manager setup() (not timed); only run is timed.

    Each import's summary must match expect, or the figure would mean nothing."""
    times = []
    for _ in range(repeat):
        with (setup or _nothing)() as state:
            start = time.perf_counter()
            result = run(state)
            times.append(time.perf_counter() - start)
        if expect is not None:
            got = {k: result[k] for k in expect}
            if got != expect:
                raise SystemExit(f"unexpected import result: {got}, expected {expect}")
    return times


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the file (default 100000)")
    parser.add_argument("--periods", type=int, default=100, help="quarters per target (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each step (default 3)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: a temp SQLite file); for PostgreSQL a "
        "database the user may CREATE DATABASE from: each measurement gets a fresh database",
    )
    parser.add_argument("--profile", action="store_true", help="also cProfile the real import once: top 25")
    parser.add_argument(
        "--profile-sort", default="cumulative", help="pstats sort key for --profile (default cumulative; try tottime)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files (prints the dir)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="laa-bench-"))
    try:
        run_benchmark(args, workdir)
    finally:
        if args.keep:
            print(f"files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run_benchmark(args, workdir: Path) -> None:
    dbs = Databases(args.database_url, workdir)
    started = time.perf_counter()
    rows = list(generate_rows(args.rows, args.periods))
    n_targets, n_periods = shape(args.rows, args.periods)
    original = write_csv(workdir / "quarter.csv", rows)
    changed = write_csv(workdir / "quarter_corrected.csv", with_changed_actuals(rows))
    n = len(rows)
    n_changed = sum(a != b for a, b in zip(rows, list(csv.reader(changed.open(newline="")))[1:], strict=True))
    print(
        f"file: {n} rows {'=' if n == n_targets * n_periods else '~'} {n_targets} targets x {n_periods} quarters "
        f"({quarter_labels(n_periods)[0]} .. {quarter_labels(n_periods)[-1]}), {len(BOARDS)} boards, "
        f"{original.stat().st_size / 1e6:.1f} MB; corrected file: {n_changed} actuals changed "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    print(
        f"Python {platform.python_version()}, pandas {pd.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"database {dbs.describe()}, {os.cpu_count()} CPUs, --repeat {args.repeat}"
    )

    @contextmanager
    def empty() -> Iterator[str]:
        with dbs.fresh() as url:
            empty_store(url)
            yield url

    @contextmanager
    def loaded() -> Iterator[str]:
        with dbs.fresh() as url:
            empty_store(url)
            do_import(url, original)
            yield url

    steps: list[tuple[str, list[float]]] = [
        ("floor: csv module", measure(args.repeat, None, lambda _: read_with_csv(original))),
        ("pandas.read_csv dtype=str", measure(args.repeat, None, lambda _: read_with_pandas(original))),
        (
            "(b) dry run, empty store",
            measure(
                args.repeat, empty, lambda url: do_import(url, original, dry_run=True), {"rows_new": n, "batch": None}
            ),
        ),
        ("(c) import, empty store", measure(args.repeat, empty, lambda url: do_import(url, original), {"rows_new": n})),
        (
            "(d) re-import identical",
            measure(args.repeat, loaded, lambda url: do_import(url, original), {"rows_unchanged": n, "batch": None}),
        ),
        (
            "(e) import, 10% changed",
            measure(
                args.repeat,
                loaded,
                lambda url: do_import(url, changed),
                {"rows_changed": n_changed, "rows_unchanged": n - n_changed},
            ),
        ),
    ]
    print_table(steps, n)

    if args.profile:
        with empty() as url:
            profiler = cProfile.Profile()
            profiler.enable()
            do_import(url, original)
            profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.profile_sort).print_stats(25)
        print(f"\ncProfile of (c) import into an empty store, top 25 by {args.profile_sort} time:")
        print(out.getvalue().rstrip())


def print_table(steps: list[tuple[str, list[float]]], rows: int) -> None:
    floor, pandas_floor = statistics.median(steps[0][1]), statistics.median(steps[1][1])
    print()
    print(f"{'step':<28} {'median s':>9} {'min s':>8} {'max s':>8} {'rows/s':>11} {'x floor':>8} {'x pandas':>9}")
    for name, times in steps:
        med = statistics.median(times)
        print(
            f"{name:<28} {med:>9.3f} {min(times):>8.3f} {max(times):>8.3f} {rows / med:>11,.0f} {med / floor:>8.1f} "
            f"{med / pandas_floor:>9.1f}"
        )


if __name__ == "__main__":
    main()
