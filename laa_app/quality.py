"""Data quality: what is awaited (the chase list), what is overdue in its own cycle, what lacks the settings a
status needs."""

import streamlit as st

from dashboard.read import quality
from laa_app.ui import partnership, pickers, widgets

position = partnership.require_position()
top = st.columns([3, 1], vertical_alignment="bottom")
top[0].title("Data quality")
with top[1]:
    as_at = pickers.as_at_picker(position)
statuses = position.statuses(as_at)
counts = quality.summary(position, as_at)

cells = st.columns(3)
cells[0].metric("… Data awaited", counts["data_awaited"], help=f"of {counts['targets']} targets", border=True)
cells[1].metric(
    "Figures overdue in their own cycle",
    counts["stale"],
    help=f"as at {as_at.label}: " + quality.STALENESS_RULE,
    border=True,
)
cells[2].metric("Missing a lead partner, polarity or target", counts["missing_settings"], border=True)

TARGET_HEADINGS = {
    "indicator_code": "Code",
    "indicator_name": "Indicator",
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
}
share = {"% awaited": st.column_config.NumberColumn(format="%.1f")}

for column, (key, heading) in zip(
    st.columns(2), (("theme_board", "Theme board"), ("lead_partner", "Lead partner")), strict=True
):
    with column:
        st.header(f"Targets awaiting data, by {heading.lower()}")
        headings = {
            key: heading,
            "targets": "Targets",
            "data_awaited": "… Data awaited",
            "data_awaited_pct": "% awaited",
        }
        st.dataframe(
            quality.awaited_by(statuses, key).rename(columns=headings),
            hide_index=True,
            width="stretch",
            column_config=share,
        )

st.header(f"Chase list: targets awaiting data as at {as_at.label}")
chase = quality.awaiting(position, as_at)
if chase.empty:
    st.caption("Every target has figures as at this quarter.")
else:
    st.caption(
        "Grouped by lead partner, to send each partner the figures it owes. An annual target with no outturn "
        "for a year now due is overdue as well (listed below)."
    )
    widgets.targets_table(
        quality.chase_table(chase),
        "chase_table",
        column_config={"Indicator": st.column_config.TextColumn(width="medium")},
    )
    st.download_button(
        "Download the chase list (CSV)",
        data=quality.chase_list_csv(chase),
        file_name=quality.chase_list_filename(position.area, as_at),
        mime="text/csv",
        icon=":material/download:",
        key="chase_list",
    )

st.header(f"Figures overdue in their own cycle (as at {as_at.label})")
st.caption(quality.STALENESS_RULE)
stale = quality.stale(position, as_at)
if stale.empty:
    st.caption("No target's figures are overdue: each has figures for its last reporting cycle or later.")
else:
    widgets.targets_table(
        quality.stale_table(stale),
        "stale_table",
        column_config={"Indicator": st.column_config.TextColumn(width="medium")},
    )

st.header("Missing a lead partner, a polarity or a target value")
missing = quality.missing_settings(statuses)
if missing.empty:
    st.caption("Every target has a lead partner, a polarity and a target value.")
else:
    widgets.targets_table(
        missing.drop(columns=["target_id"]).rename(columns={**TARGET_HEADINGS, "missing": "Missing"}),
        "missing_table",
        column_order=["Code", "Missing", "Theme board", "Lead partner", "Indicator"],
    )
