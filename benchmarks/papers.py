"""How long a board paper takes to write (PDF, Excel, CSV), against fpdf2 writing one page in the same font.

The demo partnership is loaded into a temp SQLite store. Each paper is the one the Theme board page offers for its
download buttons (`dashboard.read.views.board_targets`, then `reports.board_paper`):

  floor                    fpdf2: one landscape A4 page with DejaVu Sans loaded and one line of text, as bytes
  <board> red / all        a board's red targets, or all of them
  partnership all          every target of the partnership in one paper (the largest the demo gives)

Each measurement runs in a child process of the project's Python with PYTHONPATH set to a checkout, so that
--compare-with DIR can time another checkout (e.g. the code before a change, exported to a temp dir) in the same
rounds. A round writes each paper once in each checkout, after one paper not counted (the first loads the
libraries); rounds are interleaved so that a burst of load from other work falls on both alike. Printed: the median,
min and max of each, and the median as a multiple of the floor's median from the same run.

A benchmark, not a test: pytest never collects it. Run from the project root:

    .venv/bin/python benchmarks/papers.py                     # 5 rounds
    .venv/bin/python benchmarks/papers.py --repeat 9 --compare-with /tmp/laa-before
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in the child: times each paper once (after a warm-up) and prints {case: seconds} as JSON.
CHILD = """
import gc, json, sys, time
from dashboard.domain.rules import Status
from dashboard.papers import reports
from dashboard.papers.fonts import UNICODE_FONTS
from dashboard.read.breakdown import worst_first
from dashboard.read.position import load_position
from dashboard.read.views import board_targets
from dashboard.store.engine import make_engine
from fpdf import FPDF

position = load_position(make_engine(sys.argv[1]))
statuses = position.statuses(None)


def paper(board, show_all):
    shown = worst_first(statuses) if board is None else board_targets(statuses, board, show_all=show_all)
    status = None if show_all else Status.RED
    return reports.board_paper(position, None, board, shown, reports.describe(len(shown), status))


def floor():
    pdf = FPDF(orientation="L", format="A4")
    font = next(p for p in UNICODE_FONTS if p.exists())
    pdf.add_font("DejaVu", "", str(font))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 6, "Haringey: 9 red targets, Children's Trust, as at 2009/10 Q3")
    return bytes(pdf.output())


cases = {"floor": floor}
for board, show_all in (("Children's Trust", False), ("Enterprise", False), ("Enterprise", True), (None, True)):
    name = f"{board or 'partnership'} {'all' if show_all else 'red'}"
    made = paper(board, show_all)
    cases[f"{name} ({len(made.rows)}) PDF"] = lambda made=made: reports.paper_pdf(made)
    cases[f"{name} ({len(made.rows)}) Excel"] = lambda made=made: reports.paper_xlsx(made)
    cases[f"{name} ({len(made.rows)}) CSV"] = lambda made=made: reports.paper_csv(made)
reports.paper_pdf(paper("Enterprise", False))  # not counted: the first paper loads the libraries
out = {}
for name, make in cases.items():
    gc.collect()  # the garbage of the paper before is not collected on this one's time
    start = time.perf_counter()
    assert make()
    out[name] = time.perf_counter() - start
print(json.dumps(out))
"""


def one_round(checkout: Path, url: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, url], env=env, cwd=checkout, capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare-with", type=Path, help="another checkout, timed in the same rounds")
    args = parser.parse_args()
    checkouts = {"this": ROOT} | ({"other": args.compare_with.resolve()} if args.compare_with else {})
    with tempfile.TemporaryDirectory(prefix="laa-papers-") as tmp:
        url = f"sqlite:///{tmp}/laa.sqlite3"
        env = {**os.environ, "LAA_DATABASE_URL": url, "LAA_LOG_FILE": f"{tmp}/laa.log"}
        for command in ("init", "demo"):
            subprocess.run([sys.executable, "-m", "dashboard.cli", command], env=env, cwd=ROOT, check=True,
                           capture_output=True)  # fmt: skip
        times: dict[str, dict[str, list[float]]] = {name: {} for name in checkouts}
        for _ in range(args.repeat):
            for name, checkout in checkouts.items():
                for case, seconds in one_round(checkout, url).items():
                    times[name].setdefault(case, []).append(seconds)
    # The floor runs the same code in every checkout: one median over all of them, so the ratios compare.
    floor = statistics.median(s for cases in times.values() for s in cases["floor"])
    print(f"floor median {floor * 1000:.0f} ms over {args.repeat} rounds of each checkout")
    for name, cases in times.items():
        print(f"{name} checkout ({checkouts[name]}), {args.repeat} rounds")
        print(f"  {'paper':<40} {'median ms':>9} {'min':>6} {'max':>6} {'x floor':>8}")
        for case, seconds in cases.items():
            median = statistics.median(seconds)
            print(
                f"  {case:<40} {median * 1000:>9.0f} {min(seconds) * 1000:>6.0f} {max(seconds) * 1000:>6.0f}"
                f" {median / floor:>8.1f}"
            )


if __name__ == "__main__":
    main()
