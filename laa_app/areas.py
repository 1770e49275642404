"""Areas: every partnership area held, its mix as at one quarter, ranked as boards are; a row opens its helicopter
view. Listed in the sidebar when the store holds more than one area."""

import pandas as pd
import streamlit as st

from dashboard.papers import charts
from dashboard.read.breakdown import area_breakdown, rank_boards
from dashboard.read.views import breakdown_table, ranking_sentence
from laa_app.ui import pickers, reads, sidebar, widgets

SHOWN = 10
"""With more areas than twice this, the chart shows the best and the worst this many: the table holds them all."""

st.title("Areas")
held = reads.every_area()
if held is None:
    st.info("No figures are held yet: an analyst uploads them on the Upload page.", icon=":material/info:")
    st.stop()
statuses, as_at = held
areas, total = area_breakdown(statuses)
heading = st.columns([3, 2], vertical_alignment="bottom")
heading[0].caption(
    f"{len(areas)} areas as at {as_at.label if as_at else 'the latest period held'}: each area's targets by status, "
    "ranked as boards are. Select a row to open that area's helicopter view."
)
with heading[1]:
    basis = pickers.basis_picker()
ranked = rank_boards(areas, basis, by="area")
charted = ranked if len(ranked) <= 2 * SHOWN else ranked.iloc[list(range(SHOWN)) + list(range(-SHOWN, 0))]
if len(charted) < len(ranked):
    st.subheader(f"The {SHOWN} best and the {SHOWN} worst areas")
widgets.chart(charts.board_mix(areas, charted, by="area"), charts.board_mix_text(areas, charted, by="area"))
st.caption(ranking_sentence(basis, "area"))

table = breakdown_table(areas.set_index("area").loc[ranked["area"]].reset_index(), total, by="area")
table.insert(0, "Rank", pd.array([*ranked["rank"].astype(int), None], dtype="Int64"))  # none for the Total
picked = st.dataframe(
    widgets.style_breakdown(table),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="areas_table",
)
if picked.selection.rows and (row := picked.selection.rows[0]) < len(ranked):
    st.switch_page(sidebar.HELICOPTER, query_params={"area": str(table.iloc[row]["Area"])})
st.caption("The Total row is every area's targets together.")
