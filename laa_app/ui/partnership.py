"""The partnership a page shows: the area picked, its position and its targets' history, or an empty state."""

from __future__ import annotations

import streamlit as st

from dashboard.access.permissions import Action, allows
from dashboard.read.position import Position
from dashboard.read.views import (
    NO_DATA_MESSAGE,
    NO_DATA_YET_MESSAGE,
    echoed,
    md_escape,
)
from laa_app.ui.people import actor
from laa_app.ui.pickers import choice, keep_in_url
from laa_app.ui.reads import area_names, history_of, position_of
from laa_app.ui.sidebar import UPLOAD, run_number


def area() -> str | None:
    """The partnership area: the only one held, or the one picked in the sidebar when there are several (kept in
    the URL as ?area= and carried to the other pages, like the other choices)."""
    run = run_number()
    if (drawn := st.session_state.get(_AREA_DRAWN)) and drawn[0] == run:
        return drawn[1]  # the picker is drawn once a run; later calls in the same run get its choice
    names = area_names()
    if len(names) <= 1:
        keep_in_url("area", None)
        chosen = names[0] if names else None
    else:
        with st.sidebar:
            chosen, unknown = choice("Partnership area", names, "area", default=names[0])
        if unknown:
            st.sidebar.warning(f"There is no area {echoed(unknown)}; showing {md_escape(chosen)}.")
    st.session_state[_AREA_DRAWN] = (run, chosen)
    return chosen


_AREA_DRAWN = "_area_drawn"


def position() -> Position | None:
    return position_of(area())


def require_position() -> Position:
    """The partnership's figures, or an empty state saying what to do (and the page stops there)."""
    found = position()
    if found is None or found.targets.empty:
        empty_state()
        st.stop()
    return found


def empty_state() -> None:
    if not allows(actor(), Action.UPLOAD):  # a page outside the user's navigation cannot be linked to
        st.info(NO_DATA_YET_MESSAGE, icon=":material/info:")
        return
    st.info(NO_DATA_MESSAGE, icon=":material/info:")
    st.page_link(UPLOAD, label="Upload a file", icon=":material/upload_file:")


def history(code: str):
    return history_of(area(), code)
