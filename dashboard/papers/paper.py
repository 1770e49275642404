"""What the board paper says, whatever it is rendered as: the as-at period, the board's mix, one row per target
shown with its status, direction of travel, unit and last four periods (board_paper), the sentence that says which
targets it holds (describe) and the file name (file_stem)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.domain.names import same_name
from dashboard.domain.output import plain
from dashboard.domain.periods import Period, previous_quarter
from dashboard.domain.rules import Status
from dashboard.read.annotations import WHOLE_BOARD, notes_up_to
from dashboard.read.benchmark import AreaQuartiles, quartile_note
from dashboard.read.breakdown import COUNT_COLUMNS, board_breakdown, shortfall_frame
from dashboard.read.movement import Direction, compare, earlier_quarter, resolve_as_at
from dashboard.read.position import Position
from dashboard.read.spc import spc_as_at
from dashboard.read.views import note_said

HISTORY_PERIODS = 4


@dataclass(frozen=True)
class PeriodFigure:
    """One target as at one of the paper's last periods."""

    period: str  # the quarter (or the as-at period) it is as at
    actual: float | None
    status: Status
    source: str | None  # the period of the row that counts as at it (an annual figure carried on); None: no row


@dataclass(frozen=True)
class PaperRow:
    """One target on the paper."""

    target_id: int
    code: str
    indicator: str
    board: str
    status: Status
    direction: Direction | None  # None: not worked out (the legacy report)
    unit: str
    target: float | None
    actual: float | None
    shortfall_pct: float | None
    period: str
    target_type: str
    lead_partner: str
    commentary: str
    remedial_action: str
    history: tuple[PeriodFigure, ...] = ()  # one per BoardPaper.periods, oldest first
    quartile: int | None = None  # among the areas BoardPaper.quartiles names; None: none
    variation: str | None = None  # read.spc's words ("common cause"); None: none, spc_reason says why
    assurance: str | None = None  # read.spc's words ("hit and miss"); None: none, spc_reason says why
    spc_reason: str | None = None  # why a variation or assurance is missing ("needs 8 more quarters …")
    notes: tuple[str, ...] = ()  # the target's and its board's notes up to the as-at period (views.note_said)


@dataclass(frozen=True)
class PaperNote:
    """One note the paper lists: at a period, on a target (its code) or on its whole board (target None)."""

    period: str
    board: str
    target: str | None
    note: str
    by: str

    @property
    def about(self) -> str:
        """'NI 117' or 'whole board'."""
        return self.target or WHOLE_BOARD


@dataclass(frozen=True)
class Mix:
    """The red / amber / green / data-awaited mix of a board (or of the whole partnership)."""

    scope: str  # the board's name, or "the partnership"
    targets: int
    counts: dict[Status, int]
    pcts: dict[Status, float]


@dataclass(frozen=True)
class BoardPaper:
    area: str
    board: str | None  # None: every theme board
    as_at: str  # the as-at period's label
    what: str  # what is shown: "9 red targets", "26 targets, all statuses", "2 red targets · lead partner …"
    mix: Mix | None
    rows: tuple[PaperRow, ...]
    periods: tuple[str, ...] = ()  # the last periods' labels, oldest first, ending with the as-at period
    since: str | None = None  # the quarter direction of travel compares with
    produced: date = field(default_factory=date.today)
    sign_off: str | None = None  # "Children's Trust 2009/10 Q3 was signed off by … on …", or that it is not yet
    quartiles: str | None = None  # what the rows' quartiles are measured in (quartile_note); None: not shown
    notes: tuple[PaperNote, ...] = ()  # the board's and its targets' notes up to the as-at period, oldest first

    def summary(self) -> str:
        """'9 red targets, Children's Trust, as at 2009/10 Q3'."""
        return f"{self.what}, {self.board or 'all theme boards'}, as at {self.as_at}"

    def title(self) -> str:
        return f"{self.area}: {self.summary()}"


