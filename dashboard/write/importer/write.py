"""Store an import plan in one transaction, set-based; undo a batch."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.orm import aliased

from dashboard.domain.fileformat import FILE_COLUMN, TARGET_FIELDS, VALUE_COLUMN
from dashboard.domain.missing import missing
from dashboard.read.audit import keep_history
from dashboard.store.audit import BROWSER, record, record_all
from dashboard.store.bulk import insert_columns, insert_records, update_by_id
from dashboard.store.models import (
    Area,
    ComparatorArea,
    EscalationRule,
    PeriodValue,
    Target,
    TargetChange,
    ThemeBoard,
    UploadBatch,
)
from dashboard.store.queries import targets_frame
from dashboard.write.importer.districts import withdraw_placements, write_placements
from dashboard.write.importer.plan import ImportPlan

SETTINGS = [f for f in TARGET_FIELDS if f != "theme_board"]
VALUES = ["period_label", *VALUE_COLUMN.values()]
INSERT_ROWS = 100_000
"""Rows inserted at a time: few enough that their Python values stay a few tens of MB."""


class RollbackRefused(Exception):
    pass


def write_plan(conn: Connection, plan: ImportPlan, uploaded_by: str) -> int:
    """Insert the batch, new areas, boards and targets, and new versions; returns the batch id."""
    now = datetime.now(UTC)
    counts = plan.summary()
    batch_id = conn.execute(
        insert(UploadBatch).returning(UploadBatch.id),
        {
            "uploaded_by": uploaded_by,
            "uploaded_at": now,
            "file_name": plan.file_name,
            "checksum": plan.checksum,
            **{k: v for k, v in counts.items() if k != "file_name"},
        },
    ).scalar_one()
    area_ids = _ensure_areas(conn, plan.targets["area"].unique().tolist())
    board_ids = _ensure_boards(conn, plan.targets, area_ids)
    target_ids = _write_targets(conn, plan.targets, area_ids, board_ids, batch_id)
    _write_values(conn, plan.values, target_ids, batch_id)
    action = "browser entry" if plan.file_name.startswith(BROWSER) else "upload"
    detail = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in _COUNTED if counts[k])
    areas = plan.targets["area"].unique().tolist()
    # The area column holds one area's name: a file of many areas names them in the detail, which has no limit.
    area = areas[0] if len(areas) == 1 else None
    if len(areas) > 1:
        detail += f"; {len(areas)} areas: {', '.join(areas)}"
    record(conn, uploaded_by, action, area=area, batch_id=batch_id, detail=f"{plan.file_name}: {detail}")
    events = settings_events(plan.targets, batch_id) + write_placements(conn, plan.districts, batch_id)
    record_all(conn, uploaded_by, action, events, at=now)
    return batch_id


def settings_events(targets: pd.DataFrame, batch_id: int) -> list[dict]:
    """One audit event for each setting a plan sets on a new target, or changes on a stored one (a board move
    included), with the old and the new value. A rollback's plan gives the settings it puts back."""
    events = []
    for r in targets[targets["kind"].isin(["new", "changed"]).to_numpy()].itertuples(index=False):
        new = r.kind == "new"
        for column in TARGET_FIELDS:
            before = None if new else _plain(getattr(r, f"stored_{column}"))
            after = _plain(getattr(r, column))
            if before == after or (new and after is None):
                continue
            events.append(
                {"area": r.area, "board": r.theme_board, "target": r.indicator_code, "field": column, "old": before,
                 "new": after, "batch_id": batch_id, "detail": "new target" if new else "target settings"}
            )  # fmt: skip
    return events


_COUNTED = ["rows_new", "rows_changed", "targets_new", "targets_changed"]


def _ensure_areas(conn: Connection, names: list[str]) -> dict[str, int]:
    have = dict(conn.execute(select(Area.name, Area.id).where(Area.name.in_(names))).all())
    missing = [n for n in names if n not in have]
    if missing:
        conn.execute(insert(Area), [{"name": n} for n in missing])
        have = dict(conn.execute(select(Area.name, Area.id).where(Area.name.in_(names))).all())
    return have


