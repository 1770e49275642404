"""Notes tied to a period (store.queries.annotations_frame): those a chart of one target shows, and the periods a
change of process starts new control limits from."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.domain.names import find_code, find_name
from dashboard.domain.periods import Period
from dashboard.read.position import Position

WHOLE_BOARD = "whole board"
"""What a note on a board, not one of its targets, is about, in a table or a paper."""


def notes_on(position: Position, *, target: str | None = None, board: str | None = None) -> pd.DataFrame:
    """The notes on one target with its board's (a target's chart shows both), on one board only, or all; each
    with `about` in words. Raises LookupError naming a target or board that is not held."""
    notes = position.annotations.copy()
    notes["about"] = [code if isinstance(code, str) else f"{b} board"
                      for code, b in zip(notes["indicator_code"], notes["theme_board"], strict=True)]  # fmt: skip
    if target is not None:
        code = find_code(position.targets["indicator_code"], target)
        if code is None:
            raise LookupError(f"there is no target {target!r} in {position.area}")
        board_of = position.targets.set_index("indicator_code").at[code, "theme_board"]
        mine = (notes["indicator_code"] == code) | (notes["indicator_code"].isna() & (notes["theme_board"] == board_of))
        notes = notes[mine]
    elif board is not None:
        found = find_name(position.targets["theme_board"].unique(), board)
        if found is None:
            raise LookupError(f"there is no theme board {board!r} in {position.area}")
        notes = notes[notes["theme_board"] == found]
    return notes.reset_index(drop=True)


def notes_up_to(position: Position, as_at: Period | None, board: str | None = None) -> pd.DataFrame:
    """The notes a board paper lists: on the board and on its targets (every board's when board is None), at the
    as-at period or before it (None: every note), oldest first."""
    notes = notes_on(position, board=board)
    if as_at is not None:
        notes = notes.loc[[end <= as_at.end for end in notes["period_end"]]]
    return notes.reset_index(drop=True)


def process_changes(position: Position, code: str) -> list[date]:
    """The period ends from which a target's control limits start again: its own and its board's notes marked as
    a change of process, oldest first."""
    notes = notes_on(position, target=code)
    return sorted(set(notes.loc[notes["change_of_process"].astype(bool), "period_end"]))


def process_changes_by_target(position: Position) -> dict[int, list[date]]:
    """process_changes of every target that has one (read.spc.spc_summary's changes)."""
    notes = position.annotations
    marked = notes[notes["change_of_process"].astype(bool)] if len(notes) else notes
    out: dict[int, list[date]] = {}
    for target in position.targets.itertuples(index=False) if len(marked) else []:
        own = marked["indicator_code"] == target.indicator_code
        board_wide = marked["indicator_code"].isna() & (marked["theme_board"] == target.theme_board)
        if (own | board_wide).any():
            out[int(target.target_id)] = sorted(set(marked.loc[own | board_wide, "period_end"]))
    return out
