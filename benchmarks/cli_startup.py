"""How long does the `laa` command take to answer `--help` or a usage mistake, against Python importing Typer?

Each measurement is a child process of the project's Python (the one running this script), timed from start to
exit with `time.perf_counter`, its output checked so that a figure cannot come from a run that did something else:

  floor             `python -c "import typer"`: Python starting and loading the command line library
  typer + pydantic  `python -c "import typer._adapters"`: the same and the pydantic Typer loads to coerce a
                    command's parameters (as it parses them, so before it can say that an argument is missing);
                    printed for reference: the ratios are to the floor
  laa --help        the command list
  unknown command   `laa nosuchcommand` (click's usage error, exit 2)
  missing argument  `laa history` with no indicator code (click's usage error, exit 2)

`laa` runs as `python -c "from dashboard.cli import main; main()" ARGS` with PYTHONPATH set to the checkout (as
benchmarks/preview_scale.py runs it), in an empty temp directory, without LAA_ variables, and with bytecode
written to and read from __pycache__ as on a user's machine (PYTHONDONTWRITEBYTECODE is dropped for the children).
The commands are run --repeat times each, interleaved (one of each per round, the order rotated every round) after
one round not counted, so a burst of load from other work falls on all of them alike. Printed: the median, min and
max of each, and the median as a multiple of the floor's median from the same run. Goal: --help and each usage
mistake within 1.5 x the floor; a verdict is printed for each.

--compare-with DIR times another checkout's `laa` (e.g. the code before a change, exported to a temp dir) in the
same rounds.

A benchmark, not a test: pytest never collects it (testpaths = tests) and it needs to be run by hand.
Run from the project root:

    .venv/bin/python benchmarks/cli_startup.py                     # 20 rounds
    .venv/bin/python benchmarks/cli_startup.py --repeat 40 --compare-with /tmp/laa-before
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAA = "from dashboard.cli import main; main()"
GOAL = 1.5
"""--help and a usage mistake within this multiple of the floor (medians of the same run)."""


@dataclass(frozen=True)
class Step:
    name: str
    command: list[str]
    root: Path | None  # the checkout on PYTHONPATH (None: the floor, which imports no project code)
    code: int  # the exit status it must end with
    expect: str  # text its stdout or stderr must hold


def steps(roots: list[tuple[str, Path]]) -> list[Step]:
    python = sys.executable
    found = [
        Step("floor: python -c 'import typer'", [python, "-c", "import typer"], None, 0, ""),
        Step("typer + pydantic (typer._adapters)", [python, "-c", "import typer._adapters"], None, 0, ""),
    ]
    for label, root in roots:
        laa = [python, "-c", LAA]
        found += [
            Step(f"{label}laa --help", [*laa, "--help"], root, 0, "Usage: laa [OPTIONS] COMMAND [ARGS]..."),
            Step(f"{label}laa nosuchcommand", [*laa, "nosuchcommand"], root, 2, "No such command 'nosuchcommand'."),
            Step(f"{label}laa history (no code)", [*laa, "history"], root, 2, "Missing argument 'code'."),
        ]
    return found


def run(step: Step, cwd: Path) -> float:
    """One run of the step: its wall-clock seconds; stops the benchmark if it ends otherwise than expected."""
    # Bytecode written and read as on a user's machine (the warm-up round writes it), even where the environment
    # says not to write it (PYTHONDONTWRITEBYTECODE=1 would compile the checkout's modules from source every run).
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAA_") and k != "PYTHONDONTWRITEBYTECODE"}
    if step.root is not None:
        env["PYTHONPATH"] = str(step.root)
    start = time.perf_counter()
    done = subprocess.run(step.command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != step.code or step.expect not in done.stdout + done.stderr:
        raise SystemExit(
            f"{step.name}: exit {done.returncode} (expected {step.code}), output:\n{done.stdout}{done.stderr}"
        )
    return seconds


def measure(all_steps: list[Step], repeat: int, cwd: Path) -> dict[str, list[float]]:
    """repeat rounds of every step, one of each per round, each round starting one step later than the last."""
    for step in all_steps:  # a round not counted: .pyc files written, files in the page cache
        run(step, cwd)
    times: dict[str, list[float]] = {step.name: [] for step in all_steps}
    for n in range(repeat):
        shift = n % len(all_steps)
        for step in all_steps[shift:] + all_steps[:shift]:
            times[step.name].append(run(step, cwd))
    return times


def table(times: dict[str, list[float]]) -> None:
    floor = statistics.median(next(iter(times.values())))
    print(f"{'step':<42} {'median s':>9} {'min s':>8} {'max s':>8} {'x floor':>8}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<42} {med:>9.3f} {min(values):>8.3f} {max(values):>8.3f} {med / floor:>8.2f}")
    for name, values in times.items():
        if name.startswith("laa "):
            ratio = statistics.median(values) / floor
            print(f"{name} / floor = {ratio:.2f} ({'meets' if ratio <= GOAL else 'MISSES'} the goal <= {GOAL})")


def _load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="rounds: runs of each command (default 20)")
    parser.add_argument("--compare-with", metavar="DIR", help="also time the `laa` of this other checkout")
    args = parser.parse_args()
    roots = [("", ROOT)]
    if args.compare_with:
        roots.append(("other: ", Path(args.compare_with).resolve()))
    print(f"Python {platform.python_version()} ({sys.executable}), {os.cpu_count()} CPUs, load {_load()}")
    print(f"{args.repeat} rounds; this checkout {ROOT}" + (f"; other {roots[1][1]}" if args.compare_with else ""))
    with tempfile.TemporaryDirectory(prefix="laa-startup-bench-") as cwd:
        times = measure(steps(roots), args.repeat, Path(cwd))
    table(times)
    print(f"load at the end {_load()}")


if __name__ == "__main__":
    main()
