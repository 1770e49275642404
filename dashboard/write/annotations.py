"""Annotations: an analyst (or a board's chair) notes an event at a period of a target or of a whole board; every
note is in the audit trail, and one marked as a change of process starts new control limits from its period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from dashboard.access.permissions import Action, Actor, TargetScope, require
from dashboard.domain.fileformat import LIMITS
from dashboard.domain.names import find_code, find_name
from dashboard.domain.periods import Period
from dashboard.store.audit import record
from dashboard.store.engine import writing
from dashboard.store.models import Annotation, Target, ThemeBoard
from dashboard.store.queries import resolve_area
from dashboard.store.schema import require_ready

CHANGE_OF_PROCESS = "change of process"


class AnnotationProblem(ValueError):
    """A note that cannot be made or removed as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Noted:
    id: int
    about: str
    """'NI 117' or 'the Children's Trust board'."""
    period: str
    note: str
    change_of_process: bool

    def sentence(self) -> str:
        kind = f" ({CHANGE_OF_PROCESS})" if self.change_of_process else ""
        return f"note {self.id} on {self.about} at {self.period}{kind}: {self.note}"


def annotate(
    engine: Engine,
    actor: Actor,
    area: str | None,
    period: Period,
    note: str,
    *,
    target: str | None = None,
    board: str | None = None,
    change_of_process: bool = False,
) -> Noted:
    """Note an event at a period of one target (by code) or of one board (audited). An analyst or administrator
    notes any; a chair only their boards and their boards' targets."""
    require_ready(engine)
    note = " ".join((note or "").split())
    if not note:
        raise AnnotationProblem("say what happened: the note is empty")
    if len(note) > LIMITS["annotation"]:
        raise AnnotationProblem(f"the note has {len(note)} characters: shorten it to {LIMITS['annotation']} or fewer")
    if (target is None) == (board is None):
        raise AnnotationProblem("name either one target (its code) or one board")
    with writing(engine, news=False) as conn:  # a note shows on the charts (every cache reads again); no digest
        area_id, area_name = _area(conn, area)
        board_id, board_name, target_id, code = _subject(conn, area_id, area_name, target, board)
        require(actor, Action.ANNOTATE, TargetScope(board_name, None))
        new_id = conn.execute(
            insert(Annotation).returning(Annotation.id),
            {"area_id": area_id, "theme_board_id": board_id, "target_id": target_id, "period_end": period.end,
             "period_label": period.label, "note": note, "change_of_process": change_of_process,
             "noted_by": actor.name, "noted_at": datetime.now(UTC)},
        ).scalar_one()  # fmt: skip
        detail = f"note {new_id}" + (f" ({CHANGE_OF_PROCESS})" if change_of_process else "")
        record(conn, actor.name, "annotate", area=area_name, board=board_name, target=code, period=period.label,
               field="note", new=note, detail=detail)  # fmt: skip
    return Noted(new_id, code or f"the {board_name} board", period.label, note, change_of_process)


def remove_annotation(engine: Engine, actor: Actor, note_id: int) -> Noted:
    """Take a note off the charts (kept, with who removed it, for the audit trail)."""
    require_ready(engine)
    with writing(engine, news=False) as conn:
        row = conn.execute(
            select(
                Annotation.note,
                Annotation.period_label,
                Annotation.change_of_process,
                ThemeBoard.name.label("board"),
                Target.indicator_code,
            )
            .join(ThemeBoard, ThemeBoard.id == Annotation.theme_board_id)
            .outerjoin(Target, Target.id == Annotation.target_id)
            .where(Annotation.id == note_id, Annotation.removed_at.is_(None))
        ).first()
        if row is None:
            raise AnnotationProblem(f"there is no note {note_id} to remove: `laa note list` lists them")
        require(actor, Action.ANNOTATE, TargetScope(row.board, None))
        conn.execute(
            update(Annotation)
            .where(Annotation.id == note_id)
            .values(removed_by=actor.name, removed_at=datetime.now(UTC))
        )
        record(conn, actor.name, "remove a note", board=row.board, target=row.indicator_code,
               period=row.period_label, field="note", old=row.note, detail=f"note {note_id}")  # fmt: skip
    about = row.indicator_code or f"the {row.board} board"
    return Noted(note_id, about, row.period_label, row.note, row.change_of_process)


def _area(conn: Connection, area: str | None) -> tuple[int, str]:
    found = resolve_area(conn, area)
    if found is None:
        raise AnnotationProblem("nothing is stored yet: load the partnership's figures first")
    return found


def _subject(
    conn: Connection, area_id: int, area_name: str, target: str | None, board: str | None
) -> tuple[int, str, int | None, str | None]:
    """The board (id, name) and, for a target's note, the target (id, code)."""
    if target is not None:
        rows = conn.execute(
            select(Target.indicator_code, Target.id, ThemeBoard.id, ThemeBoard.name)
            .join(ThemeBoard, ThemeBoard.id == Target.theme_board_id)
            .where(Target.area_id == area_id)
            .order_by(ThemeBoard.position, Target.position)
        ).all()
        by_code = {r[0]: r for r in rows}
        code = find_code(by_code, target)
        if code is None:
            example = next(iter(by_code), "NI 117")
            raise AnnotationProblem(
                f"there is no target {target!r} in {area_name}: give one of its codes, such as {example}"
            )
        _, target_id, board_id, board_name = by_code[code]
        return board_id, board_name, target_id, code
    in_order = select(ThemeBoard.name, ThemeBoard.id).where(ThemeBoard.area_id == area_id).order_by(ThemeBoard.position)
    boards = dict(conn.execute(in_order).all())
    found = find_name(boards, board)
    if found is None:
        raise AnnotationProblem(f"there is no theme board {board!r} in {area_name} (boards: {', '.join(boards)})")
    return boards[found], found, None, None
