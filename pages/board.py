"""Theme board: a chair's red targets (or every status), with commentary and remedial action."""

import streamlit as st

from dashboard import breakdown, movement, reports
from dashboard.rules import Status
from dashboard.views import board_options, board_rows, md_escape, pick
from pages import _ui

position = _ui.require_position()
boards = board_options(position.targets)

top = st.columns([2, 1], vertical_alignment="bottom")
with top[0]:
    wanted = st.query_params.get("board")
    chosen = pick(boards, wanted) or boards[0]
    if wanted and pick(boards, wanted) is None:
        st.warning(
            f"There is no theme board {md_escape(repr(wanted))}; showing {md_escape(boards[0])}.",
            icon=":material/search_off:",
        )
    board = st.selectbox("Theme board", boards, index=boards.index(chosen))
    st.query_params["board"] = board
with top[1]:
    as_at = _ui.as_at_picker(position)

st.title(md_escape(board))
statuses = position.statuses(as_at)
in_board = statuses[statuses["theme_board"] == board]

controls = st.columns([1, 2, 2])
show_all = controls[0].toggle("Show all statuses", value=False, help="Off: red targets only (exception mode)")
types = controls[1].multiselect("Target type", sorted(in_board["target_type"].dropna().unique()))
partners = controls[2].multiselect("Lead partner", sorted(in_board["lead_partner"].dropna().unique()))

rows = board_rows(
    statuses,
    movement.compare(position, as_at),
    movement.actual_trends(position, as_at),
    board,
    show_all=show_all,
    target_types=types,
    lead_partners=partners,
)
what = "targets" if show_all else "red targets (exception mode)"
st.subheader(f"{len(rows)} {what} as at {as_at.label}")
if rows.empty:
    st.success(
        "No red targets on this board for this quarter and these filters. Switch on 'Show all statuses' to see "
        "every target.",
        icon=":material/check_circle:",
    )
    st.stop()

st.dataframe(
    rows.drop(columns=["target_id", "Commentary", "Remedial action"]),
    hide_index=True,
    width="stretch",
    column_config={
        "Link": st.column_config.LinkColumn(
            "Open", display_text="Drill down", width="small", help="History, versions, commentary"
        ),
        "Indicator": st.column_config.TextColumn(width="medium"),
        "Trend": st.column_config.LineChartColumn("Trend", width="small", help="Actuals, oldest first"),
        "Shortfall %": st.column_config.NumberColumn(format="%.1f", help="How far behind target, % of target"),
    },
)

title = reports.ReportTitle(position.area, board, Status.RED, as_at.label)
red_rows = breakdown.exceptions(statuses, Status.RED, board)
downloads = st.columns([2, 1, 1, 3])
stem = f"exceptions-{board}-{as_at.label}".replace("/", "-").replace(" ", "_")
downloads[0].download_button(
    "Red exception report (PDF)",
    reports.exception_pdf(red_rows, title),
    f"{stem}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
)
downloads[1].download_button(
    "Excel",
    reports.exception_xlsx(red_rows, title),
    f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table_view:",
)
downloads[2].download_button(
    "CSV", reports.exception_csv(red_rows), f"{stem}.csv", mime="text/csv", icon=":material/download:"
)

st.subheader("Commentary and remedial action")
for row in rows.to_dict("records"):
    with st.container(border=True):
        head = st.columns([4, 1])
        head[0].markdown(f"**{md_escape(row['Code'])}** · {md_escape(row['Indicator'])}")
        head[1].markdown(f"{md_escape(row['Status'])} · {md_escape(row['Direction'])}")
        st.caption(
            f"{md_escape(row['Type']) or 'type not given'} · "
            f"lead partner {md_escape(row['Lead partner']) or 'not given'}"
            f" · {md_escape(row['Period'])}"
        )
        st.text(f"Commentary: {row['Commentary'] or '—'}")
        st.text(f"Remedial action: {row['Remedial action'] or '—'}")
        _ui.target_link(row["Code"], "history and every version")
