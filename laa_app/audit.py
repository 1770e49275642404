"""Audit: every change, newest first — who, when, what, the old and the new value (analysts and administrators)."""

import streamlit as st

from dashboard.read.audit import audit_trail
from laa_app.ui import people, reads

st.title("Audit trail")
st.caption(
    "Every upload, browser entry, rollback, sign-off, re-opening and user change, newest first. A figure an upload "
    "or entry changed shows its old and new value."
)
filters = st.columns([1, 1, 1])
user = filters[0].text_input("User", max_chars=100, help="Only this user's changes (any case)")
target = filters[1].text_input("Target", max_chars=100, help="Only changes to this target, e.g. NI 151")
limit = filters[2].selectbox("Show", [200, 1000, 0], format_func=lambda n: f"newest {n}" if n else "all")
# The page is only in the navigation of those who may read it; audit_trail refuses anyone else as well.
trail = audit_trail(reads.engine(), people.actor(), user.strip() or None, target.strip() or None, limit)
if trail.empty:
    st.info("No changes recorded" + (" for these filters." if user or target else " yet."), icon=":material/info:")
    st.stop()
shown = trail.drop(columns="when").astype(object)
shown = shown.where(shown.notna(), "").assign(when=trail["when"])[list(trail.columns)]  # blank, not "None"
st.dataframe(
    shown.rename(columns=str.capitalize),
    hide_index=True,
    width="stretch",
    column_config={
        "When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
        "Who": st.column_config.TextColumn(width="small"),
        "Detail": st.column_config.TextColumn(width="large"),
    },
)