def describe(
    count: int,
    status: Status | None = None,
    target_types: Iterable[str] = (),
    lead_partners: Iterable[str] = (),
) -> str:
    """What a paper shows, in words: '9 red targets', '26 targets, all statuses' (status None),
    '2 red targets · lead partner NHS Haringey'."""
    noun = "target" if count == 1 else "targets"
    if status is None:
        text = f"{count} {noun}, all statuses"
    elif status is Status.DATA_AWAITED:
        text = f"{count} {noun} awaiting data"
    else:
        text = f"{count} {status.value} {noun}"
    parts = [text]
    if types := [str(t) for t in target_types]:
        parts.append(f"target type {', '.join(types)}")
    if partners := [str(p) for p in lead_partners]:
        parts.append(f"lead partner {', '.join(partners)}")
    return " · ".join(parts)


def board_paper(
    position: Position,
    as_at: Period | None,
    board: str | None,
    rows: pd.DataFrame,
    what: str | None = None,
    produced: date | None = None,
    sign_off: str | None = None,
    quartiles: AreaQuartiles | None = None,
) -> BoardPaper:
    """The paper for exactly the targets shown: `rows` needs a target_id column, one row per target shown, in
    the order shown (breakdown.exceptions(...), the board page's filtered rows, ...). Every figure is
    taken from `position` as at `as_at` (None: the latest quarter held). `board` (any case) names the board
    whose mix heads the paper; None: every board, with the partnership's mix. `what` defaults to 'N targets,
    all statuses'. With `quartiles` (area_quartiles as at the same period), each row carries its quartile."""
    now = resolve_as_at(position, as_at)
    board = _board_name(position, board)
    statuses = position.statuses(now)
    ids = [int(t) for t in rows["target_id"]] if len(rows) else []
    by_id = statuses.set_index("target_id")
    missing = [t for t in ids if t not in by_id.index]
    if missing:
        raise ValueError(f"targets {missing} are not held in {position.area}")
    shown = by_id.loc[ids].reset_index() if ids else statuses.iloc[0:0]
    shown = shown.assign(shortfall_pct=shortfall_frame(shown) if len(shown) else pd.Series(dtype=float))
    periods = _last_periods(position, now)
    spc = spc_as_at(position, now)
    notes = notes_up_to(position, now, board)
    directions = {}
    histories = {}
    if now is not None:
        compared = compare(position, now)
        directions = {int(t): Direction(d) for t, d in zip(compared["target_id"], compared["direction"], strict=True)}
        at = {p.label: position.statuses(p).set_index("target_id") for p in periods}
        histories = {t: tuple(_figure(p.label, at[p.label], t) for p in periods) for t in ids}
    return BoardPaper(
        area=position.area,
        board=board,
        as_at=now.label if now else "the latest period held",
        what=what if what is not None else describe(len(ids)),
        mix=_mix(statuses, board),
        rows=tuple(_with_notes(_with_spc(_paper_rows(shown, directions, histories, quartiles), spc), notes)),
        periods=tuple(p.label for p in periods),
        since=earlier.label if (earlier := earlier_quarter(position, now)) else None,
        produced=produced or date.today(),
        sign_off=sign_off,
        quartiles=quartile_note(quartiles) if quartiles is not None else None,
        notes=tuple(_paper_notes(notes)),
    )


def _with_spc(rows: Iterable[PaperRow], summary: pd.DataFrame) -> Iterable[PaperRow]:
    """Each row with its target's variation and assurance (read.spc.spc_summary), or why it has none."""
    by_id = summary.set_index("target_id")
    for row in rows:
        if row.target_id not in by_id.index:
            yield row
            continue
        found = by_id.loc[row.target_id]
        said = {k: _str(found[c]) or None for k, c in SPC_FIELDS.items()}
        yield dataclasses.replace(row, **said)


SPC_FIELDS = {"variation": "variation", "assurance": "assurance", "spc_reason": "reason"}


def _with_notes(rows: Iterable[PaperRow], notes: pd.DataFrame) -> Iterable[PaperRow]:
    """Each row with its own notes and its board's (the paper's notes: up to the as-at period)."""
    for row in rows:
        mine = notes[(notes["indicator_code"] == row.code)
                     | (notes["indicator_code"].isna() & (notes["theme_board"] == row.board))]  # fmt: skip
        yield dataclasses.replace(row, notes=tuple(note_said(n) for n in mine.to_dict("records")))


