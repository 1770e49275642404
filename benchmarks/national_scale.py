"""Every partnership on one store: a national file imported and read, against floors measured in the same run.

Generates a national file in the import format: AREAS areas × 198 national indicators × 16 quarters (400 areas:
1,267,200 rows), nine columns, about 10 % data awaited, a third of the indicators lower is better, some
commentary. Then prints one table, each step in a child process as `laa` runs, with its median time, its peak
memory and its ratio to the step's floor:

  floor: read + insert   pandas.read_csv of the file (dtype=str) and one executemany into an indexed plain
                         SQLite table: the least any import of the file can do
  laa import             into an empty store; the identical file again; a file with 10 % of the actuals changed
  floor: import typer    `python -c "import typer"`, the floor of `laa --help`
  laa --help
  one area's reads       summary, ranking, exceptions and benchmark --area for one area: what each adds to its
                         own start-up (a child importing what a read command loads)
  all areas              summary --all-areas and ranking --all-areas, against summary --area

Run from the project root (a full run takes about half an hour on the 2-core machine):

    .venv/bin/python benchmarks/national_scale.py --areas 400 --repeat 3
    .venv/bin/python benchmarks/national_scale.py --areas 20 --repeat 1      # a quick look
    .venv/bin/python benchmarks/national_scale.py --postgres postgresql+psycopg://laa@127.0.0.1:5433/postgres

With --postgres each store is a new database on that server (created and dropped by the script); the floor stays
SQLite's. The pages (page_timings.py) are the helicopter view, the Areas page and a target page with its benchmark
in Chromium, on the national store and on the demo store (each with a dashboard of its own); --no-pages leaves
them out.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import pandas as pd  # noqa: E402
from preview_scale import drop_store, laa  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

HEADER = [
    "area",
    "parent_area",
    "indicator_code",
    "indicator_name",
    "theme_board",
    "polarity",
    "period",
    "target",
    "actual",
    "commentary",
]
BOARDS = ["Children's Trust", "Wellbeing", "Safer Communities", "Economy", "Environment", "Housing", "Cohesion"]
INDICATORS = 198
QUARTERS = 16


def quarter_labels(count: int = QUARTERS, first_year: int = 2006) -> list[str]:
    return [f"{first_year + q // 4}/{(first_year + q // 4 + 1) % 100:02d} Q{q % 4 + 1}" for q in range(count)]


def generate(path: Path, areas: int, seed: int = 2026) -> int:
    """The national file; returns its rows. Every area holds every indicator; a tenth of the actuals are empty."""
    rng = random.Random(seed)
    quarters = quarter_labels()
    lower = {code for code in range(1, INDICATORS + 1) if code % 3 == 0}
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for a in range(1, areas + 1):
            area = f"Area {a:03d}"
            # Counties and their districts: Area 001 holds Areas 002-004 as districts, Area 011 Areas 012-014...
            parent = f"Area {a - a % 10 + 1:03d}" if a % 10 in (2, 3, 4) else ""
            for code in range(1, INDICATORS + 1):
                polarity = "lower_is_better" if code in lower else "higher_is_better"
                base = rng.uniform(10, 1000)
                for label in quarters:
                    actual = "" if rng.random() < 0.10 else f"{base * rng.uniform(0.8, 1.2):.1f}"
                    note = "Behind plan: recovery actions agreed." if actual and rng.random() < 0.05 else ""
                    out.writerow(
                        [area, parent, f"NI {code}", f"Indicator {code}", BOARDS[code % len(BOARDS)], polarity, label,
                         f"{base:.1f}", actual, note]
                    )  # fmt: skip
                    rows += 1
    return rows


def changed(path: Path, out: Path, share: float = 0.10, seed: int = 7) -> Path:
    """The same file with `share` of the reported actuals changed."""
    rng = random.Random(seed)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    reported = frame.index[frame["actual"] != ""]
    picked = rng.sample(list(reported), int(len(reported) * share))
    frame.loc[picked, "actual"] = [f"{float(v) + 1:.1f}" for v in frame.loc[picked, "actual"]]
    frame.to_csv(out, index=False)
    return out


def floor(path: Path, workdir: Path) -> float:
    """Read the file with pandas and insert every row into an indexed plain SQLite table in one executemany."""
    db = workdir / "floor.sqlite3"
    drop_store(db)
    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    conn = sqlite3.connect(db)
    conn.execute(f"CREATE TABLE rows ({', '.join(HEADER)})")
    conn.execute("CREATE INDEX rows_key ON rows (area, indicator_code, period)")
    conn.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(HEADER))})", frame.itertuples(False, None))
    conn.commit()
    conn.close()
    seconds = time.perf_counter() - start
    drop_store(db)
    return seconds


class Stores:
    """New empty stores, each a SQLite file or (with --postgres) a new database on that server."""

    def __init__(self, workdir: Path, postgres: str | None):
        self.workdir, self.postgres, self.made = workdir, postgres, 0

    def new(self) -> str:
        self.made += 1
        if self.postgres is None:
            url = f"sqlite:///{self.workdir / f'store{self.made}.sqlite3'}"
        else:
            name = f"laa_national_{self.made}"
            self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            url = make_url(self.postgres).set(database=name).render_as_string(hide_password=False)
        laa(ROOT, url, "init")
        return url

    def drop(self, url: str) -> None:
        if self.postgres is None:
            drop_store(Path(make_url(url).database))
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}"')

    def _admin(self, *statements: str) -> None:
        engine = create_engine(self.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
        engine.dispose()


def timed(repeat: int, run: Callable[[], tuple[float, int]]) -> tuple[list[float], int]:
    """run() `repeat` times: the seconds of each, and the largest peak RSS (kB)."""
    seconds, peaks = [], []
    for _ in range(repeat):
        took, rss = run()
        seconds.append(took)
        peaks.append(rss)
    return seconds, max(peaks)


def imports(args, stores: Stores, path: Path, again: Path) -> dict[str, tuple[list[float], int]]:
    """The first import into an empty store, the identical file again, and the changed file, each on its own store."""
    out: dict[str, tuple[list[float], int]] = {}

    def first() -> tuple[float, int]:
        url = stores.new()
        try:
            took, rss, _ = laa(ROOT, url, "import", str(path))
        finally:
            stores.drop(url)
        return took, rss

    def second(file: Path) -> Callable[[], tuple[float, int]]:
        def run() -> tuple[float, int]:
            url = stores.new()
            try:
                laa(ROOT, url, "import", str(path))
                took, rss, _ = laa(ROOT, url, "import", str(file))
            finally:
                stores.drop(url)
            return took, rss

        return run

    out["laa import, empty store"] = timed(args.repeat, first)
    out["laa import, identical file again"] = timed(args.repeat, second(path))
    out["laa import, 10 % of actuals changed"] = timed(args.repeat, second(again))
    return out


def reads(args, stores: Stores, path: Path) -> dict[str, tuple[list[float], int]]:
    """Start-up, one area's reads and the all-areas reads, on one store holding the national file."""
    url = stores.new()
    out: dict[str, tuple[list[float], int]] = {}
    try:
        laa(ROOT, url, "import", str(path))
        steps = {
            "floor: python -c 'import typer'": ("-c", "import typer"),
            "laa --help": ("--help",),
            "floor: a read command's imports": ("-c", READ_IMPORTS),
            "laa summary --area 'Area 001'": ("summary", "--area", "Area 001"),
            "laa ranking --area 'Area 001'": ("ranking", "--area", "Area 001"),
            "laa exceptions --area 'Area 001'": ("exceptions", "--area", "Area 001"),
            "laa benchmark 'NI 1' --area 'Area 001'": ("benchmark", "NI 1", "--area", "Area 001"),
            "laa summary --all-areas": ("summary", "--all-areas"),
            "laa ranking --all-areas": ("ranking", "--all-areas"),
            "laa summary --area 'Area 001' --by-district": ("summary", "--area", "Area 001", "--by-district"),
        }
        for name, command in steps.items():
            if command[0] == "-c":
                out[name] = timed(args.repeat, lambda c=command: laa(ROOT, url, code=c[1])[:2])
            else:
                out[name] = timed(args.repeat, lambda c=command: laa(ROOT, url, *c)[:2])
        if args.pages:
            out |= pages(args, stores, url)
    finally:
        stores.drop(url)
    return out


