"""How long does `laa import --dry-run` (with its preview) take at scale, and how much memory does a big file take?

Two measurements, each in child processes running the `laa` command exactly as a user would:

  preview  a file of --targets new targets (one row each, with target and actual, so every target gets a
           status) against a store holding the demo partnership: `laa import FILE --dry-run` (read, validate,
           plan, the preview's changed rows and status moves, the printed table) against `laa import FILE`
           (the real import, on a fresh copy of the same store), median of --repeat. Goal: dry run < 2 x import.
           Floors printed from the same run: reading the file with the csv module, and starting a `laa`
           process (Python + imports). Also, in this process, the preview functions alone.
           --compare-with DIR times the dry run of another checkout (e.g. an untouched worktree) on a smaller
           file (--compare-targets, default 5,000: the old preview was quadratic).
  memory   a generated file of --memory-rows rows (default 2,000,000 = 20,000 targets x 100 quarters) in a temp
           dir: the peak resident memory (ru_maxrss of that process, from os.wait4 in a small helper process) of
           `laa import FILE --dry-run` and of the real `laa import FILE`, each into a new empty SQLite store,
           against the goal (< 1,000,000 kB); floors from the same run: a `laa --help` process, and Python with
           the modules an import loads.

A benchmark, not a test: pytest never collects it (testpaths = tests) and it needs to be run by hand.
Run from the project root:

    .venv/bin/python benchmarks/preview_scale.py                          # both, 20,000 targets, 2,000,000 rows
    .venv/bin/python benchmarks/preview_scale.py --targets 2000 --memory-rows 100000 --repeat 1   # quick
    .venv/bin/python benchmarks/preview_scale.py --skip-memory --compare-with /tmp/orig
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import pandas as pd  # noqa: E402
from import_scale import HEADER, generate_rows, read_with_csv, shape, write_csv  # noqa: E402

LAA = "from dashboard.cli import main; main()"
IMPORTS = "import dashboard.cli, dashboard.write.importer, dashboard.write.preview"
"""What every import loads before reading a row (pandas, pyarrow, SQLAlchemy): the floor of its memory."""
MEMORY_GOAL_KB = 1_000_000
"""The goal for the 2,000,000-row file, dry run and real import alike: a peak under 1 GB."""
# Runs a command and writes its own peak RSS (kB) to a file. A child forked straight from this process would
# report this process's high-water mark too (Linux records the old memory map's peak at exec); a grandchild
# forked from this small helper does not.
PEAK = (
    "import os, subprocess, sys; child = subprocess.Popen(sys.argv[2:]); _, status, usage = os.wait4(child.pid, 0); "
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); sys.exit(os.waitstatus_to_exitcode(status))"
)


# --------------------------------------------------------------------------------------------- children


def laa(root: Path, url: str, *args: str, timeout: float | None = None, code: str = LAA) -> tuple[float, int, str]:
    """Run `laa ARGS` (or other code) from the checkout root against url: (seconds, peak RSS in kB, stdout)."""
    env = {**os.environ, "LAA_DATABASE_URL": url, "PYTHONPATH": str(root), "COLUMNS": "100"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        command = [sys.executable, "-c", PEAK, peak.name, sys.executable, "-c", code, *args]
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=err, start_new_session=True)
        try:
            status = _wait(child, timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        rss = int(Path(peak.name).read_text() or 0)
    if status != 0:
        raise SystemExit(f"laa {' '.join(args)} ({root}) exited {status}:\n{stderr[-2000:]}")
    return seconds, rss, stdout


def _wait(child: subprocess.Popen, timeout: float | None) -> int:
    return child.wait(timeout)


def process_floor(root: Path, repeat: int) -> list[float]:
    """Starting Python and importing what `laa import` loads (the command line loads it only when a command runs)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORTS], cwd=root, env=_env(root), check=True)
        times.append(time.perf_counter() - start)
    return times


def _env(root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(root)}


def demo_store(root: Path, path: Path) -> str:
    """A SQLite file holding the demo partnership, made by that checkout's own `laa init` and `laa demo` (not timed)."""
    url = f"sqlite:///{path}"
    laa(root, url, "init")
    laa(root, url, "demo")
    return url


