"""What an upload may change, by the uploader's role: a partner's file touches only the targets it leads, and only
their actuals, commentary and remedial action. Every offending line is named; the file is then refused whole."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.importer.plan import ImportPlan, same_cells
from dashboard.importer.problems import ImportProblem
from dashboard.output import cell_text
from dashboard.permissions import Actor, Role
from dashboard.signoff import SignedOff

PARTNER_FIX = "take the row out of the file (the lead partner or an analyst uploads it)"
SETTINGS_FIX = "leave the column out, or ask an analyst or administrator to change it"


def upload_problems(plan: ImportPlan, actor: Actor, signed: dict[tuple, SignedOff]) -> list[ImportProblem]:
    """Problems for the rows the actor's role may not store (none for an analyst or administrator). signed holds
    the quarters signed off, by (area, board, quarter's end): a partner or chair may not change them."""
    if actor.role not in (Role.PARTNER, Role.CHAIR) or plan.values.empty:
        return []
    theirs = _not_theirs(plan, actor) if actor.role is Role.PARTNER else _not_chaired(plan, actor)
    figures = _figures_changed(plan) if actor.role is Role.CHAIR else []
    problems = theirs + _new_targets(plan, actor) + _settings_changed(plan) + _targets_changed(plan) + figures
    return sorted(problems + _signed_off(plan, signed), key=lambda p: p.line)


def _not_chaired(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """Rows of stored targets of boards the chair does not chair."""
    rows, boards = _rows_not_owned(plan, "theme_board", actor.chairs)
    return [
        ImportProblem(
            int(r.line),
            "indicator_code",
            r.indicator_code,
            f"{r.indicator_code} belongs to {boards[r.indicator_code]}, which {actor.name} does not chair: a chair "
            "edits the commentary of their own boards' targets",
            "take the row out (that board's chair or an analyst edits it)",
        )
        for r in rows.itertuples()
    ]


def _rows_not_owned(plan: ImportPlan, owner: str, owns) -> tuple[pd.DataFrame, dict[str, object]]:
    """The rows the file changes of stored targets whose stored owner (their theme board, or lead partner) the
    actor does not own, and each such target's owner by code."""
    targets = plan.targets[plan.targets["kind"] != "new"]
    others = targets[[not owns(o) for o in targets[f"stored_{owner}"]]]
    owners = dict(zip(others["indicator_code"], others[f"stored_{owner}"], strict=True))
    rows = plan.values[plan.values["indicator_code"].isin(owners) & (plan.values["kind"] != "unchanged")]
    return rows, owners


def _changing(plan: ImportPlan, stored: str) -> pd.DataFrame:
    """The rows the file changes whose figure `stored` (target_value, actual…) it sets, changes or clears."""
    values = plan.values[plan.values["kind"] != "unchanged"]
    differs = ~same_cells(values[stored], values[f"stored_{stored}"])
    differs &= pd.notna(values[stored]).to_numpy() | pd.notna(values[f"stored_{stored}"]).to_numpy()
    return values[np.asarray(differs, dtype=bool)]


def _figures_changed(plan: ImportPlan) -> list[ImportProblem]:
    """A chair's rows that would change an actual or a rag (a chair edits commentary and remedial action only)."""
    problems = []
    for column, stored in (("actual", "actual"), ("rag", "reported_status")):
        if column not in plan.present:
            continue
        problems += [
            ImportProblem(
                int(r.line),
                column,
                cell_text(getattr(r, stored)),
                f"the entry changes the {column} of {r.indicator_code} for {r.period_label}, and a chair edits "
                "commentary and remedial action only",
                "leave the figure as it is (the lead partner or an analyst enters it)",
            )
            for r in _changing(plan, stored).itertuples()
        ]
    return problems


def _signed_off(plan: ImportPlan, signed: dict[tuple, SignedOff]) -> list[ImportProblem]:
    """Rows that would change a board's quarter after its chair signed it off."""
    if not signed:
        return []
    keys = zip(plan.targets["area"], plan.targets["indicator_code"], strict=True)
    boards = dict(zip(keys, plan.targets["theme_board"], strict=True))
    problems = []
    for r in plan.values[plan.values["kind"] != "unchanged"].itertuples():
        board = boards.get((r.area, r.indicator_code))
        held = signed.get((r.area, board, pd.Timestamp(r.period_end).date()))
        if held is not None:
            problems.append(
                ImportProblem(
                    int(r.line),
                    "period",
                    r.period_label,
                    f"{r.indicator_code}: {held.sentence()}, so its figures can no longer be changed",
                    "ask an analyst to re-open the quarter, giving a reason",
                )
            )
    return problems


def _not_theirs(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """Rows of stored targets another partner leads."""
    rows, leads = _rows_not_owned(plan, "lead_partner", actor.leads)
    return [
        ImportProblem(
            int(r.line),
            "indicator_code",
            r.indicator_code,
            f"{r.indicator_code} is led by {cell_text(leads[r.indicator_code]) or 'no lead partner'}, not "
            f"{actor.partner}: a partner updates only the targets it leads",
            PARTNER_FIX,
        )
        for r in rows.itertuples()
    ]


def _new_targets(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    new = plan.targets[plan.targets["kind"] == "new"]
    return [
        ImportProblem(
            int(r.line),
            "indicator_code",
            r.indicator_code,
            f"{r.indicator_code} is not a target yet, and a partner cannot add targets",
            "ask an analyst or administrator to add the target first",
        )
        for r in new.itertuples()
    ]


def _settings_changed(plan: ImportPlan) -> list[ImportProblem]:
    """A stored target whose settings the file would change (theme board, polarity, tolerance, lead partner…)."""
    changed = plan.targets[plan.targets["kind"] == "changed"]
    problems = []
    for column in [c for c in plan.present if f"stored_{c}" in changed.columns]:
        differs = ~same_cells(changed[column], changed[f"stored_{column}"])
        for r in changed[differs].itertuples():
            problems.append(
                ImportProblem(
                    int(r.line),
                    column,
                    cell_text(getattr(r, column)),
                    f"the file changes {r.indicator_code}'s {column.replace('_', ' ')}, and a partner cannot change "
                    "a target's settings",
                    SETTINGS_FIX,
                )
            )
    return problems


def _targets_changed(plan: ImportPlan) -> list[ImportProblem]:
    """Rows that would change the target figure of a period already stored, or set one."""
    if "target" not in plan.present:
        return []
    return [
        ImportProblem(
            int(r.line),
            "target",
            cell_text(r.target_value),
            f"the file changes the target of {r.indicator_code} for {r.period_label}, and a partner cannot change "
            "targets",
            "leave the target column out (the stored target is kept), or ask an analyst to change it",
        )
        for r in _changing(plan, "target_value").itertuples()
    ]