NATIONAL_PAGES = {
    "page: helicopter view, national": ("/?area=Area+001", "Each district's targets by status"),
    "page: Areas, national": ("/areas", "areas as at"),
    "page: target with benchmark, national": ("/target?area=Area+001&target=NI+1", "Against the other areas"),
}
DEMO_PAGES = {
    "page: helicopter view, demo": ("/", "Each board's targets by status"),
    "page: target, demo": ("/target?target=NI+117", "Every period"),
}


def pages(args, stores: Stores, national: str) -> dict[str, tuple[list[float], int]]:
    """The pages in Chromium on the national store and on the demo store (page_timings.py), peak memory not
    measured (0)."""
    from page_timings import page_seconds

    demo = stores.new()
    try:
        laa(ROOT, demo, "demo")
        timed_pages = page_seconds(demo, DEMO_PAGES, args.repeat, stores.workdir)
        timed_pages |= page_seconds(national, NATIONAL_PAGES, args.repeat, stores.workdir)
    finally:
        stores.drop(demo)
    return {name: (seconds, 0) for name, seconds in timed_pages.items()}


READ_IMPORTS = (
    "import dashboard.cli, dashboard.read.position, dashboard.read.views, dashboard.read.benchmark, "
    "dashboard.domain.output, dashboard.store.engine"
)
"""What a read command loads before it reads the store (pandas, SQLAlchemy, the read side): its own start-up."""

