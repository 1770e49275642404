"""The audit trail's recording: each change's events written in the transaction that makes the change."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert

from dashboard.domain.output import cell_text
from dashboard.store.bulk import insert_records
from dashboard.store.models import AuditEvent

BROWSER = "entered in the browser by "
"""The start of a browser entry's file name, then the user's name."""


def record(
    conn: Connection,
    who: str,
    action: str,
    *,
    area: str | None = None,
    board: str | None = None,
    target: str | None = None,
    period: str | None = None,
    field: str | None = None,
    old: object = None,
    new: object = None,
    batch_id: int | None = None,
    detail: str | None = None,
) -> None:
    """One event, inside the transaction that makes the change (so there is no change without its event)."""
    conn.execute(
        insert(AuditEvent),
        {
            "at": datetime.now(UTC),
            "user_name": who,
            "action": action,
            "area": area,
            "theme_board": board,
            "indicator_code": target,
            "period_label": period,
            "field": field,
            "old_value": None if old is None else cell_text(old),
            "new_value": None if new is None else cell_text(new),
            "batch_id": batch_id,
            "detail": detail,
        },
    )


def record_all(conn: Connection, who: str, action: str, events: list[dict], at: datetime | None = None) -> None:
    """Many events of one change in one statement (the fields a plan changes); each dict holds record's keyword
    arguments (area, board, target, period, field, old, new, batch_id, detail), and may hold its own `at` and
    `who` (history kept from versions about to be deleted)."""
    if not events:
        return
    now = at or datetime.now(UTC)
    rows = []
    for e in events:
        old, new = e.get("old"), e.get("new")
        rows.append(
            {
                "at": e.get("at", now),
                "user_name": e.get("who", who),
                "action": e.get("action", action),
                "area": e.get("area"),
                "theme_board": e.get("board"),
                "indicator_code": e.get("target"),
                "period_label": e.get("period"),
                "field": e.get("field"),
                "old_value": None if old is None else cell_text(old),
                "new_value": None if new is None else cell_text(new),
                "batch_id": e.get("batch_id"),
                "detail": e.get("detail"),
            }
        )
    insert_records(conn, AuditEvent.__table__, rows)
