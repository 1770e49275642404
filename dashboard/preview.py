"""What an import would do before it is committed: the rows it changes and the status moves it causes."""

from __future__ import annotations

import pandas as pd

from dashboard.breakdown import status_as_at
from dashboard.importer.plan import ImportPlan
from dashboard.importer.validate import TARGET_FIELDS
from dashboard.movement import Move, classify
from dashboard.output import cell_text
from dashboard.position import Position
from dashboard.rules import STATUS_SYMBOL, STATUSES, Status

VALUE_FIELDS = ("target_value", "actual", "reported_status", "commentary", "remedial_action")
MOVE_COLUMNS = ["indicator_code", "indicator_name", "theme_board", "before", "after", "move"]


def status_moves(plan: ImportPlan, position: Position | None) -> pd.DataFrame:
    """Each target whose latest status the file would change (before is None for a target the file creates)."""
    if plan.values.empty:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    area = position.area if position is not None else plan.values["area"].iloc[0]
    plan_targets = plan.targets[plan.targets["area"] == area]
    plan_values = plan.values[plan.values["area"] == area]
    targets, values = _current(position)

    # Targets the file creates get ids that cannot clash with stored ones.
    new = plan_targets[~plan_targets["indicator_code"].isin(targets["indicator_code"])].reset_index(drop=True)
    new_ids = {code: -(i + 1) for i, code in enumerate(new["indicator_code"])}
    ids = {**dict(zip(targets["indicator_code"], targets["target_id"], strict=True)), **new_ids}

    after_targets = targets.set_index("indicator_code")
    for row in plan_targets.itertuples(index=False):
        settings = {f: getattr(row, f) for f in TARGET_FIELDS}
        if row.indicator_code in after_targets.index:
            for field, value in settings.items():
                after_targets.loc[row.indicator_code, field] = value
        else:
            after_targets.loc[row.indicator_code] = pd.Series(
                {**settings, "target_id": ids[row.indicator_code], "area": area}
            )
    after_targets = after_targets.reset_index()

    incoming = plan_values.assign(target_id=plan_values["indicator_code"].map(ids))[
        ["target_id", "period_end", "period_label", *VALUE_FIELDS]
    ]
    keys = set(zip(incoming["target_id"], incoming["period_end"], strict=True))
    kept = values[[(t, p) not in keys for t, p in zip(values["target_id"], values["period_end"], strict=True)]]
    after_values = pd.concat([kept, incoming], ignore_index=True) if len(kept) else incoming.reset_index(drop=True)

    before = status_as_at(targets, values).set_index("target_id")["status"] if len(targets) else pd.Series()
    after = status_as_at(after_targets, after_values)
    after = after[after["target_id"].isin(incoming["target_id"]) | after["target_id"].isin(new_ids.values())]
    out = after.assign(before=after["target_id"].map(before), after=after["status"])
    out = out[out["before"].isna() | (out["before"] != out["after"])]
    out["move"] = [
        "new target" if pd.isna(b) else classify(b, a).value for b, a in zip(out["before"], out["after"], strict=True)
    ]
    out["before"] = out["before"].astype(object).where(out["before"].notna(), None)
    return out[MOVE_COLUMNS].reset_index(drop=True)


def move_sentences(moves: pd.DataFrame) -> list[str]:
    """'3 targets turn ✖ red', '1 target recovers from red', '2 new targets: 1 ✖ red, 1 ✔ green'."""
    sentences = []
    existing = moves[moves["before"].notna()]
    for status in STATUSES:
        n = int((existing["after"] == status.value).sum())
        if n:
            verb = "turns" if n == 1 else "turn"
            if status is Status.DATA_AWAITED:
                verb = "becomes" if n == 1 else "become"
            sentences.append(f"{_targets(n)} {verb} {STATUS_SYMBOL[status]} {status.value}")
    recovered = int((existing["move"] == Move.RECOVERED.value).sum())
    if recovered:
        sentences.append(f"{_targets(recovered)} {'recovers' if recovered == 1 else 'recover'} from red")
    created = moves[moves["before"].isna()]
    if len(created):
        parts = [
            f"{int((created['after'] == s.value).sum())} {STATUS_SYMBOL[s]} {s.value}"
            for s in STATUSES
            if (created["after"] == s.value).any()
        ]
        sentences.append(f"{len(created)} new {'target' if len(created) == 1 else 'targets'}: {', '.join(parts)}")
    return sentences


def changed_rows(plan: ImportPlan) -> pd.DataFrame:
    """The stored rows the file would replace: each changed figure as before → after."""
    columns = ["indicator_code", "period", "field", "before", "after"]
    if plan.values.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for r in plan.values[plan.values["kind"] == "changed"].to_dict("records"):
        for field in VALUE_FIELDS:
            before, after = r.get(f"stored_{field}"), r.get(field)
            if cell_text(before) == cell_text(after):
                continue
            rows.append(
                {
                    "indicator_code": r["indicator_code"],
                    "period": r["period_label"],
                    "field": field.replace("_", " ").replace("reported status", "rag"),
                    "before": cell_text(before),
                    "after": cell_text(after),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _current(position: Position | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    if position is not None:
        return position.targets.copy(), position.values.copy()
    targets = pd.DataFrame(
        columns=["target_id", "area", "indicator_code", *TARGET_FIELDS, "board_position", "position"]
    )
    values = pd.DataFrame(columns=["target_id", "period_end", "period_label", *VALUE_FIELDS])
    return targets, values


def _targets(n: int) -> str:
    return f"{n} target" if n == 1 else f"{n} targets"
