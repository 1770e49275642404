"""Data quality: what is awaited, what has not been updated, what lacks the settings a status needs."""

import streamlit as st

from dashboard import quality
from dashboard.views import target_url
from pages import _ui

position = _ui.require_position()
top = st.columns([3, 1], vertical_alignment="bottom")
top[0].title("Data quality")
with top[1]:
    as_at = _ui.as_at_picker(position)
statuses = position.statuses(as_at)
counts = quality.summary(position, as_at)

cells = st.columns(3)
cells[0].metric("… Data awaited", counts["data_awaited"], help=f"of {counts['targets']} targets", border=True)
cells[1].metric("Not updated for more than one quarter", counts["stale"], help=f"before {as_at.label}", border=True)
cells[2].metric("Missing a lead partner, polarity or target", counts["missing_settings"], border=True)

TARGET_HEADINGS = {
    "indicator_code": "Code",
    "indicator_name": "Indicator",
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
}
link = st.column_config.LinkColumn("Open", display_text="Drill down", width="small")
share = {"% awaited": st.column_config.NumberColumn(format="%.1f")}

for column, (key, heading) in zip(
    st.columns(2), (("theme_board", "Theme board"), ("lead_partner", "Lead partner")), strict=True
):
    with column:
        st.subheader(f"Targets awaiting data, by {heading.lower()}")
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

st.subheader(f"Not updated for more than one quarter (as at {as_at.label})")
stale = quality.stale(position, as_at)
if stale.empty:
    st.caption("Every target has figures for this quarter or the one before.")
else:
    st.dataframe(
        stale.assign(Open=[target_url(c) for c in stale["indicator_code"]])[
            [
                "indicator_code",
                "Open",
                "quarters_behind",
                "last_period",
                "theme_board",
                "lead_partner",
                "indicator_name",
            ]
        ].rename(columns={**TARGET_HEADINGS, "last_period": "Last figures for", "quarters_behind": "Quarters behind"}),
        hide_index=True,
        width="stretch",
        column_config={"Open": link, "Indicator": st.column_config.TextColumn(width="medium")},
    )

st.subheader("Missing a lead partner, a polarity or a target value")
missing = quality.missing_settings(statuses)
if missing.empty:
    st.caption("Every target has a lead partner, a polarity and a target value.")
else:
    st.dataframe(
        missing.drop(columns=["target_id"])
        .assign(Open=[target_url(c) for c in missing["indicator_code"]])
        .rename(columns={**TARGET_HEADINGS, "missing": "Missing"}),
        hide_index=True,
        width="stretch",
        column_config={"Open": link},
        column_order=["Code", "Open", "Missing", "Theme board", "Lead partner", "Indicator"],
    )
