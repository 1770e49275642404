"""What an upload may change, by the uploader's role: a partner's file touches only the targets it leads, and only
their actuals, commentary and remedial action. Every offending line is named; the file is then refused whole."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.importer.plan import ImportPlan, same_cells
from dashboard.importer.problems import ImportProblem
from dashboard.output import cell_text
from dashboard.permissions import Actor, Role

PARTNER_FIX = "take the row out of the file (the lead partner or an analyst uploads it)"
SETTINGS_FIX = "leave the column out, or ask an analyst or administrator to change it"


def upload_problems(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """Problems for the rows the actor's role may not store (none for an analyst or administrator)."""
    if actor.role is not Role.PARTNER or plan.values.empty:
        return []
    return _not_theirs(plan, actor) + _new_targets(plan, actor) + _settings_changed(plan) + _targets_changed(plan)


def _not_theirs(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """Rows of stored targets another partner leads."""
    targets = plan.targets[plan.targets["kind"] != "new"]
    others = targets[[not actor.leads(p) for p in targets["stored_lead_partner"]]]
    leads = dict(zip(others["indicator_code"], others["stored_lead_partner"], strict=True))
    rows = plan.values[plan.values["indicator_code"].isin(leads) & (plan.values["kind"] != "unchanged")]
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
    values = plan.values[plan.values["kind"] != "unchanged"]
    differs = ~same_cells(values["target_value"], values["stored_target_value"])
    differs &= pd.notna(values["target_value"]).to_numpy() | pd.notna(values["stored_target_value"]).to_numpy()
    return [
        ImportProblem(
            int(r.line),
            "target",
            cell_text(r.target_value),
            f"the file changes the target of {r.indicator_code} for {r.period_label}, and a partner cannot change "
            "targets",
            "leave the target column out (the stored target is kept), or ask an analyst to change it",
        )
        for r in values[np.asarray(differs, dtype=bool)].itertuples()
    ]
