"""Reads from the store as pandas frames: one query each, never one per row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from dashboard.domain.names import find_name, name_key
from dashboard.store.models import (
    Annotation,
    Area,
    ComparatorArea,
    EscalationRule,
    PeriodValue,
    Target,
    ThemeBoard,
    UploadBatch,
)

TARGET_COLUMNS = [
    "target_id",
    "area_id",
    "area",
    "indicator_code",
    "indicator_name",
    "theme_board_id",
    "theme_board",
    "board_position",
    "target_type",
    "lead_partner",
    "polarity",
    "tolerance_pct",
    "frequency",
    "unit",
    "measure",
    "position",
]
VALUE_COLUMNS = [
    "value_id",
    "target_id",
    "period_end",
    "period_label",
    "target_value",
    "actual",
    "reported_status",
    "commentary",
    "remedial_action",
    "batch_id",
]


class NoSuchArea(LookupError):
    pass


def area_names(conn: Connection) -> list[str]:
    return list(conn.scalars(select(Area.name).order_by(Area.id)))


def area_ids(conn: Connection) -> list[int]:
    """Every area's id, in the order they were first stored."""
    return list(conn.scalars(select(Area.id).order_by(Area.id)))


def resolve_area(conn: Connection, area: str | None) -> tuple[int, str] | None:
    """The area asked for (case-insensitive), or the only one stored; None when the store has none."""
    rows = conn.execute(select(Area.id, Area.name).order_by(Area.id)).all()
    if area:
        for row in rows:
            if name_key(row.name) == name_key(area):
                return row.id, row.name
        raise NoSuchArea(f"no area named {area!r} among the {_areas_held(len(rows))}: `laa areas` lists them")
    if not rows:
        return None
    if len(rows) > 1:
        raise NoSuchArea(f"{_areas_held(len(rows))}: choose one with --area NAME (`laa areas` lists them)")
    return rows[0].id, rows[0].name


def area_parents(conn: Connection) -> dict[str, str | None]:
    """Every area held → the county it is a district of (None: not a district), in the order first stored."""
    county = Area.__table__.alias("county")
    stmt = select(Area.name, county.c.name).outerjoin(county, county.c.id == Area.parent_id).order_by(Area.id)
    return dict(conn.execute(stmt).all())


def districts_of(conn: Connection, county_id: int) -> list[tuple[int, str]]:
    """(id, name) of each district of a county, in the order first stored."""
    stmt = select(Area.id, Area.name).where(Area.parent_id == county_id).order_by(Area.id)
    return [(row.id, row.name) for row in conn.execute(stmt)]


def _areas_held(count: int) -> str:
    return "1 area held" if count == 1 else f"{count} areas held"


def areas_frame(conn: Connection) -> pd.DataFrame:
    """Every area held, in the order it was first stored, with how many theme boards and targets it has."""
    boards = select(ThemeBoard.area_id, func.count().label("n")).group_by(ThemeBoard.area_id).subquery()
    targets = select(Target.area_id, func.count().label("n")).group_by(Target.area_id).subquery()
    stmt = (
        select(Area.name, func.coalesce(boards.c.n, 0), func.coalesce(targets.c.n, 0))
        .outerjoin(boards, boards.c.area_id == Area.id)
        .outerjoin(targets, targets.c.area_id == Area.id)
        .order_by(Area.id)
    )
    return _frame(conn, stmt, ["area", "theme_boards", "targets"])


def targets_frame(conn: Connection, area_ids: list[int]) -> pd.DataFrame:
    """Every target of these areas with its board, in the partnership's order."""
    stmt = (
        select(
            Target.id.label("target_id"),
            Target.area_id,
            Area.name.label("area"),
            Target.indicator_code,
            Target.indicator_name,
            Target.theme_board_id,
            ThemeBoard.name.label("theme_board"),
            ThemeBoard.position.label("board_position"),
            Target.target_type,
            Target.lead_partner,
            Target.polarity,
            Target.tolerance_pct,
            Target.frequency,
            Target.unit,
            Target.measure,
            Target.position,
        )
        .join(Area, Area.id == Target.area_id)
        .join(ThemeBoard, ThemeBoard.id == Target.theme_board_id)
        .where(Target.area_id.in_(area_ids))
        .order_by(ThemeBoard.position, Target.position)
    )
    return _frame(conn, stmt, TARGET_COLUMNS)


ANNOTATION_COLUMNS = ["note_id", "theme_board", "target_id", "indicator_code", "period_end", "period_label", "note",
                      "change_of_process", "noted_by", "noted_at"]  # fmt: skip


