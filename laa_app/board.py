"""Theme board: a chair's red targets (or every status), with commentary and remedial action."""

import streamlit as st

from dashboard.access.permissions import Action, TargetScope, allows
from dashboard.domain.rules import Status
from dashboard.papers import reports
from dashboard.read import movement
from dashboard.read.views import (
    board_options,
    board_table,
    board_targets,
    board_targets_title,
    board_to_open,
    echoed,
    md_escape,
    mix_caption,
    unknown_filters_sentence,
    with_forecast,
    with_spc,
)
from dashboard.write.signoff import reopen, sign_off, sign_off_question, sign_off_sentence, signed_off
from laa_app.ui import partnership, people, pickers, reads, widgets
from laa_app.ui.escalation import escalation_section
from laa_app.ui.quartiles import paper_quartiles

DOWNLOADS = (
    ("PDF", "pdf", reports.paper_pdf, "application/pdf", ":material/picture_as_pdf:"),
    ("Excel", "xlsx", reports.paper_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     ":material/table_view:"),
    ("CSV", "csv", reports.paper_csv, "text/csv", ":material/download:"),
)  # fmt: skip

ASKED = "sign_off_asked"  # the (area, board, quarter) whose sign-off awaits its confirmation

position = partnership.require_position()
boards = board_options(position.targets)
who = people.actor()

top = st.columns([2, 1], vertical_alignment="bottom")
with top[0]:
    board, unknown = pickers.choice("Theme board", boards, "board", default=board_to_open(boards, who.boards))
with top[1]:
    as_at = pickers.as_at_picker(position)
if unknown:
    st.warning(
        f"There is no theme board {echoed(unknown)}; showing {md_escape(board)}.",
        icon=":material/search_off:",
    )

st.title(md_escape(board))
held = signed_off(reads.engine(), position.area, board, as_at)
signed = sign_off_sentence(held, board, as_at)
scope = TargetScope(board, None)
with st.container(border=True):
    st.markdown(("🔒 " if held else "") + md_escape(signed) + ".")
    if held is None and allows(who, Action.SIGN_OFF, scope):
        # Signing off binds everyone to the quarter's figures: the page asks first, saying what is still awaited.
        asked = (position.area, board, as_at.label)
        if st.session_state.get(ASKED) != asked:
            st.caption("Signing off tells everyone the board has reported this quarter: its figures are then frozen.")
            st.button(
                f"Sign off {md_escape(board)} {as_at.label}",
                key="sign_off",
                icon=":material/task_alt:",
                on_click=lambda: st.session_state.update({ASKED: asked}),
            )
        else:
            st.warning(md_escape(sign_off_question(position.statuses(as_at), board, as_at)), icon=":material/help:")
            with st.container(horizontal=True):
                confirmed = st.button("Confirm: sign off", key="sign_off_confirm", type="primary")
                st.button("Cancel", key="sign_off_cancel", on_click=lambda: st.session_state.pop(ASKED, None))
            if confirmed:
                st.session_state.pop(ASKED, None)
                widgets.act(lambda: sign_off(reads.engine(), who, position.area, board, as_at))
    elif held is not None and allows(who, Action.REOPEN, scope):
        with st.expander("Re-open this quarter"):
            reason = st.text_input("Reason (kept in the audit trail)", max_chars=500, key="reopen_reason")
            if st.button("Re-open", key="reopen", disabled=not reason.strip()):
                widgets.act(lambda: reopen(reads.engine(), who, position.area, board, as_at, reason))
statuses = position.statuses(as_at)
in_board = statuses[statuses["theme_board"] == board]

# The board's own mix, as its paper opens with it: the chair sees the whole board before its reds.
earlier = movement.earlier_quarter(position, as_at)
st.caption(mix_caption(as_at.label, earlier.label if earlier else None, board))
widgets.status_tiles(movement.headline(position, as_at, board))

# The filters are kept in the address, so that a link or a bookmark opens the same list.
controls = st.columns([1, 2, 2])
with controls[0]:
    show_all = pickers.switch_in_url(
        "Show all statuses", "statuses", "all", help="Off: red targets only (exception mode)"
    )
with controls[1]:
    types, unknown_types = pickers.choices_in_url(
        "Target type", sorted(in_board["target_type"].dropna().unique()), "type"
    )
with controls[2]:
    partners, unknown_partners = pickers.choices_in_url(
        "Lead partner", sorted(in_board["lead_partner"].dropna().unique()), "partner"
    )
if unknown_types or unknown_partners:
    st.warning(unknown_filters_sentence(board, unknown_types, unknown_partners), icon=":material/filter_alt_off:")

shown = board_targets(statuses, board, show_all=show_all, target_types=types, lead_partners=partners)
rows = board_table(shown, movement.compare(position, as_at), movement.actual_trends(position, as_at))
rows = with_spc(with_forecast(rows, reads.forecasts_of(position, as_at)), reads.spc_of(position, as_at))
what = board_targets_title(shown, show_all)
st.header(f"{what}{'' if show_all else ' (exception mode)'} as at {as_at.label}")
if rows.empty:
    st.success(
        "No red targets on this board for this quarter and these filters. Switch on 'Show all statuses' to see "
        "every target.",
        icon=":material/check_circle:",
    )
    st.stop()

widgets.targets_table(
    rows.drop(columns=["target_id", "Commentary", "Remedial action"]),
    "board_table",
    column_config={
        "Indicator": st.column_config.TextColumn(width="medium"),
        "Trend": st.column_config.LineChartColumn("Trend", width="small", help="Actuals, oldest first"),
        "Shortfall %": st.column_config.NumberColumn(format="%.1f", help="How far behind target, % of target"),
        # Each as wide as its words: a fixed width cut "never met unless the process changes" short for good.
        "Variation": st.column_config.TextColumn(
            help="Signal or noise on the XmR chart, which needs 12 quarterly or monthly actuals"
        ),
        "Assurance": st.column_config.TextColumn(help="Will the target be met without a change?"),
    },
)

# The board paper holds exactly the rows above; each file is made when its button is clicked.
status = None if show_all else Status.RED
described = reports.describe(len(shown), status, types, partners)
quartiles = paper_quartiles(position, as_at)
paper = reports.board_paper(position, as_at, board, shown, described, sign_off=signed, quartiles=quartiles)
stem = reports.file_stem(paper, status, types, partners)
st.markdown(f"**Board paper: {md_escape(described)}**, as at {md_escape(as_at.label)}")
if quartiles is not None:
    st.caption(
        f"Its Quartile column ranks each target within {md_escape(quartiles.within())} (chosen on the helicopter view)."
    )
with st.container(horizontal=True):
    for label, kind, make, mime, icon in DOWNLOADS:
        st.download_button(
            label,
            lambda make=make: make(paper),
            f"{stem}.{kind}",
            mime=mime,
            icon=icon,
            key=f"paper_{kind}",
            on_click="ignore",
        )

escalation_section(position, as_at, board)

st.header("Commentary and remedial action")
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
        widgets.target_link(row["Code"], "history and every version")
