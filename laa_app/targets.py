"""Targets for the year: each target's target figures for the quarters of a financial year (or its annual
figure), set or copied forward and previewed before saving (analysts and administrators). Saving opens the
year's quarters, so partners can enter their actuals."""

import streamlit as st

from dashboard.write.indicators import (
    QUARTERS,
    copied_forward,
    next_year,
    year_label,
    year_targets_file,
    year_targets_table,
)
from laa_app import _edits
from laa_app.ui import partnership, pickers, widgets

position = partnership.require_position()
st.title("Targets for the year")
st.caption(
    "Set each target's figure for every quarter of the year (an annual target has one figure, for the year). "
    "Saving stores them as an upload does; a quarter with targets opens for partners to enter their actuals."
)
if done := st.session_state.pop("targets_done", None):
    st.success(done, icon=":material/check_circle:")

first = next_year(position)
years = [year_label(y) for y in range(first + 1, first - 4, -1)]
label, _ = pickers.choice("Financial year", years, "year", default=year_label(first))
year = int(label[:4])
table = year_targets_table(position, year)
saves = st.session_state.get("targets_saves", 0)
if st.button("Copy each target's last target forward into the empty cells", key="copy_forward"):
    st.session_state["targets_copied"] = (label, saves)
copied = st.session_state.get("targets_copied") == (label, saves)
shown = copied_forward(table) if copied else table
editable = [*QUARTERS, "Annual"]
key, refused = widgets.editor_key(
    "targets",
    f"{position.area}_{label}_{int(copied)}",
    len(shown),
    editable,
    "Only the year's figures can be changed here, and no row added or deleted: the table is shown again.",
)
if refused:
    shown = table
edited = widgets.fixed_rows_editor(
    shown,
    key,
    editable,
    column_config={
        "Code": st.column_config.TextColumn(pinned=True),
        "Indicator": st.column_config.TextColumn(width="medium", pinned=True),
        "Last target": st.column_config.NumberColumn(help="The target's latest figure before this year"),
        **{q: st.column_config.NumberColumn(help=f"The target for {label} {q}") for q in QUARTERS},
        "Annual": st.column_config.NumberColumn(help=f"An annual target's figure for {label}"),
    },
)
edits = year_targets_file(table, edited, year)
if edits is None:
    st.caption("Fill in or change a figure; what saving would do shows here first.")
    st.stop()
_edits.preview_and_save(edits, f"targets for {label}", "targets_done", "targets_saves")