def copy_store(template: Path, path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{path}{suffix}")
    return f"sqlite:///{path}"


def drop_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------ files


def new_targets_file(path: Path, targets: int) -> Path:
    """targets targets the demo store does not hold ('BENCH 00001' ..), one row each with target and actual."""
    codes = [f"BENCH {n:05d}" for n in range(1, targets + 1)]
    rows = [r for r in generate_rows(targets, periods=1, codes=codes)]
    actual = 9  # the column generate_rows leaves empty for 8% of rows: give every row a figure
    for r in rows:
        r[actual] = r[actual] or r[actual - 1]
    return write_csv(path, rows)


def big_file(path: Path, rows: int, periods: int) -> Path:
    """rows rows written as they are generated (never all held in memory)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(generate_rows(rows, periods))
    return path


def _said(stdout: str, pattern: str) -> int:
    found = re.search(pattern, stdout)
    return int(found.group(1)) if found else -1


def check_dry_run(stdout: str, targets: int) -> None:
    """The dry run read every row and previewed every new target, or the figure would mean nothing."""
    read, new = _said(stdout, r"(\d+) rows read"), _said(stdout, r"Status moves it would cause: (\d+) new targets")
    if (read, new) != (targets, targets):
        raise SystemExit(f"unexpected dry run: {read} rows read, {new} new targets previewed:\n{stdout[:600]}")


def check_import(stdout: str, rows: int) -> None:
    if _said(stdout, r"(\d+) new,") != rows or "stored as batch" not in stdout:
        raise SystemExit(f"unexpected import:\n{stdout[:600]}")


# ----------------------------------------------------------------------------------------- measurements


def preview_benchmark(args, workdir: Path) -> None:
    path = new_targets_file(workdir / "new_targets.csv", args.targets)
    template = workdir / "demo.sqlite3"
    demo_store(ROOT, template)
    print(
        f"\n== preview: {args.targets:,} new targets, one row each ({path.stat().st_size / 1e6:.1f} MB), "
        f"against the demo store; laa in child processes, median of {args.repeat}"
    )

    def dry_run(root: Path, store: Path, file: Path, targets: int) -> float:
        store_path = workdir / "measured.sqlite3"
        url = copy_store(store, store_path)
        try:
            seconds, _, out = laa(root, url, "import", str(file), "--dry-run", timeout=args.timeout)
        finally:
            drop_store(store_path)
        check_dry_run(out, targets)
        return seconds

    def real_import(root: Path, store: Path, file: Path, targets: int) -> float:
        store_path = workdir / "measured.sqlite3"
        url = copy_store(store, store_path)
        try:
            seconds, _, out = laa(root, url, "import", str(file), timeout=args.timeout)
        finally:
            drop_store(store_path)
        check_import(out, targets)
        return seconds

    steps = [
        ("floor: csv module read", [_timed(lambda: read_with_csv(path)) for _ in range(args.repeat)]),
        ("floor: start laa (python+imports)", process_floor(ROOT, args.repeat)),
        ("preview alone (in process)", preview_alone(template, path, workdir, args.repeat)),
        ("laa import --dry-run", [dry_run(ROOT, template, path, args.targets) for _ in range(args.repeat)]),
        ("laa import (real)", [real_import(ROOT, template, path, args.targets) for _ in range(args.repeat)]),
    ]
    table(steps)
    dry, real = statistics.median(steps[3][1]), statistics.median(steps[4][1])
    verdict = "meets" if dry < 2 * real else "MISSES"
    print(f"dry run / import = {dry / real:.2f} ({verdict} the goal < 2)")

    if args.compare_with:
        other = Path(args.compare_with).resolve()
        n = args.compare_targets
        small = new_targets_file(workdir / f"new_targets_{n}.csv", n)
        other_template = workdir / "demo-other.sqlite3"
        demo_store(other, other_template)
        print(f"\n== the same at {n:,} new targets, this checkout vs {other} (repeat {args.compare_repeat})")
        steps = [
            ("floor: csv module read", [_timed(lambda: read_with_csv(small)) for _ in range(args.compare_repeat)]),
            ("floor: start laa (python+imports)", process_floor(ROOT, args.compare_repeat)),
            ("this: laa import --dry-run", [dry_run(ROOT, template, small, n) for _ in range(args.compare_repeat)]),
            ("this: laa import (real)", [real_import(ROOT, template, small, n) for _ in range(args.compare_repeat)]),
        ]
        try:
            steps.append(
                (
                    "other: laa import --dry-run",
                    [dry_run(other, other_template, small, n) for _ in range(args.compare_repeat)],
                )
            )
        except subprocess.TimeoutExpired:
            print(f"other: laa import --dry-run did not finish in {args.timeout:.0f} s")
        table(steps)


def preview_alone(template: Path, path: Path, workdir: Path, repeat: int) -> list[float]:
    """preview.changed_rows + preview.status_moves on the dry run's plan, as the CLI calls them (this checkout)."""
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.read.position import load_position
    from dashboard.store.engine import make_engine
    from dashboard.write import preview
    from dashboard.write.importer import import_bytes

    store_path = workdir / "in-process.sqlite3"
    url = copy_store(template, store_path)
    try:
        engine = make_engine(url)
        benchmark = dataclasses.replace(LOCAL_ADMIN, name="benchmark")
        plan = import_bytes(engine, path.read_bytes(), path.name, benchmark, dry_run=True).plan
        position = load_position(engine)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            preview.changed_rows(plan)
            moves = preview.status_moves(plan, position)
            times.append(time.perf_counter() - start)
        if (moves["move"] == "new target").sum() != len(plan.values):
            raise SystemExit(f"unexpected preview: {len(moves)} moves for {len(plan.values)} rows")
        engine.dispose()
    finally:
        drop_store(store_path)
    return times


def memory_benchmark(args, workdir: Path) -> None:
    started = time.perf_counter()
    path = big_file(workdir / "big.csv", args.memory_rows, args.memory_periods)
    targets, periods = shape(args.memory_rows, args.memory_periods)
    size = path.stat().st_size
    print(
        f"\n== peak memory: {args.memory_rows:,} rows = {targets:,} targets x {periods} quarters, "
        f"{size / 1e6:.0f} MB ({size / 2**20:.0f} MiB), generated in {time.perf_counter() - started:.0f} s; "
        "empty SQLite store; laa in a child process, peak RSS = its own ru_maxrss"
    )
    floor = _timed(lambda: read_with_csv(path))
    print(f"floor: csv module read {floor:.1f} s")
    url = f"sqlite:///{workdir / 'floor.sqlite3'}"
    memory_line("floor: laa --help", laa(ROOT, url, "--help")[1], size)
    memory_line("floor: python + the import's modules", laa(ROOT, url, code=IMPORTS)[1], size)
    for name, extra in (("laa import FILE --dry-run", ("--dry-run",)), ("laa import FILE (real)", ())):
        seconds, rss = measured_import(args, workdir, path, extra)
        memory_line(name, rss, size, f" in {seconds:.1f} s ({seconds / floor:.1f} x floor)", goal=True)


def measured_import(args, workdir: Path, path: Path, extra: tuple[str, ...]) -> tuple[float, int]:
    """(seconds, peak RSS in kB) of `laa import path [extra]` into a new empty store, checked to read every row."""
    store = workdir / "memory.sqlite3"
    url = f"sqlite:///{store}"
    laa(ROOT, url, "init")
    try:
        seconds, rss, out = laa(ROOT, url, "import", str(path), *extra, timeout=args.timeout)
    finally:
        drop_store(store)
    if _said(out, r"(\d+) rows read") != args.memory_rows:
        raise SystemExit(f"unexpected result:\n{out[:600]}")
    return seconds, rss


def memory_line(name: str, rss: int, size: int, extra: str = "", goal: bool = False) -> None:
    """One process's peak: kB as ru_maxrss gives it (as /usr/bin/time -v does), MB, and against the file's size."""
    measured = f"{name:<38} peak RSS {rss:>9,} kB = {rss / 1024:>6,.0f} MB"
    if goal:
        verdict = "meets" if rss < MEMORY_GOAL_KB else "MISSES"
        measured += f" ({rss / size * 1024:.1f} x the file){extra}; {verdict} the goal < {MEMORY_GOAL_KB:,} kB"
    print(measured)


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def table(steps: list[tuple[str, list[float]]]) -> None:
    floor = statistics.median(steps[0][1])
    print(f"{'step':<36} {'median s':>9} {'min s':>8} {'max s':>8} {'x floor':>8}")
    for name, times in steps:
        med = statistics.median(times)
        print(f"{name:<36} {med:>9.3f} {min(times):>8.3f} {max(times):>8.3f} {med / floor:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=20_000, help="new targets in the preview file (20000)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each preview step (default 3)")
    parser.add_argument("--compare-with", metavar="DIR", help="also time the dry run of this other checkout")
    parser.add_argument("--compare-targets", type=int, default=5_000, help="file size for --compare-with (5000)")
    parser.add_argument("--compare-repeat", type=int, default=1, help="measurements for --compare-with (1)")
    parser.add_argument("--memory-rows", type=int, default=2_000_000, help="rows of the big file (2000000)")
    parser.add_argument("--memory-periods", type=int, default=100, help="quarters per target in it (100)")
    parser.add_argument("--memory-import", action="store_true", help=argparse.SUPPRESS)  # now always: old commands
    parser.add_argument("--skip-preview", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a child is stopped (900)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files (prints the dir)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each figure shows as it is measured, even into a file or a pipe

    print(f"Python {platform.python_version()}, pandas {pd.__version__}, {os.cpu_count()} CPUs, load {_load()}")
    workdir = Path(tempfile.mkdtemp(prefix="laa-preview-bench-"))
    try:
        if not args.skip_preview:
            preview_benchmark(args, workdir)
        if not args.skip_memory:
            memory_benchmark(args, workdir)
    finally:
        print(f"load at the end {_load()}")
        if args.keep:
            print(f"files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
