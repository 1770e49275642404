"""Helicopter view: who is best and who is worst first, then every board's mix, what moved, the trend."""

import streamlit as st

from dashboard.papers import charts
from dashboard.read import movement
from dashboard.read.breakdown import board_breakdown, rank_boards
from dashboard.read.forecast import forecast_mix
from dashboard.read.views import (
    bases_note,
    breakdown_table,
    district_mix_table,
    forecast_mix_sentence,
    md_escape,
    mix_caption,
    ranking_line,
    ranking_sentence,
    ranking_table,
    spc_board_counts,
    status_label,
)
from dashboard.read.whatif import what_if
from laa_app.ui import partnership, pickers, reads, widgets
from laa_app.ui.escalation import escalation_section
from laa_app.ui.quartiles import quartile_section
from laa_app.ui.rules import rules_section

position = partnership.require_position()

top = st.columns([3, 1], vertical_alignment="bottom")
top[0].title(f"Helicopter view · {md_escape(position.area)}")
with top[1]:
    as_at = pickers.as_at_picker(position)
if (county := reads.county_of(position.area)) is not None:
    widgets.area_link(
        county, label=f"A district of {md_escape(county)}: open the county", icon=":material/arrow_upward:"
    )

statuses = position.statuses(as_at)
boards, total = board_breakdown(statuses)
tiles = movement.headline(position, as_at)
earlier = movement.earlier_quarter(position, as_at)

st.caption(mix_caption(as_at.label, earlier.label if earlier else None))
widgets.status_tiles(tiles)

heading = st.columns([3, 2], vertical_alignment="bottom")
heading[0].header(f"Boards ranked, best first, as at {as_at.label}")
with heading[1]:
    basis = pickers.basis_picker()
ranked = rank_boards(boards, basis)
ranking = st.columns([3, 2])
with ranking[0]:
    widgets.chart(charts.board_mix(boards, ranked), charts.board_mix_text(boards, ranked))
with ranking[1]:
    st.caption("Open a board: its red targets and the reasons behind them.")
    for row in ranked.itertuples(index=False):
        widgets.board_link(row.theme_board, label=ranking_line(row), icon=":material/groups:")
st.caption(ranking_sentence(basis))
st.info(md_escape(bases_note(boards, basis)), icon=":material/swap_vert:")
ranks = ranking_table(boards, basis)
st.dataframe(
    ranks,
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%.1f") for c in ranks.columns if c.endswith("%")},
)

st.header(f"In brief, as at {as_at.label}")
st.markdown("\n".join(f"- {md_escape(sentence)}" for sentence in reads.brief_of(position, as_at)))
stem, pdf, xlsx = reads.executive_downloads(position, as_at)  # written when a download is clicked
with st.container(horizontal=True):  # each button as wide as its whole label
    # on_click="ignore", as on the board page: a download is a file, not a change, so the page is not run again
    st.download_button(
        "Executive paper (PDF)", pdf, f"{stem}.pdf", "application/pdf", icon=":material/picture_as_pdf:",
        on_click="ignore",
    )  # fmt: skip
    st.download_button(
        "Executive paper (Excel)", xlsx, f"{stem}.xlsx", icon=":material/table:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
    )  # fmt: skip
ahead = reads.forecasts_of(position, as_at)
st.caption(md_escape(forecast_mix_sentence(forecast_mix(ahead), f"{as_at.label[:7]} Q4")))

st.header("Each board's targets by status")
st.caption("Counts and each status as a percentage of the board's targets (Haringey's Tables 1 and 2).")
st.dataframe(widgets.style_breakdown(breakdown_table(boards, total)), hide_index=True, width="stretch")

escalation_section(position, as_at)
rules_section(position)

st.header(f"What it would take to move up a place, as at {as_at.label}")
st.caption(
    f"On the ranking's basis ({basis}): for each board, the fewest red or data-awaited targets that would have to "
    "turn amber or green for it to pass the board above, nearest their amber boundary first."
)
st.markdown("\n".join(f"- {md_escape(sentence)}" for sentence in what_if(statuses, basis)["sentence"]))

st.header(f"Signal or noise, as at {as_at.label}")
st.caption(
    "The two lists a board should discuss: its targets whose figures show a concerning special cause, and those "
    "that will never meet their target unless the process changes (statistical process control, from 12 points "
    "of a target's own figures; a target's page shows its XmR chart)."
)
st.dataframe(spc_board_counts(reads.spc_of(position, as_at)), hide_index=True, width="stretch")

if (districts := reads.district_mix(position.area, as_at)) is not None:
    rows, district_total = districts
    st.header(f"Each district's targets by status, as at {as_at.label}")
    st.caption(
        f"The {len(rows)} districts of {md_escape(position.area)}, each with its own targets; the Total row is the "
        "districts' targets together. Open a district's helicopter view:"
    )
    st.dataframe(widgets.style_breakdown(district_mix_table(rows, district_total)), hide_index=True, width="stretch")
    links = st.columns(min(len(rows), 4))
    for i, district in enumerate(rows["area"]):
        with links[i % len(links)]:
            widgets.area_link(district)

quartile_section(position, as_at)

if earlier is None:
    st.header("What moved")
    st.caption(f"Nothing to compare: {as_at.label} is the first quarter held.")
else:
    st.header(f"What moved since {earlier.label}")
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
                        widgets.target_link(row.indicator_code)
            else:
                for row in rows.itertuples():
                    widgets.target_link(row.indicator_code, f"{status_label(row.before)} → {status_label(row.after)}")

st.header("The partnership's mix over the quarters held")
mix = movement.mix_over_time(position)
widgets.chart(charts.mix_trend(mix), charts.mix_trend_text(mix))