def _ensure_boards(conn: Connection, targets: pd.DataFrame, area_ids: dict[str, int]) -> dict[tuple[int, str], int]:
    wanted = targets[["area", "theme_board"]].drop_duplicates()
    stored = conn.execute(select(ThemeBoard.area_id, ThemeBoard.name, ThemeBoard.id, ThemeBoard.position)).all()
    have = {(a, n): i for a, n, i, _ in stored}
    next_position = {a: p for a, _, _, p in sorted(stored, key=lambda r: r[3])}
    new = []
    for area, board in wanted.itertuples(index=False):
        key = (area_ids[area], board)
        if key not in have and key not in {(b["area_id"], b["name"]) for b in new}:
            position = next_position.get(key[0], -1) + 1
            next_position[key[0]] = position
            new.append({"area_id": key[0], "name": board, "position": position})
    if new:
        conn.execute(insert(ThemeBoard), new)
        have = {(a, n): i for a, n, i in conn.execute(select(ThemeBoard.area_id, ThemeBoard.name, ThemeBoard.id))}
    return have


def _settings_row(row, board_id: int) -> dict:
    out = {f: _plain(getattr(row, f)) for f in SETTINGS}
    out["theme_board_id"] = board_id
    return out


def _write_targets(
    conn: Connection,
    targets: pd.DataFrame,
    area_ids: dict[str, int],
    board_ids: dict[tuple[int, str], int],
    batch_id: int,
) -> dict[tuple[str, str], int]:
    new, changed, changes, created = [], [], [], {}
    positions = dict(conn.execute(select(Target.area_id, Target.position).order_by(Target.position)).all())
    for row in targets.itertuples(index=False):
        area_id = area_ids[row.area]
        settings = _settings_row(row, board_ids[(area_id, row.theme_board)])
        if row.kind == "new":
            created[(row.area, row.indicator_code)] = settings
            positions[area_id] = positions.get(area_id, -1) + 1
            new.append(
                {
                    "area_id": area_id,
                    "indicator_code": row.indicator_code,
                    "position": positions[area_id],
                    **settings,
                }
            )
        elif row.kind == "changed":
            before = {f: _plain(getattr(row, f"stored_{f}")) for f in SETTINGS}
            before["theme_board_id"] = int(row.stored_theme_board_id)
            changed.append({"tid": int(row.target_id), **settings})
            changes.append({"batch_id": batch_id, "target_id": int(row.target_id), "before": before, "after": settings})
    insert_records(conn, Target.__table__, new)
    if changed:
        columns = {f: bindparam(f) for f in [*SETTINGS, "theme_board_id"]}
        conn.execute(update(Target).where(Target.id == bindparam("tid")).values(columns), changed)
    ids = {
        (area, code): tid
        for area, code, tid in conn.execute(
            select(Area.name, Target.indicator_code, Target.id)
            .join(Area, Area.id == Target.area_id)
            .where(Target.area_id.in_(list(area_ids.values())))
        )
    }
    made = [
        {"batch_id": batch_id, "target_id": ids[key], "before": None, "after": settings}
        for key, settings in created.items()
    ]
    insert_records(conn, TargetChange.__table__, made + changes)
    return ids


def _write_values(
    conn: Connection, values: pd.DataFrame, target_ids: dict[tuple[str, str], int], batch_id: int
) -> None:
    """The new versions, in chunks: the parameters of 2,000,000 rows at once would take over a GB."""
    moving = np.flatnonzero((values["kind"] != "unchanged").to_numpy())
    chunks = [moving[start : start + INSERT_ROWS] for start in range(0, len(moving), INSERT_ROWS)]
    # Every stored version is superseded before any new one is inserted: only one version of a key is current.
    superseded = values["value_id"].to_numpy(dtype=object, na_value=None)[moving]
    update_by_id(
        conn,
        PeriodValue.__table__,
        {"is_current": False, "superseded_by_batch_id": batch_id},
        (v for v in superseded if v is not None),
    )
    wanted = values[["area", "indicator_code", "period_end", *VALUES, "value_id"]]
    for rows in chunks:
        insert_columns(conn, PeriodValue.__table__, _value_columns(wanted.iloc[rows], target_ids, batch_id))


def _value_columns(rows: pd.DataFrame, target_ids: dict[tuple[str, str], int], batch_id: int) -> dict[str, list]:
    """The new versions of some rows of the plan, column by column as Python values (None for NULL)."""
    known = pd.MultiIndex.from_tuples(list(target_ids), names=["area", "indicator_code"])
    found = known.get_indexer(pd.MultiIndex.from_arrays([rows["area"], rows["indicator_code"]]))
    if (found < 0).any():
        raise KeyError("a row of the plan has no target")  # the targets are written first: this cannot happen
    ids = np.fromiter(target_ids.values(), dtype=np.int64, count=len(target_ids))[found]
    columns: dict[str, list | object] = {"target_id": ids.tolist(), "period_end": _column(rows["period_end"])}
    columns |= {c: _column(rows[c]) for c in VALUES}
    columns |= {"replaces_id": _column(rows["value_id"]), "batch_id": batch_id, "is_current": True}
    return columns


