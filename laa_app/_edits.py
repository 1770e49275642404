"""Shared by the Indicators and Targets pages: a table's changes, checked by the gate as an upload is, shown with
what they would do, and saved as one batch. Layout only: the rules are the importer's."""

import streamlit as st

from dashboard.access.permissions import Change, may_change
from dashboard.domain.words import plural
from dashboard.read.views import literal_cells, md_escape, status_moves_table
from dashboard.write.edits import Edits
from dashboard.write.importer import ImportRejected, import_bytes
from dashboard.write.importer.gate import CONFIRM_BOARDS
from dashboard.write.preview import check_upload, problems_table
from laa_app.ui import partnership, people, reads

CONFIRM = "The new boards and moves between boards are meant: make them"


def preview_and_save(edits: Edits, name: str, done_key: str, saves_key: str) -> None:
    """The check of the edits (its problems, or the board changes and status moves they cause) and the Save button;
    a save reruns the page with its message under done_key and a fresh table (saves_key counts saves)."""
    who = people.actor()
    file_name = f"{name} edited in the browser by {who.name}"
    confirmed = bool(st.session_state.get(f"{done_key}_boards")) and may_change(who, Change.BOARD)
    area = partnership.area()
    check = check_upload(
        reads.engine(), edits.data, file_name, area, reads.position_of, who, reads.settings(), confirmed
    )
    if check.rejected is not None:
        st.error(f"{plural(len(check.rejected.problems), 'problem')}: nothing can be saved until they are put right.")
        problems = problems_table(check.rejected.problems)
        problems.insert(0, "Code", [edits.codes.get(int(line), "") for line in problems.pop("Line")])
        st.table(literal_cells(problems), hide_index=True)
        if any(p.fix == CONFIRM_BOARDS for p in check.rejected.problems):
            st.checkbox(CONFIRM, key=f"{done_key}_boards")
        return
    plan, shown = check.outcome.plan, check.preview
    st.header("What saving will do")
    if plan.board_changes:
        sentences = "; ".join(md_escape(c.sentence()) for c in plan.board_changes)
        st.warning(f"**Board changes:** {sentences}.", icon=":material/account_tree:")
        st.checkbox(CONFIRM, key=f"{done_key}_boards")
    if sentences := shown.move_sentences:
        st.markdown("**Status moves:** " + "; ".join(md_escape(s) for s in sentences) + ".")
        st.dataframe(status_moves_table(shown.moves), hide_index=True, width="stretch")
    else:
        st.caption("No target's status changes.")
    if len(shown.changes):
        with st.expander(f"{plural(len(shown.changes), 'stored figure')} it changes: each before → after"):
            st.dataframe(shown.changes, hide_index=True, width="stretch")
    if st.button(f"Save {plural(edits.count, 'change')}", type="primary", key=f"{done_key}_save"):
        try:
            stored = import_bytes(
                reads.engine(), edits.data, file_name, who, area=area, settings=reads.settings(), new_boards=confirmed
            )
        except ImportRejected as rejected:
            st.error(f"Not saved: {plural(len(rejected.problems), 'problem')} appeared since the check.")
            st.table(literal_cells(problems_table(rejected.problems)), hide_index=True)
            return
        st.session_state[saves_key] = st.session_state.get(saves_key, 0) + 1
        st.session_state[done_key] = f"Saved {plural(edits.count, 'change')} as batch {stored.batch_id}."
        st.rerun()
