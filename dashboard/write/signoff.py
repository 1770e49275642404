"""Quarter sign-off: a chair signs off a board's quarter; afterwards a partner's or chair's change to that board's
figures for that quarter is refused, until an analyst (or the chair) re-opens it with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard.access.permissions import Action, Actor, TargetScope, require
from dashboard.domain.names import find_name, same_name
from dashboard.domain.periods import Period
from dashboard.domain.rules import Status
from dashboard.domain.words import plural
from dashboard.store.audit import record
from dashboard.store.engine import as_utc, writing
from dashboard.store.models import Area, SignOff, ThemeBoard
from dashboard.store.queries import resolve_area
from dashboard.store.schema import require_ready


class SignOffProblem(ValueError):
    """A sign-off or re-opening that cannot be done as asked; the message says why and what to do."""


@dataclass(frozen=True)
class SignedOff:
    board: str
    period: str
    by: str
    at: datetime

    def sentence(self) -> str:
        return f"{self.board} {self.period} was signed off by {self.by} on {self.at:%d %B %Y}"


def sign_off(engine: Engine, actor: Actor, area: str | None, board: str, period: Period) -> SignedOff:
    """The chair (or an administrator) signs off one board's quarter."""
    require_ready(engine)
    with writing(engine, figures=False, news=True) as conn:  # a signed-off quarter may be the digests' news
        area_name, board_id, board_name = _board(conn, area, board)
        require(actor, Action.SIGN_OFF, TargetScope(board_name, None))
        held = _open_sign_off(conn, board_id, period.end)
        if held is not None:
            raise SignOffProblem(f"{_signed(board_name, held).sentence()} already")
        now = datetime.now(UTC)
        conn.execute(
            insert(SignOff),
            {
                "theme_board_id": board_id,
                "period_end": period.end,
                "period_label": period.label,
                "signed_off_by": actor.name,
                "signed_off_at": now,
            },
        )
        record(conn, actor.name, "sign off", area=area_name, board=board_name, period=period.label)
    return SignedOff(board_name, period.label, actor.name, now)


def reopen(engine: Engine, actor: Actor, area: str | None, board: str, period: Period, reason: str) -> None:
    """An analyst (or the board's chair) re-opens a signed-off quarter, saying why."""
    require_ready(engine)
    reason = " ".join((reason or "").split())
    if not reason:
        raise SignOffProblem("say why the quarter is re-opened: give a reason")
    with writing(engine, figures=False) as conn:
        area_name, board_id, board_name = _board(conn, area, board)
        require(actor, Action.REOPEN, TargetScope(board_name, None))
        held = _open_sign_off(conn, board_id, period.end)
        if held is None:
            raise SignOffProblem(f"{board_name} {period.label} is not signed off")
        conn.execute(
            update(SignOff)
            .where(SignOff.id == held.id)
            .values(reopened_by=actor.name, reopened_at=datetime.now(UTC), reopen_reason=reason)
        )
        detail = f"signed off by {held.signed_off_by} on {held.signed_off_at:%d %B %Y}; reason: {reason}"
        record(conn, actor.name, "re-open", area=area_name, board=board_name, period=period.label, detail=detail)


def signed_off(engine: Engine, area: str | None, board: str, period: Period) -> SignedOff | None:
    """Who signed off this board's quarter and when, or None while it is open."""
    with engine.connect() as conn:
        try:
            _, board_id, board_name = _board(conn, area, board)
        except SignOffProblem:
            return None
        held = _open_sign_off(conn, board_id, period.end)
    return None if held is None else _signed(board_name, held)


def sign_off_sentence(held: SignedOff | None, board: str, quarter: Period) -> str:
    """'Children's Trust 2009/10 Q3 was signed off by chris on 02 December 2026' (held, from signed_off), or that
    it is not yet."""
    return held.sentence() if held else f"{board} {quarter.label} is not signed off yet"


def sign_off_question(statuses: pd.DataFrame, board: str, quarter: Period) -> str:
    """What signing off binds, asked before it is done: the board's targets still data awaited as at the quarter
    (statuses: position.statuses(quarter)), named in the partnership's order, and that nobody can change the
    quarter's figures afterwards until it is re-opened (the gate refuses every role alike)."""
    mine = statuses[same_name(statuses["theme_board"], board)]
    awaited = mine[mine["status"] == Status.DATA_AWAITED.value]
    if "board_position" in awaited and "position" in awaited:
        awaited = awaited.sort_values(["board_position", "position"])
    codes = awaited["indicator_code"].tolist()
    total = plural(len(mine), "target")
    if not codes:
        still = f"None of its {total} is data awaited."
    else:
        verb = "is" if len(codes) == 1 else "are"
        still = f"{len(codes)} of {total} {verb} still data awaited: {', '.join(codes)}."
    return (
        f"Sign off {board} {quarter.label}? {still} Once signed off, partners, the chair and analysts can no "
        f"longer change the board's figures for {quarter.label}, until an analyst or the chair re-opens it, giving "
        "a reason."
    )


def signed_off_quarters(conn: Connection, area_names: list[str]) -> dict[tuple[str, str, date], SignedOff]:
    """(area, board, quarter's end) → its sign-off, for every quarter signed off and not re-opened."""
    rows = conn.execute(
        select(Area.name.label("area"), ThemeBoard.name.label("board"), *SignOff.__table__.c)
        .join(ThemeBoard, ThemeBoard.id == SignOff.theme_board_id)
        .join(Area, Area.id == ThemeBoard.area_id)
        .where(SignOff.reopened_at.is_(None), Area.name.in_(area_names))
    ).all()
    return {(r.area, r.board, r.period_end): _signed(r.board, r) for r in rows}


def _signed(board: str, row) -> SignedOff:
    return SignedOff(board, row.period_label, row.signed_off_by, as_utc(row.signed_off_at))


def _open_sign_off(conn: Connection, board_id: int, end: date):
    """The sign-off row of this board's quarter that is not re-opened, or None."""
    return conn.execute(
        select(SignOff.__table__).where(
            SignOff.theme_board_id == board_id, SignOff.period_end == end, SignOff.reopened_at.is_(None)
        )
    ).first()


def _board(conn: Connection, area: str | None, board: str) -> tuple[str, int, str]:
    resolved = resolve_area(conn, area)
    if resolved is None:
        raise SignOffProblem("nothing is stored yet: load the partnership's figures first")
    area_id, area_name = resolved
    boards = dict(conn.execute(select(ThemeBoard.name, ThemeBoard.id).where(ThemeBoard.area_id == area_id)).all())
    found = find_name(boards, board)
    if found is None:
        raise SignOffProblem(f"there is no theme board {board!r} in {area_name} (boards: {', '.join(boards)})")
    return area_name, boards[found], found
