"""Write the Haringey demo partnership: dashboard/sample/haringey_demo.csv and haringey_corrections.csv (installed
with the package, so `laa demo` works from a wheel).

Each target (sample_data/demo/targets.csv) has the status path the partnership reported, quarter by quarter
(2008/09 Q4 to 2009/10 Q3) for quarterly targets, or its 2008/09 outturn for annual ones (frequency `annual`), so
the latest position is Table 1 of the Haringey audit (section 2.5.7) and every earlier quarter is as the
partnership saw it. Five quarterly targets (sample_data/demo/history.csv) also have the eleven quarters before,
2006/07 Q1 to 2008/09 Q3, against the same target, so that their XmR charts (read/spc.py, which needs 12 points)
show each kind of variation and assurance: NI 151 employment steady, then falling with the recession (special
cause, concerning; hit and miss), NI 156 temporary accommodation falling below its old range (special cause,
improving), NI 153 never near its stretch target (never met unless the process changes), NI 142 always above its
target (always met; common cause), NI 115 wobbling either side of it (common cause; hit and miss). Each target
also has its own figures, quarter by quarter, chosen by hand to fall in that status under the brief's rules
(polarity, 5% tolerance): reds from 6% to 30% short, ambers and greens spread through their bands, figures that
improve and worsen. Commentary and remedial action are the lead partner's own for that target
(sample_data/demo/why.csv, actions.csv, awaited.csv). Nothing is random.

Run `python sample_data/build_demo.py` to write the files again; it refuses to write a figure whose status is not
the one its path says.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from dashboard.domain.rules import Polarity, Status, rate  # noqa: E402
from dashboard.settings import SAMPLE_DATA  # noqa: E402

QUARTERS = ("2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3")
EARLIER = tuple(f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2006, 2007, 2008) for q in (1, 2, 3, 4))[:-1]
"""The quarters before QUARTERS that history.csv gives a target figures for: 2006/07 Q1 to 2008/09 Q3."""
YEAR = ("2008/09",)
STATUS = {"R": Status.RED, "A": Status.AMBER, "G": Status.GREEN, "D": Status.DATA_AWAITED}
DATA = HERE / "demo"
"""The partnership's targets and words, as data:

- targets.csv: one row per target. statuses: four letters (R/A/G/D, D = data awaited) for quarterly targets, one
  for an annual outturn; a trailing * means the status is the one reported (an assessed indicator with no numeric
  rating). actuals: one figure per status, - where data is awaited.
- why.csv: why a target is where it is, in the lead partner's words, by period where the story changes, else by
  status. A rated target with no word for its status gets its figure against target.