def _column(series: pd.Series) -> list:
    """A column as driver-ready Python values, with None for every missing value."""
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    if series.dtype == object:  # an object column may hold numpy scalars, which the drivers do not take
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
    return values


def rollback_plan(conn: Connection, batch_id: int) -> ImportPlan:
    """What undoing a batch would change, as a plan the gate can read: each of its current versions back to the
    version it replaced (kind 'changed'), each target it changed back to its settings before, each target it
    created removed (kind 'removed')."""
    plan = ImportPlan(f"rollback of batch {batch_id}", "", 0, {*TARGET_FIELDS, *VALUE_COLUMN})
    batch = conn.execute(select(UploadBatch.rolled_back_at).where(UploadBatch.id == batch_id)).one_or_none()
    if batch is None or batch.rolled_back_at is not None:
        return plan  # nothing to undo: rollback_batch says why
    now, was = aliased(PeriodValue), aliased(PeriodValue)
    figures = list(VALUE_COLUMN.values())
    rows = conn.execute(
        select(now.id, now.target_id, now.period_end, now.period_label, *[getattr(now, f) for f in figures],
               *[getattr(was, f).label(f"was_{f}") for f in figures])
        .outerjoin(was, was.id == now.replaces_id)
        .where(now.batch_id == batch_id, now.is_current)
    ).mappings().all()  # fmt: skip
    changes = dict(
        conn.execute(select(TargetChange.target_id, TargetChange.before).where(TargetChange.batch_id == batch_id)).all()
    )
    ids = sorted({r["target_id"] for r in rows} | set(changes))
    if not ids:
        return plan
    stored = targets_frame(conn, list(conn.scalars(select(Target.area_id).where(Target.id.in_(ids)).distinct())))
    stored = stored[stored["target_id"].isin(ids).to_numpy()].reset_index(drop=True)
    boards = dict(conn.execute(select(ThemeBoard.id, ThemeBoard.name)).all())
    targets = stored[["area", "indicator_code", "target_id"]].assign(line=None)
    for column in TARGET_FIELDS:
        targets[f"stored_{column}"] = stored[column]
        targets[column] = stored[column]
    kinds = []
    for i, target_id in enumerate(stored["target_id"]):
        before = changes.get(target_id, {}) or {}
        for column in SETTINGS:
            if column in before:
                targets.loc[i, column] = before[column]
        if "theme_board_id" in before:
            targets.loc[i, "theme_board"] = boards.get(before["theme_board_id"])
        kinds.append("removed" if target_id in changes and changes[target_id] is None else "changed")
    targets["kind"] = kinds
    plan.targets = targets
    codes = dict(zip(stored["target_id"], zip(stored["area"], stored["indicator_code"], strict=True), strict=True))
    plan.values = pd.DataFrame(
        [
            {
                "line": None,
                "area": codes[r["target_id"]][0],
                "indicator_code": codes[r["target_id"]][1],
                "target_id": r["target_id"],
                "value_id": r["id"],
                "period_end": r["period_end"],
                "period_label": r["period_label"],
                **{f: r[f"was_{f}"] for f in figures},
                **{f"stored_{f}": r[f] for f in figures},
                "kind": "changed",
            }
            for r in rows
        ],
        columns=["line", "area", "indicator_code", "target_id", "value_id", "period_end", "period_label", *figures,
                 *[f"stored_{f}" for f in figures], "kind"],
    )  # fmt: skip
    return plan


