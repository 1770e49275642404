"""The escalations and recognitions section, on the helicopter view (every board) and a board's page (its own)."""

from __future__ import annotations

import streamlit as st

from dashboard.domain.periods import Period
from dashboard.read.position import Position
from dashboard.read.views import escalation_caption, escalation_table
from laa_app.ui import reads, widgets

WHY = st.column_config.TextColumn("Why", width="large")
"""Wide enough for the longest reason in words ("figures for 2008/09 were due; the latest are for 2007/08"): the
grid sizes a column by its first rows, which cut the overdue rows' words short under the red runs."""


def escalation_section(position: Position, as_at: Period, board: str | None = None) -> None:
    rows = reads.escalations_of(position, as_at)
    if board is not None:
        rows = rows[rows["theme_board"] == board]
    st.header(f"Escalated and recognised, as at {as_at.label}")
    st.caption(escalation_caption(rows, as_at.label))
    for kind, title, empty in (
        ("escalate", "To escalate", "Nothing to escalate: no target meets an escalation rule."),
        ("recognise", "To recognise", "Nothing to recognise yet: no target meets a recognition rule."),
    ):
        table = escalation_table(rows, kind, board=board is None)
        st.subheader(f"{title}: {len(table)}")
        if table.empty:
            st.caption(empty)
        else:
            widgets.targets_table(
                table,
                key=f"{kind}_{board or 'all'}",
                height=widgets.table_height(len(table)),
                column_config={"Why": WHY},
            )
