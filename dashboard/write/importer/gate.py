"""The one gate every change to the figures and targets passes before it is written.

An upload, a browser entry and a rollback are each a plan of changed fields per row (plan.py);
`refusals` decides, from permissions.MAY_CHANGE, whether the actor may make every change in it, and keeps what no
role may bend: a signed-off board quarter stays as rule 2 gives it, a quarter not yet begun takes no partner's or
chair's figures, commentary stays within its limit, and a new board or a move between boards is made only when
it is confirmed. Each refusal names the line, the column, the value, the target and the fix."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from dashboard.access.permissions import OWNED, RULES, Actor, Change, Role, TargetScope, may_change, owns
from dashboard.domain.fileformat import FILE_COLUMN, TARGET_FIELDS
from dashboard.domain.names import name_key
from dashboard.domain.output import cell_text
from dashboard.domain.periods import quarter_of
from dashboard.domain.rules import rate_frame
from dashboard.store.models import Area, PeriodValue, ThemeBoard
from dashboard.write.importer.plan import ImportPlan, same_cells
from dashboard.write.importer.problems import ImportProblem
from dashboard.write.signoff import SignedOff, signed_off_quarters

TEXT_LIMIT = 4000
"""The longest commentary or remedial action, in characters: a board paper's cell, not a report."""
FIGURES = {stored: Change(name) for stored, name in FILE_COLUMN.items()}
"""A stored figure → the kind of change setting it is."""
CONFIRM_BOARDS = (
    "correct the board's name, or confirm that the file makes new boards and moves targets between boards "
    "(`laa import --new-boards`, or the tick box on the Upload page)"
)
REOPEN_FIX = (
    "re-open the quarter first, giving a reason (an analyst or the board's chair: `laa reopen`, or the board page)"
)


@dataclass(frozen=True)
class BoardChange:
    """A new board a plan makes, or a target it moves between boards."""

    line: int | None
    area: str
    indicator_code: str | None
    """None for a new board; the target moved otherwise."""
    before: str | None
    after: str
    nearest: str | None
    """The existing board whose name is nearest a new one's (a likely misspelling), if any."""

    def sentence(self) -> str:
        if self.indicator_code is None:
            guess = f" (did you mean {self.nearest}?)" if self.nearest else ""
            return f"new theme board {self.after} in {self.area}{guess}"
        return f"{self.indicator_code} moves from {self.before} to {self.after}"


def refusals(
    conn: Connection, actor: Actor, plan: ImportPlan, *, new_boards: bool = False, today: date | None = None
) -> list[ImportProblem]:
    """Every change in the plan the actor may not make, or that no one may make as it stands; [] when all may.

    new_boards: the uploader confirmed the plan's new boards and moves between boards."""
    if plan.targets.empty:
        return []
    signed = signed_off_quarters(conn, plan.targets["area"].unique().tolist())
    found = (
        _not_owned(plan, actor)
        + _figures_refused(plan, actor)
        + _targets_refused(plan, actor)
        + _boards_unconfirmed(conn, plan, actor, new_boards)
        + _not_begun(plan, actor, today or date.today())
        + _too_long(plan)
        + _districts_refused(plan, actor)
        + _signed_off(conn, plan, signed)
    )
    return sorted(dict.fromkeys(found), key=lambda p: (p.line or 0, p.column or ""))


def changing(plan: ImportPlan) -> pd.DataFrame:
    """The plan's value rows that are new or changed."""
    if plan.values.empty:
        return plan.values
    return plan.values[(plan.values["kind"] != "unchanged").to_numpy()]


def changed_mask(rows: pd.DataFrame, stored: str) -> np.ndarray:
    """Rows whose figure `stored` (target_value, actual…) the plan sets, changes or clears."""
    if stored not in rows or rows.empty:
        return np.zeros(len(rows), dtype=bool)
    before = rows[f"stored_{stored}"]
    differs = ~same_cells(rows[stored], before)
    return differs & (pd.notna(rows[stored]).to_numpy() | pd.notna(before).to_numpy())


def _role(actor: Actor) -> str:
    return "an analyst" if actor.role is Role.ANALYST else f"a {actor.role.value}"