def annotations_frame(conn: Connection, area_ids: list[int]) -> pd.DataFrame:
    """The notes on these areas' targets and boards (not removed), by period, oldest first; a board's note has no
    target."""
    stmt = (
        select(
            Annotation.id.label("note_id"),
            ThemeBoard.name.label("theme_board"),
            Annotation.target_id,
            Target.indicator_code,
            Annotation.period_end,
            Annotation.period_label,
            Annotation.note,
            Annotation.change_of_process,
            Annotation.noted_by,
            Annotation.noted_at,
        )
        .join(ThemeBoard, ThemeBoard.id == Annotation.theme_board_id)
        .outerjoin(Target, Target.id == Annotation.target_id)
        .where(Annotation.area_id.in_(area_ids), Annotation.removed_at.is_(None))
        .order_by(Annotation.period_end, Annotation.id)
    )
    return _frame(conn, stmt, ANNOTATION_COLUMNS)


_FIGURES = (
    PeriodValue.period_label,
    PeriodValue.target_value,
    PeriodValue.actual,
    PeriodValue.reported_status,
    PeriodValue.commentary,
    PeriodValue.remedial_action,
)
"""A period value's figures and words, as every read of them selects them."""


_VALUE_ROW = (
    PeriodValue.id.label("value_id"),
    PeriodValue.target_id,
    PeriodValue.period_end,
    *_FIGURES,
    PeriodValue.batch_id,
)
"""A current period value as the frames of values select it: VALUE_COLUMNS, in order."""


def current_values_frame(conn: Connection, area_ids: list[int]) -> pd.DataFrame:
    """The current version of every period value of these areas' targets."""
    stmt = (
        select(*_VALUE_ROW)
        .join(Target, Target.id == PeriodValue.target_id)
        .where(Target.area_id.in_(area_ids), PeriodValue.is_current)
        .order_by(PeriodValue.target_id, PeriodValue.period_end)
    )
    return _values(conn, stmt)


def _values(conn: Connection, stmt) -> pd.DataFrame:
    """The rows of a statement selecting _VALUE_ROW, as a frame of VALUE_COLUMNS with period_end as dates."""
    result = conn.execute(stmt)
    try:
        # The driver's own rows: a million SQLAlchemy rows, each date parsed on its own, take seconds. SQLite gives
        # a date as its ISO text, so the few distinct ones are parsed once each below.
        # (Never with stream_results: SQLAlchemy then buffers the first rows itself, and the cursor would skip them.)
        # In pieces, each made a frame at once: a million rows as tuples are half a GB.
        parts = [pd.DataFrame.from_records(rows, columns=VALUE_COLUMNS) for rows in _pieces(result.cursor)]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=VALUE_COLUMNS)
    finally:
        result.close()
    codes, ends = pd.factorize(frame["period_end"])
    dates = pd.to_datetime(pd.Series(ends, dtype=object)).dt.date.to_numpy(dtype=object)
    frame["period_end"] = pd.Series(dates[codes] if len(codes) else codes.astype(object), index=frame.index)
    return frame


def _pieces(cursor, size: int = 100_000) -> Iterator[list[tuple]]:
    while rows := cursor.fetchmany(size):
        yield rows


def latest_values_frame(conn: Connection, as_at_end: date | None) -> pd.DataFrame:
    """Rule 2's selection in the database, for every area at once: each target's current row ending latest on or
    before as_at_end (every period when None), one row per target, where reading every row of a national store
    into pandas first would take seconds."""
    latest = select(PeriodValue.target_id, func.max(PeriodValue.period_end).label("period_end")).where(
        PeriodValue.is_current
    )
    if as_at_end is not None:
        latest = latest.where(PeriodValue.period_end <= as_at_end)
    latest = latest.group_by(PeriodValue.target_id).subquery()
    stmt = (
        select(*_VALUE_ROW)
        .join(latest, (latest.c.target_id == PeriodValue.target_id) & (latest.c.period_end == PeriodValue.period_end))
        .where(PeriodValue.is_current)
        .order_by(PeriodValue.target_id)
    )
    return _values(conn, stmt)


def latest_reported_end(conn: Connection) -> date | None:
    """The end of the latest period any current row reports (an actual or a status), else of the latest held."""
    reported = select(func.max(PeriodValue.period_end)).where(
        PeriodValue.is_current, (PeriodValue.actual.is_not(None)) | (PeriodValue.reported_status.is_not(None))
    )
    found = conn.scalar(reported) or conn.scalar(select(func.max(PeriodValue.period_end)).where(PeriodValue.is_current))
    return pd.Timestamp(found).date() if found is not None else None


def groups_frame(conn: Connection) -> pd.DataFrame:
    """Each comparator group with how many areas it holds, by name."""
    stmt = (
        select(ComparatorArea.group_name, func.count(ComparatorArea.area_id))
        .group_by(ComparatorArea.group_name)
        .order_by(ComparatorArea.group_name)
    )
    return _frame(conn, stmt, ["group", "areas"])


