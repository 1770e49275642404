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


# How each move of a stored target is said; every target is counted in exactly one sentence.
MOVE_SENTENCES = {
    Move.NEWLY_RED: ("turns ✖ red", "turn ✖ red"),
    Move.RECOVERED: ("recovers from ✖ red", "recover from ✖ red"),
    Move.WORSENED: ("slips from ✔ green to ▲ amber", "slip from ✔ green to ▲ amber"),
    Move.IMPROVED: ("improves from ▲ amber to ✔ green", "improve from ▲ amber to ✔ green"),
    Move.NOW_AWAITED: ("becomes … data awaited", "become … data awaited"),
    Move.DATA_ARRIVED: ("gets its first status", "get their first status"),
}


def move_sentences(moves: pd.DataFrame) -> list[str]:
    """'3 targets turn ✖ red', '1 target recovers from ✖ red (to ✔ green)', '2 new targets: 1 ✖ red, 1 ✔ green'.

    Each target the file moves is counted once."""
    sentences = []
    existing = moves[moves["before"].notna()]
    for move, (one, many) in MOVE_SENTENCES.items():
        rows = existing[existing["move"] == move.value]
        if len(rows):
            verb = one if len(rows) == 1 else many
            sentences.append(f"{_targets(len(rows))} {verb}{_to(rows) if move in _SAYS_WHERE_TO else ''}")
    created = moves[moves["before"].isna()]
    if len(created):
        sentences.append(f"{len(created)} new {'target' if len(created) == 1 else 'targets'}: {_mix(created)}")
    return sentences


_SAYS_WHERE_TO = (Move.RECOVERED, Move.DATA_ARRIVED)


def _to(rows: pd.DataFrame) -> str:
    after = rows["after"].unique()
    if len(after) > 1:
        return f" (to {_mix(rows)})"
    status = Status(after[0])
    return f" (to {STATUS_SYMBOL[status]} {status.value})"


def _mix(rows: pd.DataFrame) -> str:
    """'1 ✖ red, 2 ✔ green': how many rows reach each status."""
    return ", ".join(
        f"{int((rows['after'] == s.value).sum())} {STATUS_SYMBOL[s]} {s.value}"
        for s in STATUSES
        if (rows["after"] == s.value).any()
    )


FIGURE_NAMES = {
    "target_value": "target",
    "actual": "actual",
    "reported_status": "rag",
    "commentary": "commentary",
    "remedial_action": "remedial action",
}


def incoming_rows(plan: ImportPlan) -> pd.DataFrame:
    """Every row the file stores (new or changed), with the figures it brings: what the analyst checks."""
    columns = ["indicator_code", "period", "change", *FIGURE_NAMES.values()]
    if plan.values.empty:
        return pd.DataFrame(columns=columns)
    rows = plan.values[plan.values["kind"] != "unchanged"]
    out = pd.DataFrame(
        {
            "indicator_code": rows["indicator_code"],
            "period": rows["period_label"],
            "change": ["new" if k == "new" else "changes" for k in rows["kind"]],
            **{name: [cell_text(v) for v in rows[field]] for field, name in FIGURE_NAMES.items()},
        }
    )
    return out.reset_index(drop=True)


def cleared(plan: ImportPlan) -> pd.DataFrame:
    """Stored figures and settings the file empties (an empty cell in a present column clears the field)."""
    columns = ["indicator_code", "period", "field", "before"]
    found = []
    values = plan.values[plan.values["kind"] == "changed"] if len(plan.values) else plan.values
    for r in values.to_dict("records"):
        for field, name in FIGURE_NAMES.items():
            if cell_text(r.get(f"stored_{field}")) and not cell_text(r.get(field)):
                found.append([r["indicator_code"], r["period_label"], name, cell_text(r.get(f"stored_{field}"))])
    targets = plan.targets[plan.targets["kind"] == "changed"] if len(plan.targets) else plan.targets
    for r in targets.to_dict("records"):
        for field in TARGET_FIELDS:
            if cell_text(r.get(f"stored_{field}")) and not cell_text(r.get(field)):
                found.append([r["indicator_code"], "", field.replace("_", " "), cell_text(r.get(f"stored_{field}"))])
    return pd.DataFrame(found, columns=columns)


def cleared_sentence(found: pd.DataFrame) -> str | None:
    """'clears the target and actual of 3 targets; the commentary of 1 target', or None when nothing is cleared."""
    if found.empty:
        return None
    fields = found.groupby("indicator_code", sort=False)["field"].agg(lambda f: tuple(dict.fromkeys(f)))
    parts = []
    for names, codes in fields.groupby(fields, sort=False):
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        parts.append(f"the {listed} of {_targets(len(codes))}")
    return "clears " + "; ".join(parts)


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
