"""The executive brief: three to six plain sentences written from the figures by rules, never by a language model.
Every number in it is one the breakdown, the ranking, the escalations or the forecast gives."""

from __future__ import annotations

import pandas as pd

from dashboard.domain.periods import Period
from dashboard.domain.words import plural
from dashboard.read.breakdown import board_breakdown, rank_boards
from dashboard.read.escalations import Rule
from dashboard.read.movement import earlier_quarter
from dashboard.read.position import Position

SHOWN_CODES = 5
"""At most this many targets are named in a sentence; more are counted."""


def executive_brief(position: Position, as_at: Period, raised: pd.DataFrame, mix: dict[str, int]) -> list[str]:
    """The brief as at a quarter, one sentence a list item, in the order an executive reads them: from what the
    rules raise (read.escalations.escalations) and the forecast mix (read.forecast.forecast_mix), which the
    caller has already worked out for its page or paper."""
    boards, total = board_breakdown(position.statuses(as_at))
    sentences = [_red(position, as_at, total), _worst_board(boards), _best_board(boards)]
    sentences += [_escalated(raised), _recognised(raised), _forecast(mix)]
    return [s for s in sentences if s]


def _pct(value: float) -> str:
    return f"{value:.1f} %"


def _red(position: Position, as_at: Period, total: dict) -> str:
    said = f"{total['red']} of {total['targets']} targets ({_pct(total['red_pct'])}) are red"
    earlier = earlier_quarter(position, as_at)
    if earlier is not None:
        _, before = board_breakdown(position.statuses(earlier))
        change = total["red"] - before["red"]
        said += (
            f", {abs(change)} {'more' if change > 0 else 'fewer'} than in {earlier.label}"
            if change
            else f", as many as in {earlier.label}"
        )
    awaited = f"; {total['data_awaited']} ({_pct(total['data_awaited_pct'])}) are awaiting data"
    return said + (awaited if total["data_awaited"] else "") + "."


def _worst_board(boards: pd.DataFrame) -> str | None:
    if boards.empty or boards["red"].max() == 0:
        return None
    worst = boards.sort_values("red_pct", ascending=False, kind="stable").iloc[0]
    said = f"{worst['theme_board']} has the highest red share ({_pct(worst['red_pct'])})"
    return said + (" and no green target." if worst["green"] == 0 else ".")


def _best_board(boards: pd.DataFrame) -> str | None:
    if len(boards) < 2:
        return None
    best = rank_boards(boards).iloc[0]
    # The basis is named: on rated targets only (the helicopter view's other basis) another board can be first.
    share = _pct(best["green_amber_pct"])
    return f"{best['theme_board']} is ranked first on all targets, with {share} of its targets green or amber."


def _codes(rows: pd.DataFrame) -> str:
    codes = rows["indicator_code"].tolist()
    shown = ", ".join(codes[:SHOWN_CODES])
    return shown + (f" and {len(codes) - SHOWN_CODES} more" if len(codes) > SHOWN_CODES else "")


def _are(count: int) -> str:
    """'1 target is', '9 targets are'."""
    return f"{plural(count, 'target')} {'is' if count == 1 else 'are'}"


def _escalated(raised: pd.DataFrame) -> str | None:
    red = raised[raised["rule"] == Rule.RED_RUN.value]
    up = raised[raised["kind"] == "escalate"]
    if up.empty:
        return None
    said = (
        f"{plural(up['target_id'].nunique(), 'target')} {'is' if up['target_id'].nunique() == 1 else 'are'} escalated"
    )
    if len(red):
        said += f", {len(red)} for red periods running: {_codes(red)}"
    return said + "."


def _recognised(raised: pd.DataFrame) -> str | None:
    noted = raised[raised["kind"] == "recognise"]
    if noted.empty:
        return None
    return f"{_are(noted['target_id'].nunique())} recognised: {_codes(noted.drop_duplicates('target_id'))}."


def _forecast(mix: dict[str, int]) -> str | None:
    projected = mix["on track"] + mix["at risk"] + mix["off track"]
    if not projected:
        return None
    return (
        f"By the year's end {mix['on track']} of the {projected} targets with a forecast are on track, "
        f"{mix['at risk']} at risk and {mix['off track']} off track."
    )
