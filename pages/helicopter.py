"""Helicopter view: every board's mix, the ranking, what moved since last quarter, the trend."""

import streamlit as st

from dashboard import charts, movement
from dashboard.breakdown import COUNT_COLUMNS, board_breakdown, rank_boards
from dashboard.periods import previous_quarter
from dashboard.views import (
    BASIS_LABELS,
    bases_note,
    breakdown_table,
    count_header,
    md_escape,
    ranking_sentence,
    ranking_table,
    status_label,
)
from pages import _ui

position = _ui.require_position()

top = st.columns([3, 1], vertical_alignment="bottom")
top[0].title(f"Helicopter view · {md_escape(position.area)}")
with top[1]:
    as_at = _ui.as_at_picker(position)

statuses = position.statuses(as_at)
boards, total = board_breakdown(statuses)
tiles = movement.headline(position, as_at)

st.caption(f"Targets by status as at {as_at.label}; the change since the quarter before and the trend so far.")
tile_columns = st.columns(5)
for column, key in zip(tile_columns, ["targets", *COUNT_COLUMNS], strict=True):
    tile = tiles[key]
    label = "Targets" if key == "targets" else count_header(key)
    worse_when_up = key in ("red", "data_awaited")
    column.metric(
        label,
        tile["value"],
        delta=tile["change"],
        delta_color="off" if key in ("targets", "amber") else ("inverse" if worse_when_up else "normal"),
        delta_arrow="off" if tile["change"] == 0 else "auto",
        help=None if tile["pct"] is None else f"{tile['pct']:.1f}% of all targets",
        border=True,
        chart_data=tile["history"] if len(tile["history"]) > 1 else None,
        chart_type="bar",
    )

st.subheader("Each board's targets by status")
st.caption("Counts and each status as a percentage of the board's targets (Haringey's Tables 1 and 2).")
st.dataframe(_ui.style_breakdown(breakdown_table(boards, total)), hide_index=True, width="stretch")
st.plotly_chart(charts.board_mix(boards), width="stretch", config={"displaylogo": False})

st.subheader("Ranking of boards")
basis = (
    st.segmented_control("Basis", options=list(BASIS_LABELS), format_func=BASIS_LABELS.get, default="all", key="basis")
    or "all"
)
st.write(ranking_sentence(basis))
note = bases_note(boards, basis)
st.info(note, icon=":material/swap_vert:")
st.dataframe(
    ranking_table(rank_boards(boards, basis)),
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%.1f") for c in ("✔▲ Green or amber %", "✖ Red %")},
)

st.subheader(f"What moved since {previous_quarter(as_at).label}")
moved = movement.moves(position, as_at)
move_columns = [*st.columns(3), *st.columns(3)]
for column, move in zip(move_columns, movement.SHOWN_MOVES, strict=True):
    rows = moved[move]
    with column:
        st.markdown(f"**{move.value.capitalize()}: {len(rows)}**")
        st.caption(f"Targets that {movement.MOVE_TEXT[move]}.")
        if move is movement.Move.STILL_AWAITED and len(rows) > 8:
            with st.expander(f"Show all {len(rows)}"):
                for row in rows.itertuples():
                    _ui.target_link(row.indicator_code)
        else:
            for row in rows.itertuples():
                _ui.target_link(row.indicator_code, f"{status_label(row.before)} → {status_label(row.after)}")

st.subheader("The partnership's mix over the quarters held")
st.plotly_chart(charts.mix_trend(movement.mix_over_time(position)), width="stretch", config={"displaylogo": False})
