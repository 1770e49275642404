"""Upload: check a quarter's file, preview what it changes, commit it; the upload history with rollback."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.permissions import Action, Change, allows, may_change
from dashboard.domain.words import plural
from dashboard.logs import log
from dashboard.mail.server import after_change_words
from dashboard.read.views import (
    batch_labels,
    batches_table,
    literal_cells,
    md_escape,
    rollback_choices,
    status_moves_table,
)
from dashboard.store.engine import DatabaseUnusable
from dashboard.write.importer import (
    ImportRejected,
    RollbackRefused,
    file_checksum,
    import_bytes,
    renamed_columns,
    rollback,
)
from dashboard.write.importer.gate import CONFIRM_BOARDS
from dashboard.write.preview import UploadCheck, check_upload, problems_table
from laa_app.ui import partnership, people, reads, sidebar

# Up to this many problems are listed in full, wrapped; beyond it a scrolling table keeps the page usable.
PROBLEMS_IN_FULL = 100

st.title("Upload the quarter's figures")
st.caption(
    "A CSV or Excel file with a header row and one row per target per period. Required columns: indicator_code, "
    "theme_board, period. Nothing is stored until you commit, and a file with any error stores nothing."
)

if done := st.session_state.pop("upload_done", None):
    st.success(done, icon=":material/check_circle:")
    st.caption(after_change_words(reads.settings()))
    st.page_link(sidebar.HELICOPTER, label="See the helicopter view", icon=":material/travel_explore:")

area = partnership.area()
who = people.actor()
may_move = may_change(who, Change.BOARD)
st.caption(f"Uploads are recorded as {md_escape(who.name)}'s, with {md_escape(who.role.value)} permissions.")
if area is not None and len(reads.area_names()) > 1:
    st.caption(f"Rows without an area column are stored in {md_escape(area)}, the area picked in the sidebar.")
# A committed file leaves the uploader (a new key is a new, empty widget): the page then shows what was stored,
# not the same file again as "Nothing to change".
uploaded = st.file_uploader(
    "Quarterly file", type=["csv", "xlsx"], key=f"upload_file_{st.session_state.get('upload_round', 0)}"
)


def show_problems(problems) -> None:
    table = problems_table(problems)
    if len(table) <= PROBLEMS_IN_FULL:
        st.table(literal_cells(table), hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def checked(data: bytes, name: str, new_boards: bool) -> UploadCheck:
    """The file's dry run and preview, made once per file, area, data version and confirmation rather than on every
    click on the page; the commit checks the file again against the store as it is then."""
    key = (file_checksum(data), name, area, reads.data_version_now(), who, new_boards)
    cached = st.session_state.get("upload_check")
    if cached is None or cached[0] != key:
        st.session_state["upload_check"] = (
            key,
            check_upload(reads.engine(), data, name, area, reads.position_of, who, reads.settings(), new_boards),
        )
    return st.session_state["upload_check"][1]


if uploaded is not None:
    data = uploaded.getvalue()
    new_boards = bool(st.session_state.get("new_boards")) and may_move
    try:
        check = checked(data, uploaded.name, new_boards)
    except (SQLAlchemyError, DatabaseUnusable):
        raise  # the app says in one sentence what is wrong with the database
    except Exception as exc:  # an unreadable file must never show a traceback
        log.exception("the upload %r could not be checked", uploaded.name)
        st.error(f"{md_escape(uploaded.name)} could not be read: {md_escape(exc)}", icon=":material/error:")
        st.stop()
    if check.rejected is not None:
        st.error(
            f"{md_escape(uploaded.name)} cannot be stored: {plural(len(check.rejected.problems), 'problem')} below. "
            "Nothing was written. Fix them in the file and upload it again.",
            icon=":material/error:",
        )
        show_problems(check.rejected.problems)
        if may_move and any(p.fix == CONFIRM_BOARDS for p in check.rejected.problems):
            st.checkbox(
                "The new boards and moves between boards are meant: make them",
                key="new_boards",
                help="Tick only when the board names above are right, not misspelt: a new board is listed apart "
                "from the others in the helicopter view.",
            )
    else:
        plan, shown = check.outcome.plan, check.preview
        summary = plan.summary()
        st.header(f"Preview of {md_escape(uploaded.name)}")
        cells = st.columns(5)
        cells[0].metric("Rows read", summary["rows_read"])
        cells[1].metric("Rows new", summary["rows_new"])
        cells[2].metric("Rows changed", summary["rows_changed"])
        cells[3].metric("Rows unchanged", summary["rows_unchanged"])
        cells[4].metric("New targets", summary["targets_new"])
        if plan.sheet is not None:
            st.caption(f"Read the workbook's sheet “{md_escape(plan.sheet)}” (its active sheet).")
        if read_as := renamed_columns(plan.headings):
            st.info(
                "Columns read by another name: "
                + "; ".join(f"'{md_escape(heading)}' as {md_escape(field)}" for heading, field in read_as)
                + ".",
                icon=":material/swap_horiz:",
            )
        if plan.board_changes:
            st.warning(
                "**Board changes this file makes:** "
                + "; ".join(md_escape(change.sentence()) for change in plan.board_changes)
                + ".",
                icon=":material/account_tree:",
            )
            st.checkbox("The new boards and moves between boards are meant: make them", key="new_boards")
        if plan.warnings:
            st.warning(f"{plural(len(plan.warnings), 'warning')}: the file can be stored, but check these.")
            show_problems(plan.warnings)

        if (sentence := shown.cleared_sentence) is not None:
            st.warning(
                f"**This file {md_escape(sentence)}**: its empty cells will erase what is stored. If that is not "
                "meant, fill the cells in, or leave those columns out of the file (a missing column keeps what "
                "is stored).",
                icon=":material/warning:",
            )
            st.dataframe(
                shown.cleared.rename(
                    columns={"indicator_code": "Code", "period": "Period", "field": "Field", "before": "Stored now"}
                ),
                hide_index=True,
                width="stretch",
            )

        moves = shown.moves
        if sentences := shown.move_sentences:
            st.markdown("**Status moves this file causes:** " + "; ".join(md_escape(s) for s in sentences) + ".")
            st.dataframe(status_moves_table(moves), hide_index=True, width="stretch")
        else:
            st.caption("No target's status changes.")

        incoming = shown.incoming
        if len(incoming):
            st.markdown(f"**The figures it stores** ({plural(len(incoming), 'row')} new or changed):")
            st.dataframe(
                incoming.rename(columns={"indicator_code": "Code", "period": "Period", "change": "Row"}).rename(
                    columns=str.capitalize
                ),
                hide_index=True,
                width="stretch",
            )
        if len(shown.changes):
            with st.expander(f"{summary['rows_changed']} changed row(s): each figure before → after"):
                st.dataframe(shown.changes, hide_index=True, width="stretch")

        if not plan.has_changes:
            st.info("Nothing to change: every row matches what is stored.", icon=":material/info:")
        elif st.button(f"Commit {md_escape(uploaded.name)}", type="primary", key="commit"):
            try:
                stored = import_bytes(
                    reads.engine(),
                    data,
                    uploaded.name,
                    who,
                    area=area,
                    settings=reads.settings(),
                    new_boards=new_boards,
                )
            except ImportRejected as rejected:
                st.error(f"Not stored: {plural(len(rejected.problems), 'problem')} appeared since the check.")
                show_problems(rejected.problems)
            else:
                st.session_state.pop("upload_check", None)
                st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
                s = stored.summary()
                st.session_state["upload_done"] = (
                    f"Stored {md_escape(uploaded.name)} as batch {s['batch']}: {s['rows_new']} new, "
                    f"{s['rows_changed']} changed, {s['rows_unchanged']} unchanged rows."
                )
                st.rerun()

st.header("Upload history")
batches = reads.batches()
if batches.empty:
    st.caption("No uploads yet.")
else:
    st.dataframe(batches_table(batches), hide_index=True, width="stretch")
    choices = rollback_choices(batches) if allows(who, Action.ROLL_BACK) else []
    if choices:
        labels = batch_labels(batches)
        with st.expander("Roll back an upload"):
            st.caption("The values a batch replaced become current again, and targets it created are removed.")
            batch = st.selectbox("Batch", choices, key="rollback_batch", format_func=labels.get)
            sure = st.checkbox(f"Yes, roll back batch {batch}", key="rollback_sure")
            if st.button("Roll back", disabled=not sure, key="rollback"):
                try:
                    result = rollback(reads.engine(), int(batch), who)
                except RollbackRefused as refused:
                    st.error(f"Batch {batch} was not rolled back: {md_escape(refused)}")
                except Exception as exc:  # never a traceback on the page: it goes to the log
                    log.exception("batch %s could not be rolled back", batch)
                    st.error(f"Batch {batch} was not rolled back: {md_escape(type(exc).__name__)}: {md_escape(exc)}")
                else:
                    st.session_state.pop("upload_check", None)
                    st.session_state["upload_done"] = (
                        f"Batch {batch} rolled back: {result['values_withdrawn']} values withdrawn, "
                        f"{result['targets_removed']} targets it created removed."
                    )
                    st.rerun()