def _not_owned(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """Rows of stored targets a partner does not lead, or of boards a chair does not chair."""
    if actor.role not in OWNED:
        return []
    owner = "lead_partner" if actor.role is Role.PARTNER else "theme_board"  # named in the problem
    stored = plan.targets[(plan.targets["kind"] != "new").to_numpy()]
    theirs = {
        r.indicator_code: getattr(r, f"stored_{owner}")
        for r in stored.itertuples(index=False)
        if not owns(actor, TargetScope(r.stored_theme_board, r.stored_lead_partner))
    }
    rows = changing(plan)
    rows = rows[rows["indicator_code"].isin(list(theirs)).to_numpy()]
    if actor.role is Role.PARTNER:
        problem = "{code} is led by {owner}, not {partner}: a partner updates only the targets it leads"
        fix = "take the row out of the file (the lead partner or an analyst uploads it)"
    else:
        problem = (
            "{code} belongs to {owner}, which {name} does not chair: a chair edits the commentary of their own "
            "boards' targets"
        )
        fix = "take the row out (that board's chair or an analyst edits it)"
    return [
        ImportProblem(
            _line(r.line),
            "indicator_code",
            r.indicator_code,
            problem.format(
                code=r.indicator_code,
                owner=cell_text(theirs[r.indicator_code]) or "no lead partner",
                partner=actor.partner,
                name=actor.name,
            ),
            fix,
        )
        for r in rows.itertuples()
    ]


def _figures_refused(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """Figures the actor's role may not set: a partner's rag or target, a chair's actual."""
    rows = changing(plan)
    problems = []
    for stored, change in FIGURES.items():
        if may_change(actor, change) or stored not in rows:
            continue
        column = FILE_COLUMN.get(stored, stored)
        for r in rows[changed_mask(rows, stored)].itertuples():
            what, fix = _figure_refusal(actor, change, r.indicator_code, r.period_label)
            problems.append(ImportProblem(_line(r.line), column, cell_text(getattr(r, stored)), what, fix))
    return problems


def _figure_refusal(actor: Actor, change: Change, code: str, period: str) -> tuple[str, str]:
    if change is Change.STATUS:
        return (
            f"the file sets the rag of {code} for {period}, and a reported status is an analyst's judgement: "
            f"{_role(actor)} may not send or change it",
            "leave the rag column out: the status is worked out from the actual and the target",
        )
    if change is Change.TARGET:
        return (
            f"the file changes the target of {code} for {period}, and {_role(actor)} cannot change targets",
            "leave the target column out (the stored target is kept), or ask an analyst to change it",
        )
    if actor.role is Role.CHAIR:
        return (
            f"the entry changes the {change.value} of {code} for {period}, and a chair edits commentary and "
            "remedial action only",
            "leave the figure as it is (the lead partner or an analyst enters it)",
        )
    return (
        f"the file changes the {change.value.replace('_', ' ')} of {code} for {period}: {RULES[actor.role]}",
        "take the row out of the file (the lead partner or an analyst enters it)",
    )


def _targets_refused(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """New targets, settings and board moves the actor's role may not make."""
    targets = plan.targets
    problems = []
    if not may_change(actor, Change.NEW_TARGET):
        problems += [
            ImportProblem(
                _line(r.line),
                "indicator_code",
                r.indicator_code,
                f"{r.indicator_code} is not a target yet, and {_role(actor)} cannot add targets",
                "ask an analyst or administrator to add the target first",
            )
            for r in targets[(targets["kind"] == "new").to_numpy()].itertuples()
        ]
    changed = targets[(targets["kind"] == "changed").to_numpy()]
    for column in [c for c in TARGET_FIELDS if c in plan.present and f"stored_{c}" in changed]:
        change = Change.BOARD if column == "theme_board" else Change.SETTING
        if may_change(actor, change):
            continue
        for r in changed[~same_cells(changed[column], changed[f"stored_{column}"])].itertuples():
            stored = cell_text(getattr(r, f"stored_{column}"))
            problems.append(
                ImportProblem(
                    _line(r.line),
                    column,
                    cell_text(getattr(r, column)),
                    f"the file changes {r.indicator_code}'s {column.replace('_', ' ')}, and {_role(actor)} cannot "
                    "change a target's settings",
                    f"write it as stored ({stored or 'empty'}), leave the column out, or ask an analyst or "
                    "administrator to change it",
                )
            )
    return problems


def _districts_refused(plan: ImportPlan, actor: Actor) -> list[ImportProblem]:
    """A district placed in a county by someone who may not change an area's place."""
    if may_change(actor, Change.DISTRICT):
        return []
    return [
        ImportProblem(
            _line(p.line),
            "parent_area",
            p.county,
            f"the file makes {p.area} a district of {p.county}, and {_role(actor)} cannot place an area in a county",
            "leave the parent_area column out, or ask an analyst or administrator to import it",
        )
        for p in plan.districts
    ]


def board_changes(conn: Connection, plan: ImportPlan) -> list[BoardChange]:
    """The new boards the plan makes in areas that hold boards already, and the targets it moves between boards.
    (The first boards of an area are not listed: there is nothing yet to misspell.)"""
    if plan.targets.empty:
        return []
    targets = plan.targets
    held = _boards_held(conn, targets["area"].unique().tolist())
    keys = {area: {name_key(b): b for b in boards} for area, boards in held.items()}
    # Each distinct board name is keyed once: a national file names its few boards on tens of thousands of rows.
    codes, names = pd.factorize(targets["theme_board"], use_na_sentinel=False)
    key = pd.Series(np.array([name_key(n) for n in names], dtype=object)[codes], index=targets.index)
    new = np.array(
        [bool(keys.get(a)) and k not in keys[a] for a, k in zip(targets["area"], key, strict=True)], dtype=bool
    )
    first = new & ~pd.DataFrame({"area": targets["area"], "key": key}).duplicated().to_numpy()
    moved = (
        (targets["kind"] == "changed").to_numpy()
        & targets["stored_theme_board"].notna().to_numpy()
        & (targets["theme_board"].to_numpy(dtype=object) != targets["stored_theme_board"].to_numpy(dtype=object))
    )
    out: list[BoardChange] = []
    looked_at = np.flatnonzero(first | moved)  # the few rows that make a board or move a target
    for r, k, is_new, is_move in zip(
        targets.iloc[looked_at].itertuples(), key.iloc[looked_at], first[looked_at], moved[looked_at], strict=True
    ):
        if is_new:
            boards = keys[r.area]
            near = difflib.get_close_matches(k, list(boards), n=1, cutoff=0.6)
            out.append(BoardChange(_line(r.line), r.area, None, None, r.theme_board, boards[near[0]] if near else None))
        if is_move:
            out.append(BoardChange(_line(r.line), r.area, r.indicator_code, r.stored_theme_board, r.theme_board, None))
    return out


def _boards_held(conn: Connection, areas: list[str]) -> dict[str, list[str]]:
    held: dict[str, list[str]] = {}
    rows = conn.execute(
        select(Area.name, ThemeBoard.name).join(ThemeBoard, ThemeBoard.area_id == Area.id).where(Area.name.in_(areas))
    )
    for area, board in rows:
        held.setdefault(area, []).append(board)
    return held


def _boards_unconfirmed(conn: Connection, plan: ImportPlan, actor: Actor, confirmed: bool) -> list[ImportProblem]:
    """A new board or a move between boards that the uploader did not confirm (a misspelt board is one)."""
    if confirmed or not may_change(actor, Change.BOARD):
        return []  # a role that may not move targets is refused the move itself (_targets_refused)
    problems, lines = [], set()
    for change in board_changes(conn, plan):
        if change.line in lines:
            continue  # a move to a new board is said once, as the new board
        lines.add(change.line)
        if change.indicator_code is not None:
            problem = f"the file moves {change.indicator_code} from {change.before} to {change.after}"
        elif not may_change(actor, Change.NEW_BOARD):
            continue
        else:
            guess = f" (did you mean {change.nearest}?)" if change.nearest else ""
            problem = f"{change.after} is not a theme board of {change.area}{guess}: the file would make it a new board"
        problems.append(ImportProblem(change.line, "theme_board", change.after, problem, CONFIRM_BOARDS))
    return problems


def _not_begun(plan: ImportPlan, actor: Actor, today: date) -> list[ImportProblem]:
    """A partner's or chair's rows for a quarter that has not begun (a typo that would open a future quarter)."""
    if actor.role not in OWNED:
        return []
    rows = changing(plan)
    starts = {end: _quarter_start(end) for end in _dates(rows["period_end"]).unique()} if len(rows) else {}
    future = [start > today for start in _dates(rows["period_end"]).map(starts)] if starts else []
    return [
        ImportProblem(
            _line(r.line),
            "period",
            r.period_label,
            f"{r.period_label} has not begun yet, and {_role(actor)} enters figures only for quarters that have begun",
            "correct the period (this quarter or an earlier one)",
        )
        for r in rows[np.asarray(future, dtype=bool)].itertuples()
    ]


def begun(period_end: date, today: date | None = None) -> bool:
    """True when the quarter holding the period has begun: the quarters a partner or chair may write."""
    return _quarter_start(period_end) <= (today or date.today())


def _too_long(plan: ImportPlan) -> list[ImportProblem]:
    rows = changing(plan)
    problems = []
    for column in ("commentary", "remedial_action"):
        if column not in rows or rows.empty:
            continue
        lengths = rows[column].astype("str").str.len().fillna(0).to_numpy()
        for r in rows[(lengths > TEXT_LIMIT) & changed_mask(rows, column)].itertuples():
            text = str(getattr(r, column))
            problems.append(
                ImportProblem(
                    _line(r.line),
                    column,
                    text[:40] + "…",
                    f"the {column.replace('_', ' ')} of {r.indicator_code} for {r.period_label} is {len(text):,} "
                    f"characters long, more than the {TEXT_LIMIT:,} it may hold",
                    f"shorten it to {TEXT_LIMIT:,} characters or fewer",
                )
            )
    return problems


# --- Sign-off: a signed-off board quarter is frozen as rule 2 gives it, for every role until it is re-opened.


def _signed_off(conn: Connection, plan: ImportPlan, signed: dict[tuple, SignedOff]) -> list[ImportProblem]:
    if not signed:
        return []
    quarters: dict[tuple[str, str], list[tuple[date, SignedOff]]] = {}
    for (area, board, end), held in signed.items():
        quarters.setdefault((area, board), []).append((end, held))
    for found in quarters.values():
        found.sort(key=lambda q: q[0])
    return _figures_frozen(conn, plan, quarters) + _membership_frozen(plan, quarters) + _rerated(conn, plan, quarters)


def _boards_of(plan: ImportPlan) -> dict[tuple[str, str], tuple[str, ...]]:
    """(area, code) → the boards whose tables a change to that target's rows touches: stored and new."""
    t = plan.targets
    stored = t["stored_theme_board"] if "stored_theme_board" in t else pd.Series(None, index=t.index)
    return {
        (a, c): tuple(dict.fromkeys(b for b in (old, new) if isinstance(b, str)))
        for a, c, old, new in zip(t["area"], t["indicator_code"], stored, t["theme_board"], strict=True)
    }


def _figures_frozen(conn: Connection, plan: ImportPlan, quarters: dict) -> list[ImportProblem]:
    """Rows that would change a signed-off quarter's figures: a row dated inside it, or the row rule 2 takes for it
    from an earlier period (no later row before the quarter ends)."""
    rows = changing(plan)
    if rows.empty:
        return []
    boards = _boards_of(plan)
    signed_keys = {k for k, b in boards.items() if any((k[0], board) in quarters for board in b)}
    keys = list(zip(rows["area"], rows["indicator_code"], strict=True))
    rows = rows[np.fromiter((k in signed_keys for k in keys), dtype=bool, count=len(keys))]
    if rows.empty:
        return []
    ends = _row_ends(conn, plan, rows)
    problems = []
    for r in rows.itertuples():
        end = _as_date(r.period_end)
        for board in boards[(r.area, r.indicator_code)]:
            held = _frozen_by(quarters.get((r.area, board), []), end, ends.get((r.area, r.indicator_code), []))
            if held is not None:
                problems.append(
                    ImportProblem(
                        _line(r.line),
                        "period",
                        r.period_label,
                        f"{r.indicator_code}: {held.sentence()}, so its figures can no longer be changed",
                        REOPEN_FIX,
                    )
                )
                break
    return problems


def _frozen_by(quarters: list[tuple[date, SignedOff]], end: date, held_ends: list[date]) -> SignedOff | None:
    """The signed-off quarter a row ending at `end` feeds under rule 2, or None: the first signed quarter ending on
    or after it, when the row is inside that quarter or no later row of the target comes before its end."""
    first = next(((q_end, held) for q_end, held in quarters if q_end >= end), None)
    if first is None:
        return None
    q_end, held = first
    if end >= _quarter_start(q_end):
        return held
    later = [e for e in held_ends if end < e <= q_end]
    return None if later else held


def _row_ends(conn: Connection, plan: ImportPlan, rows: pd.DataFrame) -> dict[tuple[str, str], list[date]]:
    """(area, code) → every period end the target will hold: stored and in the plan."""
    out: dict[tuple[str, str], list[date]] = {}
    for a, c, e in zip(
        plan.values["area"], plan.values["indicator_code"], _dates(plan.values["period_end"]), strict=True
    ):
        out.setdefault((a, c), []).append(e)
    ids = {
        int(t): (a, c)
        for a, c, t in zip(rows["area"], rows["indicator_code"], rows["target_id"], strict=True)
        if pd.notna(t)
    }
    if ids:
        stored = select(PeriodValue.target_id, PeriodValue.period_end).where(
            PeriodValue.is_current, PeriodValue.target_id.in_(list(ids))
        )
        for target_id, end in conn.execute(stored):
            out.setdefault(ids[target_id], []).append(_as_date(end))
    return out


def _membership_frozen(plan: ImportPlan, quarters: dict) -> list[ImportProblem]:
    """New targets, removed targets and board moves that would change a signed-off quarter's table of targets."""
    problems = []
    for r in plan.targets.itertuples():
        stored = getattr(r, "stored_theme_board", None)
        if r.kind in ("new", "removed"):
            boards = [r.theme_board]
        elif r.kind == "changed" and isinstance(stored, str) and stored != r.theme_board:
            boards = [stored, r.theme_board]
        else:
            continue
        held = next((quarters[(r.area, b)][-1][1] for b in boards if (r.area, b) in quarters), None)
        if held is None:
            continue
        doing = {"new": "adding", "removed": "removing"}.get(r.kind, "moving")
        problems.append(
            ImportProblem(
                _line(r.line),
                "theme_board",
                r.theme_board,
                f"{doing} {r.indicator_code} would change the targets of {held.board}, and {held.sentence()}",
                REOPEN_FIX,
            )
        )
    return problems


def _rerated(conn: Connection, plan: ImportPlan, quarters: dict) -> list[ImportProblem]:
    """A polarity or tolerance change that would change a target's status in a signed-off quarter."""
    changed = plan.targets[(plan.targets["kind"] == "changed").to_numpy()]
    problems = []
    for r in changed.itertuples():
        signed = quarters.get((r.area, r.stored_theme_board), [])
        if not signed or not _differs(r, "polarity") and not _differs(r, "tolerance_pct"):
            continue
        values = _target_rows(conn, plan, r)
        for end, held in signed:
            latest = values[values["period_end"] <= end].tail(1)
            if latest.empty:
                continue
            before = rate_frame(latest.assign(polarity=r.stored_polarity, tolerance_pct=r.stored_tolerance_pct))
            after = rate_frame(latest.assign(polarity=r.polarity, tolerance_pct=r.tolerance_pct))
            if before.iloc[0] != after.iloc[0]:
                column = "polarity" if _differs(r, "polarity") else "tolerance_pct"
                problems.append(
                    ImportProblem(
                        _line(r.line),
                        column,
                        cell_text(getattr(r, column)),
                        f"the new {column.removesuffix('_pct')} re-rates {r.indicator_code} in {held.period} from "
                        f"{before.iloc[0]} to {after.iloc[0]}, and {held.sentence()}",
                        REOPEN_FIX,
                    )
                )
                break
    return problems


def _differs(target, setting: str) -> bool:
    """Whether a plan's target row changes one setting from what is stored."""
    return not same_cells(pd.Series([getattr(target, setting)]), pd.Series([getattr(target, f"stored_{setting}")]))[0]


def _target_rows(conn: Connection, plan: ImportPlan, target) -> pd.DataFrame:
    """One target's rows as they will be: stored, overridden by the plan's, by period."""
    stored = conn.execute(
        select(
            PeriodValue.period_end,
            PeriodValue.target_value,
            PeriodValue.actual,
            PeriodValue.reported_status,
        ).where(PeriodValue.is_current, PeriodValue.target_id == int(target.target_id))
    ).all()
    frame = pd.DataFrame(stored, columns=["period_end", "target_value", "actual", "reported_status"])
    frame["period_end"] = [_as_date(e) for e in frame["period_end"]]
    mine = plan.values[
        (plan.values["indicator_code"] == target.indicator_code).to_numpy()
        & (plan.values["area"] == target.area).to_numpy()
    ]
    if len(mine):
        ours = pd.DataFrame(
            {
                "period_end": list(_dates(mine["period_end"])),
                **{c: mine[c].to_numpy(dtype=object) for c in ("target_value", "actual", "reported_status")},
            }
        )
        frame = pd.concat([frame[~frame["period_end"].isin(ours["period_end"])], ours], ignore_index=True)
    return frame.sort_values("period_end", kind="stable").reset_index(drop=True)


def _quarter_start(end: date) -> date:
    """The first day of the financial quarter holding a day."""
    quarter_end = quarter_of(end).end
    month = quarter_end.month - 2
    return date(quarter_end.year, month, 1)


def _dates(column: pd.Series) -> pd.Series:
    return pd.Series([_as_date(v) for v in column], index=column.index, dtype=object)


def _as_date(value) -> date:
    return pd.Timestamp(value).date() if not isinstance(value, date) or hasattr(value, "hour") else value


def _line(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
