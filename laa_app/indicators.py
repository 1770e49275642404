"""Indicators: each target's settings, changed in a table and previewed as an upload before saving (analysts and
administrators)."""

import streamlit as st

from dashboard.write.indicators import (
    FREQUENCIES,
    MEASURES,
    POLARITIES,
    SETTINGS,
    TARGET_TYPES,
    settings_file,
    settings_table,
)
from laa_app import _edits
from laa_app.ui import partnership, widgets

position = partnership.require_position()
st.title("Indicators")
st.caption(
    "Each target's settings. Change the cells, and the check below shows what saving would do (the statuses it "
    "moves, a new board or a move between boards); saving stores the changed rows as an upload does, with a batch "
    "you can roll back and every old and new value in the audit trail. A change that would re-rate a signed-off "
    "quarter is refused until the quarter is re-opened."
)
if done := st.session_state.pop("indicators_done", None):
    st.success(done, icon=":material/check_circle:")

table = settings_table(position)
editable = list(SETTINGS.values())
key, _ = widgets.editor_key(
    "indicators",
    position.area,
    len(table),
    editable,
    "Only the settings can be changed here, and no row added or deleted: the table is shown again.",
)
edited = widgets.fixed_rows_editor(
    table,
    key,
    editable,
    column_config={
        "Code": st.column_config.TextColumn(pinned=True),
        "Indicator": st.column_config.TextColumn(width="large"),
        "Polarity": st.column_config.SelectboxColumn(options=POLARITIES),
        "Frequency": st.column_config.SelectboxColumn(options=FREQUENCIES),
        "Target type": st.column_config.SelectboxColumn(options=TARGET_TYPES),
        "Measure": st.column_config.SelectboxColumn(options=MEASURES),
        "Tolerance %": st.column_config.NumberColumn(min_value=0, max_value=100, help="The amber band, % of target"),
    },
)
edits = settings_file(position, table, edited)
if edits is None:
    st.caption("Change a cell to change a setting; what saving would do shows here first.")
    st.stop()
_edits.preview_and_save(edits, "indicator settings", "indicators_done", "indicators_saves")
