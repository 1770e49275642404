"""The audit trail: who changed what, when, from which value to which, newest first.

Sign-offs, re-openings, rollbacks and user changes are events of their own (`record`). An upload or a browser
entry records one event for its batch; the figures it changed are read back from their versions, so the trail
never stores a value twice and a 2,000,000-row import stays one insert."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, Select, select
from sqlalchemy.orm import aliased

from dashboard.access.permissions import Action, Actor, require
from dashboard.domain.fileformat import FILE_COLUMN
from dashboard.domain.names import code_key, name_key
from dashboard.domain.output import cell_text
from dashboard.store.audit import BROWSER, record_all
from dashboard.store.models import Area, AuditEvent, PeriodValue, Target, ThemeBoard, UploadBatch
from dashboard.store.schema import require_ready

COLUMNS = ["when", "who", "action", "area", "board", "target", "period", "field", "old", "new", "detail"]


def keep_history(conn: Connection, target_ids: list[int]) -> None:
    """Before the versions of these targets are deleted (a rollback removes the targets a batch created), their
    figures' changes become events of their own: the audit trail never loses what happened."""
    if not target_ids:
        return
    frame = _value_changes(conn, None, None, 0, Target.id.in_(target_ids))
    events = [
        {"at": r["when"], "who": r["who"], "action": r["action"], "area": r["area"], "board": r["board"],
         "target": r["target"], "period": r["period"], "field": r["field"], "old": r["old"], "new": r["new"],
         "detail": r["detail"]}
        for r in frame.to_dict("records")
    ]  # fmt: skip
    record_all(conn, "", "", events)


def audit_trail(
    engine: Engine, by: Actor, user: str | None = None, target: str | None = None, limit: int = 200
) -> pd.DataFrame:
    """Every change, newest first: events and the figures each batch changed; limit 0 means all. Only for a role
    that may read the audit trail (an analyst, an administrator)."""
    require(by, Action.READ_AUDIT)
    require_ready(engine)
    with engine.connect() as conn:
        frames = [_events(conn, user, target, limit), _value_changes(conn, user, target, limit)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    trail = pd.concat(frames, ignore_index=True)
    trail["when"] = pd.to_datetime(trail["when"], utc=True)
    # Stable: an event listed before the figures of its batch stays before them at the same moment.
    trail = trail.sort_values("when", ascending=False, kind="stable").reset_index(drop=True)
    return trail.head(limit) if limit else trail


def _events(conn: Connection, user: str | None, target: str | None, limit: int) -> pd.DataFrame:
    stmt = select(AuditEvent.__table__).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    stmt = _filtered(conn, stmt, (AuditEvent.user_name, user), (AuditEvent.indicator_code, target), limit)
    rows = conn.execute(stmt).all()
    return pd.DataFrame(
        [
            {
                "when": e.at,
                "who": e.user_name,
                "action": e.action,
                "area": e.area,
                "board": e.theme_board,
                "target": e.indicator_code,
                "period": e.period_label,
                "field": e.field,
                "old": e.old_value,
                "new": e.new_value,
                "detail": e.detail,
            }
            for e in rows
        ],
        columns=COLUMNS,
    )


def _value_changes(
    conn: Connection, user: str | None, target: str | None, limit: int, where: ColumnElement[bool] | None = None
) -> pd.DataFrame:
    """One row per figure a batch changed: its version against the version it replaced."""
    before = aliased(PeriodValue)
    after = PeriodValue
    stmt = (
        select(
            UploadBatch.uploaded_at,
            UploadBatch.uploaded_by,
            UploadBatch.file_name,
            UploadBatch.id.label("batch_id"),
            Area.name.label("area"),
            ThemeBoard.name.label("board"),
            Target.indicator_code,
            after.period_label,
            after.id,
            *[getattr(after, c).label(f"new_{c}") for c in FILE_COLUMN],
            *[getattr(before, c).label(f"old_{c}") for c in FILE_COLUMN],
            before.id.label("before_id"),
        )
        .join(UploadBatch, UploadBatch.id == after.batch_id)
        .join(Target, Target.id == after.target_id)
        .join(ThemeBoard, ThemeBoard.id == Target.theme_board_id)
        .join(Area, Area.id == Target.area_id)
        .outerjoin(
            before,
            before.id == after.replaces_id,
        )
        .order_by(UploadBatch.uploaded_at.desc(), after.id.desc())
    )
    stmt = _filtered(conn, stmt, (UploadBatch.uploaded_by, user), (Target.indicator_code, target), limit)
    stmt = stmt if where is None else stmt.where(where)
    out = []
    for r in conn.execute(stmt).mappings():
        for stored, field in FILE_COLUMN.items():
            old = r[f"old_{stored}"] if r["before_id"] is not None else None
            new = r[f"new_{stored}"]
            if _same(old, new):
                continue
            out.append(
                {
                    "when": r["uploaded_at"],
                    "who": r["uploaded_by"],
                    "action": "browser entry" if r["file_name"].startswith(BROWSER) else "upload",
                    "area": r["area"],
                    "board": r["board"],
                    "target": r["indicator_code"],
                    "period": r["period_label"],
                    "field": field,
                    "old": None if old is None else cell_text(old),
                    "new": None if new is None else cell_text(new),
                    "detail": f"batch {r['batch_id']}: {r['file_name']}",
                }
            )
    return pd.DataFrame(out, columns=COLUMNS)


def _same(old: object, new: object) -> bool:
    return (old is None and new is None) or (old is not None and new is not None and old == new)


def _filtered(
    conn: Connection,
    stmt: Select,
    user: tuple[ColumnElement[str], str | None],
    target: tuple[ColumnElement[str], str | None],
    limit: int,
) -> Select:
    """stmt kept to the user and the target asked for (each a column and a wanted value, None for any), and to
    the first limit rows (0 for all)."""
    for (column, wanted), key in ((user, name_key), (target, code_key)):
        if wanted:
            stmt = stmt.where(column.in_(_spellings(conn, column, wanted, key)))
    return stmt.limit(limit) if limit else stmt


def _spellings(conn: Connection, column: ColumnElement[str], wanted: str, key: Callable[[str], str]) -> list[str]:
    """The stored values of column that are the one asked for, however it was written (case, spaces,
    apostrophes): the filter then runs in the database."""
    return [v for v in conn.scalars(select(column).distinct()) if v is not None and key(v) == key(wanted)]
