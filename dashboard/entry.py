"""My targets: the figures a partner, chair or analyst enters in the browser for one quarter.

The table shows each target the user may update with last quarter's figures beside this quarter's cells. What
was changed becomes an import file's rows, so saving goes through the importer exactly as an upload does:
the same validation, permissions, sign-off check, versions and batch."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.importer.gate import begun
from dashboard.importer.plan import ImportPlan
from dashboard.output import cell_text
from dashboard.periods import Period, previous_quarter, quarter_of
from dashboard.permissions import OWNED, Actor, Change, Role, may_change
from dashboard.position import Position
from dashboard.rules import rate_frame, status_label

FIGURES = {"actual": "Actual", "commentary": "Commentary", "remedial_action": "Remedial action"}
"""What may be entered: the import file's column → the table's heading."""
SHOWN = ["Code", "Indicator", "Theme board", "Lead partner", "Target", "Last quarter", "Last status"]


@dataclass(frozen=True)
class Entry:
    """The rows a user changed, as an import file, and which target each line of that file is."""

    data: bytes
    codes: dict[int, str]
    """File line → indicator code, so a problem names the target rather than a line nobody sees."""

    @property
    def count(self) -> int:
        return len(self.codes)


def editable(actor: Actor) -> list[str]:
    """The table headings this user may change, as the gate answers for the role: a chair the commentary and
    remedial action, a partner or an analyst all three."""
    return [heading for column, heading in FIGURES.items() if may_change(actor, Change(column))]


def entry_quarters(position: Position, actor: Actor, today: date | None = None) -> list[Period]:
    """The quarters My targets offers, newest first: those holding figures or targets, and for a partner or chair
    only those that have begun (the gate refuses the others)."""
    held = sorted({quarter_of(end) for end in position.values["period_end"]}, key=lambda q: q.end, reverse=True)
    return [q for q in held if actor.role not in OWNED or begun(q.end, today)]


def whose(actor: Actor) -> str:
    """Which targets the table lists, in a sentence's words."""
    if actor.role is Role.PARTNER:
        return f"the targets {actor.partner} leads"
    if actor.role is Role.CHAIR:
        return f"the targets of {', '.join(sorted(actor.boards))}"
    return "every target"


def own_targets(position: Position, actor: Actor) -> pd.DataFrame:
    """The targets this user may update (a partner: those it leads; a chair: their boards'; others: all)."""
    targets = position.targets
    if actor.role is Role.PARTNER:
        return targets[[actor.leads(p) for p in targets["lead_partner"]]]
    if actor.role is Role.CHAIR:
        return targets[[actor.chairs(b) for b in targets["theme_board"]]]
    if actor.role in (Role.ANALYST, Role.ADMIN):
        return targets
    return targets.iloc[0:0]


def entry_table(position: Position, actor: Actor, quarter: Period) -> pd.DataFrame:
    """One row per target the user may update: last quarter's actual and status beside this quarter's target and
    the cells to fill in (holding what is stored for this quarter, if anything)."""
    targets = own_targets(position, actor)
    values = position.values
    now = _figures(values, quarter)
    last = _figures(values, previous_quarter(quarter))
    rows = targets[["target_id", "indicator_code", "indicator_name", "theme_board", "lead_partner"]].merge(
        now, on="target_id", how="left"
    )
    rows = rows.merge(last.add_prefix("last_").rename(columns={"last_target_id": "target_id"}), on="target_id",
                      how="left")  # fmt: skip
    rated = rows.assign(
        actual=rows["last_actual"],
        target_value=rows["last_target_value"],
        reported_status=rows["last_reported_status"],
        polarity=targets["polarity"].to_numpy(),
        tolerance_pct=targets["tolerance_pct"].to_numpy(),
    )
    last_status = [
        status_label(s) if pd.notna(v) else "" for s, v in zip(rate_frame(rated), rows["last_value_id"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Code": rows["indicator_code"],
            "Indicator": rows["indicator_name"].fillna(""),
            "Theme board": rows["theme_board"],
            "Lead partner": rows["lead_partner"].fillna(""),
            "Target": pd.to_numeric(rows["target_value"], errors="coerce"),
            "Last quarter": pd.to_numeric(rows["last_actual"], errors="coerce"),
            "Last status": last_status,
            "Actual": pd.to_numeric(rows["actual"], errors="coerce"),
            "Commentary": rows["commentary"].fillna("").astype(str),
            "Remedial action": rows["remedial_action"].fillna("").astype(str),
        }
    ).reset_index(drop=True)


def _figures(values: pd.DataFrame, quarter: Period) -> pd.DataFrame:
    columns = ["target_id", "value_id", "target_value", "actual", "reported_status", "commentary", "remedial_action"]
    return values.loc[values["period_end"] == quarter.end, columns]


def entry_file(before: pd.DataFrame, after: pd.DataFrame, quarter: Period, actor: Actor) -> Entry | None:
    """The rows whose editable cells changed, as an import file for that quarter; None when nothing changed.

    Rows are matched by code, not position: a row added to or deleted from `after` is no entry (the table's rows
    are fixed), and a row's code and board are the table's own, whatever `after` says."""
    headings = editable(actor)
    columns = [c for c, h in FIGURES.items() if h in headings]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator_code", "theme_board", "period", *columns])
    codes: dict[int, str] = {}
    # A code twice in `after` is an added row claiming a target: neither row can be told for the table's own.
    edited = {row["Code"]: row for _, row in after.drop_duplicates("Code", keep=False).iterrows()}
    for _, old in before.iterrows():
        new = edited.get(old["Code"])
        if new is None or all(_same(old[h], new[h]) for h in headings):
            continue
        writer.writerow([old["Code"], old["Theme board"], quarter.label, *[_cell(new[FIGURES[c]]) for c in columns]])
        codes[len(codes) + 2] = str(old["Code"])
    return Entry(out.getvalue().encode("utf-8"), codes) if codes else None


def _same(old: object, new: object) -> bool:
    return _cell(old) == _cell(new)


def _cell(value: object) -> str:
    """A cell as the import file writes it: a number exactly (repr keeps every digit), text with its spaces."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def entry_statuses(plan: ImportPlan) -> pd.DataFrame:
    """Each entered row with the status it will give once saved (rule 1, as every page rates it)."""
    rows = plan.values[plan.values["kind"] != "unchanged"]
    if rows.empty:
        return pd.DataFrame(columns=["Code", "Period", "Target", "Actual", "Status it will give"])
    settings = plan.targets.set_index("indicator_code")[["polarity", "tolerance_pct"]]
    rated = rows.assign(
        polarity=rows["indicator_code"].map(settings["polarity"]).to_numpy(),
        tolerance_pct=rows["indicator_code"].map(settings["tolerance_pct"]).to_numpy(),
    )
    return pd.DataFrame(
        {
            "Code": rows["indicator_code"].to_numpy(),
            "Period": rows["period_label"].to_numpy(),
            "Target": [cell_text(v) for v in rows["target_value"]],
            "Actual": [cell_text(v) for v in rows["actual"]],
            "Status it will give": [status_label(s) for s in rate_frame(rated)],
        }
    )