- actions.csv: what the partnership is doing about a red or amber target.
- awaited.csv: why figures are awaited, in the lead partner's words.
- history.csv: a quarterly target's actuals for the EARLIER quarters, rated against its target; their commentary
  is the figure against the target (the lead partners' words are about the current year), with no remedial action."""


def number(text: str) -> int | float | None:
    """A figure as the data writes it, kept int or float so that the demo file writes it the same way."""
    if text in ("", "-"):
        return None
    return float(text) if any(c in text for c in ".e") else int(text)


def table(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


TARGETS = table("targets")
WHY: dict[str, dict[str, str]] = {}
for _row in table("why"):
    WHY.setdefault(_row["indicator_code"], {})[_row["status_or_period"]] = _row["why"]
ACTION = {row["indicator_code"]: row["remedial_action"] for row in table("actions")}
AWAITED = {row["indicator_code"]: row["why_awaited"] for row in table("awaited")}
HISTORY = {row["indicator_code"]: [number(a) for a in row["actuals"].split()] for row in table("history")}

LEAD_IN = {"R": "Off track", "A": "Behind target", "G": "On track"}


def figure(value: float, unit: str) -> str:
    """62.4% · 1,546 per 100,000 · £520 per week · level 3 · -27.2% on 1998 · 447 offences."""
    if unit == "%":
        return f"{value:g}%"
    if unit == "% change from 1998":
        return f"{value:+g}% on 1998"
    if unit == "£ per week":
        return f"£{value:,g} per week"
    if unit.startswith(("level", "score", "grade")):
        return f"{unit.split()[0]} {value:g}"
    return f"{value:,g} {unit}"


def commentary(code: str, unit: str, target: float, status: str, period: str, actual, reported: bool) -> str:
    if status == "D":
        return f"Data awaited at {period}: {AWAITED[code]}."
    words = WHY.get(code, {}) if period not in EARLIER else {}
    why = words.get(period) or words.get(status) or f"{figure(actual, unit)} against a target of {figure(target, unit)}"
    lead = f"Assessed {STATUS[status].value}" if reported else LEAD_IN[status]
    return f"{lead} at {period}: {why}."


def rows() -> list[dict]:
    out = []
    for t in TARGETS:
        code, unit, target, path = t["indicator_code"], t["unit"], number(t["target"]), t["statuses"]
        reported = path.endswith("*")
        statuses = path.rstrip("*")
        periods = QUARTERS if len(statuses) == 4 else YEAR
        sense = Polarity(t["polarity"])
        actuals = [number(a) for a in t["actuals"].split()]
        for period, status, actual in zip(periods, statuses, actuals, strict=True):
            if not reported and rate(actual, target, sense) is not STATUS[status]:
                raise SystemExit(f"{code} {period}: {actual} is not {STATUS[status].value} against {target}")
        frequency = "quarterly" if periods is QUARTERS else "annual"
        earlier = HISTORY.get(code, [])
        if earlier and (frequency == "annual" or reported or len(earlier) != len(EARLIER)):
            raise SystemExit(f"{code}: history.csv is {len(EARLIER)} actuals of a quarterly target rated by figures")
        letters = {s: k for k, s in STATUS.items()}
        statuses = "".join(letters[rate(a, target, sense)] for a in earlier) + statuses
        periods, actuals = (*EARLIER[: len(earlier)], *periods), [*earlier, *actuals]
        for period, status, actual in zip(periods, statuses, actuals, strict=True):
            out.append(
                {
                    "indicator_code": code,
                    "indicator_name": t["indicator_name"],
                    "theme_board": t["theme_board"],
                    "target_type": t["target_type"],
                    "lead_partner": t["lead_partner"],
                    "polarity": sense.value,
                    "frequency": frequency,
                    "unit": unit,
                    "period": period,
                    "target": target,
                    "actual": "" if actual is None else actual,
                    "rag": STATUS[status].value if reported and status != "D" else "",
                    "commentary": commentary(code, unit, target, status, period, actual, reported),
                    "remedial_action": ACTION[code] if status in "RA" and not (reported or period in EARLIER) else "",
                }
            )
    return out


CORRECTIONS = [
    # Validated figures that replaced provisional ones; they change history, not the latest position.
    {
        "indicator_code": "NI 117",
        "theme_board": "Children's Trust",
        "period": "2009/10 Q1",
        "actual": 10.9,
        "commentary": "Corrected: Connexions validated the June cohort at 10.9%, replacing the provisional 10.81%; "
        "still behind target as fewer 17 year olds find jobs and apprenticeships.",
    },
    {
        "indicator_code": "NI 39",
        "theme_board": "Wellbeing",
        "period": "2009/10 Q2",
        "actual": 1496.0,
        "commentary": "Corrected after the HES data refresh removed duplicate episodes: 1,496 per 100,000, not the "
        "provisional 1,546, so amber rather than red.",
    },
]


def write(path: Path, records: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


if __name__ == "__main__":
    demo = rows()
    write(SAMPLE_DATA / "haringey_demo.csv", demo)
    write(SAMPLE_DATA / "haringey_corrections.csv", CORRECTIONS)
    print(f"wrote {len(TARGETS)} targets, {len(demo)} rows, {len(CORRECTIONS)} corrections")