def _paper_notes(notes: pd.DataFrame) -> Iterable[PaperNote]:
    for n in notes.to_dict("records"):
        code = n["indicator_code"] if isinstance(n["indicator_code"], str) else None
        yield PaperNote(_str(n["period_label"]), _str(n["theme_board"]), code, _str(n["note"]), _str(n["noted_by"]))


def _board_name(position: Position, board: str | None) -> str | None:
    if board is None:
        return None
    names = position.targets["theme_board"]
    match = names[same_name(names, board)]
    if match.empty:
        raise ValueError(f"no theme board {board!r} in {position.area}")
    return str(match.iloc[0])


def _last_periods(position: Position, now: Period | None) -> list[Period]:
    """The as-at period and up to three quarters before it, oldest first, none before the first quarter held."""
    held = position.quarters()
    if now is None or not held:
        return []
    periods = [now]
    while len(periods) < HISTORY_PERIODS:
        before = previous_quarter(periods[0])
        if before.end < held[0].end:
            break
        periods.insert(0, before)
    return periods


def _figure(label: str, at: pd.DataFrame, target_id: int) -> PeriodFigure:
    row = at.loc[target_id]
    return PeriodFigure(label, _float(row["actual"]), _status(row["status"]), _str(row["period_label"]) or None)


def _mix(statuses: pd.DataFrame, board: str | None) -> Mix:
    boards, total = board_breakdown(statuses)
    counts = total
    if board is not None:
        mine = boards[boards["theme_board"] == board]
        counts = mine.iloc[0].to_dict() if len(mine) else {"targets": 0} | {c: 0 for c in COUNT_COLUMNS}
    return Mix(
        scope=board or "the partnership",
        targets=int(counts["targets"]),
        counts={s: int(counts[c]) for c, s in COUNT_COLUMNS.items()},
        pcts={s: float(counts.get(f"{c}_pct", 0.0)) for c, s in COUNT_COLUMNS.items()},
    )


def _paper_rows(
    frame: pd.DataFrame, directions: dict, histories: dict, quartiles: AreaQuartiles | None
) -> Iterable[PaperRow]:
    """Paper rows from a frame in the statuses format (breakdown.exceptions's columns)."""
    for r in frame.to_dict("records"):
        target_id = int(r["target_id"]) if plain(r.get("target_id")) is not None else 0
        yield PaperRow(
            target_id=target_id,
            code=_str(r.get("indicator_code")),
            indicator=_str(r.get("indicator_name")),
            board=_str(r.get("theme_board")),
            status=_status(r.get("status")),
            direction=directions.get(target_id),
            unit=_str(r.get("unit")),
            target=_float(r.get("target_value")),
            actual=_float(r.get("actual")),
            shortfall_pct=_float(r.get("shortfall_pct")),
            period=_str(r.get("period_label")),
            target_type=_str(r.get("target_type")),
            lead_partner=_str(r.get("lead_partner")),
            commentary=_str(r.get("commentary")),
            remedial_action=_str(r.get("remedial_action")),
            history=histories.get(target_id, ()),
            quartile=quartiles.of(target_id) if quartiles is not None else None,
        )


STEM_LIMIT = 120
"""A download's name keeps at most this many characters before its extension (many partners picked)."""


def file_stem(
    paper: BoardPaper,
    status: Status | None = Status.RED,
    target_types: Iterable[str] = (),
    lead_partners: Iterable[str] = (),
) -> str:
    """'childrens-trust-2009-10-q3-red-nhs-haringey': a file name without its extension, naming the board, the
    quarter and what the paper holds (as describe does: status None is every status; then the target types and
    lead partners picked), so that papers saved side by side tell themselves apart."""
    shown = status.value if status is not None else "all statuses"
    words = " ".join([paper.board or "all boards", paper.as_at, shown, *target_types, *lead_partners])
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", plain.lower().replace("'", "")).strip("-")
    return stem[:STEM_LIMIT].rstrip("-")


def _str(value) -> str:
    value = plain(value)
    return "" if value is None else " ".join(str(value).split())


def _float(value) -> float | None:
    value = plain(value)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _status(value) -> Status:
    value = plain(value)
    return Status(value) if value else Status.DATA_AWAITED


def percent(value: float) -> str:
    return f"{value:.1f}%"
