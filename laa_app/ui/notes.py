"""The notes section of a target's page: the notes on it and its board, and, for an analyst or the board's
chair, a form to add one at a period or take one off."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.access.permissions import Action, PermissionDenied, TargetScope, allows
from dashboard.domain.fileformat import LIMITS
from dashboard.domain.periods import Period
from dashboard.read.views import md_escape
from dashboard.write.annotations import AnnotationProblem, annotate, remove_annotation
from laa_app.ui import people, reads

NOTED = "_note_done"


def notes_section(area: str, code: str, board: str, notes: pd.DataFrame, periods: list[Period]) -> None:
    st.header("Notes")
    if done := st.session_state.pop(NOTED, None):
        st.success(md_escape(done), icon=":material/check:")
    if notes.empty:
        st.caption("No note on this target or its board: a note explains a break in the figures at a period.")
    for note in notes.itertuples(index=False):
        kind = " · change of process: control limits start again here" if note.change_of_process else ""
        about = "" if isinstance(note.indicator_code, str) else f" · on the {md_escape(note.theme_board)} board"
        st.markdown(
            f"**Note {note.note_id}, {md_escape(note.period_label)}**{about}{kind} · by {md_escape(note.noted_by)}"
        )
        st.text(note.note)
    who = people.actor()
    if not allows(who, Action.ANNOTATE, TargetScope(board, None)) or not periods:
        return
    with st.expander("Add a note, or take one off"):
        with st.form(f"note_{code}", clear_on_submit=True, border=False):
            labels = [p.label for p in periods]
            label = st.selectbox("Period", labels, index=len(labels) - 1, key=f"note_period_{code}")
            text = st.text_input("What happened", max_chars=LIMITS["annotation"], key=f"note_text_{code}")
            whole_board = st.checkbox(f"A note on the whole {md_escape(board)} board", key=f"note_board_{code}")
            change = st.checkbox("A change of process: control limits start again here", key=f"note_change_{code}")
            if st.form_submit_button("Add the note", icon=":material/add_comment:"):
                period = next(p for p in periods if p.label == label)
                where = {"board": board} if whole_board else {"target": code}
                _act(lambda: annotate(reads.engine(), who, area, period, text, change_of_process=change, **where))
        if not notes.empty:
            ids = notes["note_id"].tolist()
            picked = st.selectbox("Note to take off", ids, format_func=lambda i: f"note {i}", key=f"note_off_{code}")
            if st.button("Take the note off", icon=":material/delete:", key=f"note_remove_{code}"):
                _act(lambda: remove_annotation(reads.engine(), who, int(picked)), removed=True)


def _act(change, removed: bool = False) -> None:
    try:
        done = change()
    except (AnnotationProblem, PermissionDenied) as refused:
        st.error(md_escape(refused), icon=":material/block:")
        return
    st.session_state[NOTED] = ("Took off " if removed else "Added ") + done.sentence() + " (in the audit trail)."
    st.rerun()