def group_areas(conn: Connection, group: str) -> tuple[str, list[str]] | None:
    """The comparator group of that name (as names match) and its areas, or None when no such group is held."""
    names = list(conn.scalars(select(ComparatorArea.group_name).distinct()))
    found = find_name(names, group)
    if found is None:
        return None
    stmt = (
        select(Area.name)
        .join(ComparatorArea, ComparatorArea.area_id == Area.id)
        .where(ComparatorArea.group_name == found)
        .order_by(Area.id)
    )
    return found, list(conn.scalars(stmt))


def area_groups(conn: Connection, area_id: int) -> list[str]:
    """The comparator groups the area is in, by name."""
    held = select(ComparatorArea.group_name).where(ComparatorArea.area_id == area_id)
    return list(conn.scalars(held.order_by(ComparatorArea.group_name)))


def period_actuals_frame(conn: Connection, area_id: int, period_end: date) -> pd.DataFrame:
    """Every area's current actual in one period for each indicator the area holds: a row per target that
    reported, areas in the order they were first stored (one query, where one benchmark per indicator would be
    198)."""
    codes = select(Target.indicator_code).where(Target.area_id == area_id)
    stmt = (
        select(Area.name, Target.id, Target.indicator_code, Target.polarity, PeriodValue.actual)
        .join(Target, Target.area_id == Area.id)
        .join(PeriodValue, PeriodValue.target_id == Target.id)
        .where(
            PeriodValue.is_current,
            PeriodValue.period_end == period_end,
            PeriodValue.actual.is_not(None),
            Target.indicator_code.in_(codes),
        )
        .order_by(Area.id, Target.id)
    )
    return _frame(conn, stmt, ["area", "target_id", "indicator_code", "polarity", "actual"])


def indicator_values(conn: Connection, code: str) -> pd.DataFrame:
    """The current figures of one indicator (its stored code) in every area that holds it: a row per area and
    period, areas in the order they were first stored."""
    stmt = (
        select(
            Area.name.label("area"),
            Target.id.label("target_id"),
            Target.polarity,
            Target.tolerance_pct,
            PeriodValue.period_end,
            *_FIGURES,
        )
        .join(Area, Area.id == Target.area_id)
        .join(PeriodValue, PeriodValue.target_id == Target.id)
        .where(Target.indicator_code == code, PeriodValue.is_current)
        .order_by(Area.id, PeriodValue.period_end)
    )
    columns = ["area", "target_id", "polarity", "tolerance_pct", "period_end", *(c.key for c in _FIGURES)]
    return _frame(conn, stmt, columns)


def value_versions(conn: Connection, target_id: int) -> pd.DataFrame:
    """Every stored version of every period of one target, oldest first, with its upload batch."""
    stmt = (
        select(
            PeriodValue.id.label("value_id"),
            PeriodValue.period_end,
            *_FIGURES,
            PeriodValue.is_current,
            PeriodValue.batch_id,
            UploadBatch.uploaded_at.label("recorded_at"),
            UploadBatch.uploaded_by.label("recorded_by"),
            UploadBatch.file_name,
            UploadBatch.rolled_back_at,
        )
        .join(UploadBatch, UploadBatch.id == PeriodValue.batch_id)
        .where(PeriodValue.target_id == target_id)
        .order_by(PeriodValue.period_end, PeriodValue.id)
    )
    columns = [
        "value_id", "period_end", "period_label", "target_value", "actual", "reported_status", "commentary",
        "remedial_action", "is_current", "batch_id", "recorded_at", "recorded_by", "file_name", "rolled_back_at",
    ]  # fmt: skip
    frame = _frame(conn, stmt, columns)
    frame["period_end"] = pd.to_datetime(frame["period_end"]).dt.date
    return frame


def batches_frame(conn: Connection) -> pd.DataFrame:
    """Every upload, newest first."""
    table = UploadBatch.__table__
    stmt = select(table).order_by(table.c.id.desc())
    return _frame(conn, stmt, [c.name for c in table.columns])


def _frame(conn: Connection, stmt, columns: list[str]) -> pd.DataFrame:
    # Plain tuples: pandas probes SQLAlchemy Row objects attribute by attribute, which is slow.
    return pd.DataFrame.from_records([tuple(row) for row in conn.execute(stmt)], columns=columns)


def escalation_rules(conn: Connection, area_id: int) -> dict[str, tuple[bool, int | None]]:
    """A partnership's stored rule settings: rule → (switched on, count)."""
    stmt = select(EscalationRule.rule, EscalationRule.enabled, EscalationRule.count).where(
        EscalationRule.area_id == area_id
    )
    return {rule: (bool(on), count) for rule, on, count in conn.execute(stmt)}