def rollback_batch(conn: Connection, batch_id: int, by: str, plan: ImportPlan | None = None) -> dict:
    """Undo one batch: its versions stop being current, the ones it replaced come back, created targets go. Every
    figure and setting put back is an audit event of its own (plan: rollback_plan's, made again when not given),
    and the history of a removed target is kept as events before its versions are deleted."""
    batch = conn.execute(select(UploadBatch.__table__).where(UploadBatch.id == batch_id)).one_or_none()
    if batch is None:
        raise RollbackRefused(f"there is no upload batch {batch_id}; `laa batches` lists them")
    if batch.rolled_back_at is not None:
        raise RollbackRefused(f"batch {batch_id} was already rolled back on {batch.rolled_back_at:%Y-%m-%d %H:%M}")
    later = _later_batches_in_the_way(conn, batch_id)
    if later:
        names = ", ".join(str(b) for b in later)
        raise RollbackRefused(
            f"batch {batch_id} cannot be rolled back while later batch(es) {names} change the same targets: "
            f"roll back {names} first"
        )
    plan = plan if plan is not None else rollback_plan(conn, batch_id)
    record_all(conn, by, "roll back", _rollback_events(plan, batch_id))
    restored = conn.execute(
        update(PeriodValue).where(PeriodValue.batch_id == batch_id, PeriodValue.is_current).values(is_current=False)
    ).rowcount
    conn.execute(
        update(PeriodValue)
        .where(PeriodValue.superseded_by_batch_id == batch_id)
        .values(is_current=True, superseded_by_batch_id=None)
    )
    changes = conn.execute(
        select(TargetChange.target_id, TargetChange.before).where(TargetChange.batch_id == batch_id)
    ).all()
    created = [t for t, before in changes if before is None]
    for target_id, before in changes:
        if before is not None:
            conn.execute(update(Target).where(Target.id == target_id).values(**before))
    if created:
        keep_history(conn, created)
        conn.execute(delete(PeriodValue).where(PeriodValue.target_id.in_(created)))
        conn.execute(delete(TargetChange).where(TargetChange.target_id.in_(created)))
        conn.execute(delete(Target).where(Target.id.in_(created)))
    record_all(conn, by, "roll back", withdraw_placements(conn, batch_id))
    conn.execute(delete(ThemeBoard).where(ThemeBoard.id.not_in(select(Target.theme_board_id))))
    # An emptied area goes, unless something else still names it: districts a later batch placed in it, a
    # comparator group, or its escalation rules.
    counties = select(Area.parent_id).where(Area.parent_id.is_not(None))
    named = [select(ThemeBoard.area_id), select(Target.area_id), counties, select(ComparatorArea.area_id),
             select(EscalationRule.area_id)]  # fmt: skip
    conn.execute(delete(Area).where(*[Area.id.not_in(ids) for ids in named]))
    conn.execute(
        update(UploadBatch)
        .where(UploadBatch.id == batch_id)
        .values(rolled_back_at=datetime.now(UTC), rolled_back_by=by)
    )
    detail = f"batch {batch_id} ({batch.file_name}): {restored} figures withdrawn, {len(created)} targets removed"
    record(conn, by, "roll back", batch_id=batch_id, detail=detail)
    return {"batch": batch_id, "values_withdrawn": restored, "targets_removed": len(created)}


def _rollback_events(plan: ImportPlan, batch_id: int) -> list[dict]:
    """The figures and settings a rollback puts back, and the targets it removes, old and new value each."""
    boards = (
        dict(zip(plan.targets["indicator_code"], plan.targets["theme_board"], strict=True)) if len(plan.targets) else {}
    )
    events = [
        {"area": r.area, "board": boards.get(r.indicator_code), "target": r.indicator_code, "period": r.period_label,
         "field": FILE_COLUMN[f], "old": _plain(getattr(r, f"stored_{f}")), "new": _plain(getattr(r, f)),
         "batch_id": batch_id}
        for r in plan.values.itertuples(index=False)
        for f in VALUE_COLUMN.values()
        if _plain(getattr(r, f"stored_{f}")) != _plain(getattr(r, f))
    ]  # fmt: skip
    events += settings_events(plan.targets, batch_id)
    removed = plan.targets[(plan.targets["kind"] == "removed").to_numpy()] if len(plan.targets) else plan.targets
    events += [
        {"area": r.area, "board": r.theme_board, "target": r.indicator_code, "field": "indicator_code",
         "old": r.indicator_code, "batch_id": batch_id, "detail": f"target removed: batch {batch_id} created it"}
        for r in removed.itertuples(index=False)
    ]  # fmt: skip
    return events


def _later_batches_in_the_way(conn: Connection, batch_id: int) -> list[int]:
    """Active later batches that replaced this batch's values, or touched targets it created or changed."""
    active_later = select(UploadBatch.id).where(UploadBatch.id > batch_id, UploadBatch.rolled_back_at.is_(None))
    replaced = select(PeriodValue.superseded_by_batch_id).where(
        PeriodValue.batch_id == batch_id, PeriodValue.superseded_by_batch_id.in_(active_later)
    )
    touched = select(TargetChange.target_id).where(TargetChange.batch_id == batch_id)
    on_targets = select(PeriodValue.batch_id).where(
        PeriodValue.target_id.in_(touched), PeriodValue.batch_id.in_(active_later)
    )
    settings = select(TargetChange.batch_id).where(
        TargetChange.target_id.in_(touched), TargetChange.batch_id.in_(active_later)
    )
    found = set(conn.scalars(replaced)) | set(conn.scalars(on_targets)) | set(conn.scalars(settings))
    return sorted(b for b in found if b is not None)


def _plain(value):
    """numpy and pandas scalars → what the database driver takes; NaN → NULL."""
    if missing(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
