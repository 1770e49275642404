"""What it would take for each board to move up a place in rule 4's ranking (issue 19, part 4).

For each board, the fewest of its targets that would have to move from red or data awaited to amber or green for
it to rank above the board immediately above it, on the same basis, every other board unchanged, and which
targets to move first.

The rule for which targets move: red ones first, the smallest shortfall first (shortfall_frame: how far the
actual is behind target, as % of |target|; a red target with no shortfall to give comes after those with one),
then the data-awaited ones in the partnership's order. Moving a red target never does worse than moving a data
-awaited one, on either basis, so this order is the one that needs the fewest moves:

- on "all" the denominator is every target: either move adds one to green-plus-amber, but only the red one
  takes one off red;
- on "rated" a data-awaited target joins the denominator when it moves: with x of k moves red, the share is
  (ga + k) / (rated + k - x) and red's share (red - x) / (rated + k - x); the first grows with x and the second
  never grows (red ≤ rated), so as many of the k as possible are red.

So k = 1, 2, … is tried in that order, each time re-ranked by rule 4's exact key (breakdown.rank_key, Fractions,
the one rank_boards sorts by), and the first k that puts the board above the one above it is the answer.
"""

from __future__ import annotations

import pandas as pd

from dashboard.domain.rules import Status
from dashboard.read.breakdown import BASES, board_breakdown, rank_boards, rank_key, shortfall_frame

WHAT_IF_COLUMNS = ["rank", "theme_board", "passes", "moves_needed", "to_move", "sentence"]


def what_if(statuses: pd.DataFrame, basis: str = "all") -> pd.DataFrame:
    """One row per board in rule 4's order on the basis: its rank, the board immediately above it (passes; missing for
    the first), the fewest targets that would have to turn amber or green for it to rank above that board
    (moves_needed, Int64; missing for the first and for a board that cannot pass it even with every red and data-awaited
    target moved), the codes of those targets in the order they would move (to_move) and a sentence saying so."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}")
    boards, _ = board_breakdown(statuses)
    ranked = rank_boards(boards, basis)
    counts = boards.set_index("theme_board")
    rows = []
    above = None
    for place in ranked.itertuples(index=False):
        board = place.theme_board
        movable = movable_targets(statuses[statuses["theme_board"] == board])
        if above is None:
            need, to_move = None, []
            sentence = f"{board} is already first."
        else:
            need = moves_needed(counts.loc[board], counts.loc[above], board, above, movable, basis)
            to_move = [] if need is None else movable[:need]
            sentence = _sentence(board, above, need, to_move, len(movable))
        rows.append(
            {
                "rank": int(place.rank),
                "theme_board": board,
                "passes": above,
                "moves_needed": need,
                "to_move": [t["code"] for t in to_move],
                "sentence": sentence,
            }
        )
        above = board
    return pd.DataFrame(rows, columns=WHAT_IF_COLUMNS).astype({"moves_needed": "Int64"})


def movable_targets(rows: pd.DataFrame) -> list[dict]:
    """A board's red and data-awaited targets in the order they would move: red by smallest shortfall (none
    known last), then data awaited; ties in the partnership's order. Each is {code, status, shortfall_pct}."""
    red = rows[rows["status"] == Status.RED.value]
    red = red.assign(shortfall_pct=shortfall_frame(red))
    awaited = rows[rows["status"] == Status.DATA_AWAITED.value].assign(shortfall_pct=float("nan"))
    order = [c for c in ("position", "indicator_code") if c in rows.columns]
    red = red.sort_values(["shortfall_pct", *order], na_position="last", kind="stable")
    awaited = awaited.sort_values(order, kind="stable")
    return [
        {
            "code": r.indicator_code,
            "status": r.status,
            "shortfall_pct": None if pd.isna(r.shortfall_pct) else float(r.shortfall_pct),
        }
        for frame in (red, awaited)
        for r in frame.itertuples(index=False)
    ]


def moves_needed(
    board: pd.Series, above: pd.Series, name: str, above_name: str, movable: list[dict], basis: str
) -> int | None:
    """The fewest of movable (in order) that, turned amber or green, rank the board above the other; None when
    all of them are not enough. board and above are breakdown rows (red, amber, green, data_awaited, targets)."""
    target_key = rank_key(
        above_name,
        int(above["green"] + above["amber"]),
        int(above["red"]),
        int(above["data_awaited"]),
        int(above["targets"]),
        basis,
    )
    green_amber, red, awaited = int(board["green"] + board["amber"]), int(board["red"]), int(board["data_awaited"])
    for k, target in enumerate(movable, start=1):
        green_amber += 1
        if target["status"] == Status.RED.value:
            red -= 1
        else:
            awaited -= 1
        if rank_key(name, green_amber, red, awaited, int(board["targets"]), basis) < target_key:
            return k
    return None


def _sentence(board: str, above: str, need: int | None, to_move: list[dict], movable: int) -> str:
    if need is None:
        if not movable:
            return f"{board} cannot pass {above}: it has no red or data-awaited target to move."
        return (
            f"{board} cannot pass {above} even with all {movable} of its red and data-awaited targets amber or green."
        )
    return f"{board} would pass {above} with {_targets(need, 'more ')} amber or green: " + ", ".join(
        f"{t['code']} ({_why(t)})" for t in to_move
    )


def _targets(n: int, more: str = "") -> str:
    return f"{n} {more}target{'' if n == 1 else 's'}"


def _why(target: dict) -> str:
    if target["status"] != Status.RED.value:
        return "data awaited"
    if target["shortfall_pct"] is None:
        return "red"
    return f"{target['shortfall_pct']:.1f} % short"