RATIOS = {
    "laa import, empty store": ("floor: read + insert", 1.2),
    "laa import, identical file again": ("floor: read + insert", 0.5),
    "laa import, 10 % of actuals changed": ("floor: read + insert", 1.0),
    "laa --help": ("floor: python -c 'import typer'", 1.5),
    "laa summary --all-areas": ("laa summary --area 'Area 001'", 1.5),
    "page: helicopter view, national": ("page: helicopter view, demo", 1.2),
    "page: Areas, national": ("page: helicopter view, demo", 1.5),
    "page: target with benchmark, national": ("page: target, demo", None),
}
"""Each step measured against its floor, with the goal of issue 17 where it sets one."""


def report(results: dict[str, tuple[list[float], int]]) -> None:
    print(f"{'step':<42} {'median s':>9} {'min s':>8} {'max s':>8} {'peak MB':>8}  against")
    for name, (seconds, rss) in results.items():
        med = statistics.median(seconds)
        against = ""
        if name in RATIOS:
            base, goal = RATIOS[name]
            ratio = med / statistics.median(results[base][0])
            against = f"{ratio:.2f} x {base}"
            if goal is not None:
                against += f" (goal <= {goal}: {'meets' if ratio <= goal else 'MISSES'})"
        elif name.startswith("laa ") and "--area " in name:
            start = statistics.median(results["floor: a read command's imports"][0])
            extra = (med - start) / start
            against = f"adds {extra:.2f} x its start-up (goal <= 0.2: {'meets' if extra <= 0.2 else 'MISSES'})"
        print(f"{name:<42} {med:>9.2f} {min(seconds):>8.2f} {max(seconds):>8.2f} {rss / 1024:>8.0f}  {against}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=400, help="areas in the national file (default 400)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each step (default 3)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server's URL: stores as new databases on it")
    parser.add_argument("--no-pages", dest="pages", action="store_false", help="leave out the pages in Chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="laa-national-") as tmp:
        workdir = Path(tmp)
        path = workdir / "national.csv"
        rows = generate(path, args.areas)
        again = changed(path, workdir / "national_changed.csv")
        print(f"{args.areas} areas x {INDICATORS} indicators x {QUARTERS} quarters = {rows:,} rows, "
              f"{path.stat().st_size / 1e6:.0f} MB; {args.repeat} run(s) of each step; "
              f"store: {'PostgreSQL' if args.postgres else 'SQLite'}")  # fmt: skip
        stores = Stores(workdir, args.postgres)
        results: dict[str, tuple[list[float], int]] = {}
        results["floor: read + insert"] = ([floor(path, workdir) for _ in range(args.repeat)], 0)
        results |= imports(args, stores, path, again)
        results |= reads(args, stores, path)
        report(results)


if __name__ == "__main__":
    main()
