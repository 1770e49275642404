"""Streamlit glue shared by the pages: the one cached engine, cached reads, pickers and empty states.
Every rule and number lives in the dashboard package; this file only caches and lays out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.periods import Period
from dashboard.position import NoData, Position, load_position, target_history
from dashboard.rules import Status
from dashboard.settings import get_settings
from dashboard.store.engine import get_engine
from dashboard.store.queries import area_names, batches_frame
from dashboard.store.schema import is_ready, upgrade
from dashboard.views import NO_DATA_MESSAGE, breakdown_cell_status, md_escape

HELICOPTER = "pages/helicopter.py"
BOARD = "pages/board.py"
TARGET = "pages/target.py"
UPLOAD = "pages/upload.py"
QUALITY = "pages/quality.py"

# Light tints of the palette for table cells, so the numbers stay readable; the header names the status.
CELL_TINT = {
    Status.RED: "background-color: #F6D5C2",
    Status.AMBER: "background-color: #F8E6BD",
    Status.GREEN: "background-color: #BFE6DA",
    Status.DATA_AWAITED: "background-color: #E6E6E6",
}


def database_url() -> str:
    return get_settings().resolved_database_url()


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return get_engine(url)


def engine():
    return _engine(database_url())


@st.cache_data(show_spinner=False)
def _areas(url: str) -> list[str]:
    eng = _engine(url)
    if not is_ready(eng):
        return []
    with eng.connect() as conn:
        return area_names(conn)


@st.cache_data(show_spinner="Reading the partnership's figures…")
def _position(url: str, area: str | None) -> Position | None:
    try:
        return load_position(_engine(url), area)
    except NoData:
        return None


@st.cache_data(show_spinner=False)
def _history(url: str, area: str | None, code: str):
    position = _position(url, area)
    return target_history(_engine(url), position, code)


@st.cache_data(show_spinner=False)
def _batches(url: str) -> pd.DataFrame:
    eng = _engine(url)
    upgrade(eng)
    with eng.connect() as conn:
        return batches_frame(conn)


def area() -> str | None:
    """The partnership area: the only one held, or the one picked in the sidebar when there are several."""
    names = _areas(database_url())
    if len(names) <= 1:
        return names[0] if names else None
    return st.sidebar.selectbox("Partnership area", names, key="area")


def position() -> Position | None:
    return _position(database_url(), area())


def require_position() -> Position:
    """The partnership's figures, or an empty state saying what to do (and the page stops there)."""
    found = position()
    if found is None or found.targets.empty:
        empty_state()
        st.stop()
    return found


def empty_state() -> None:
    st.info(NO_DATA_MESSAGE, icon=":material/info:")
    st.page_link(UPLOAD, label="Upload a file", icon=":material/upload_file:")


def history(code: str):
    return _history(database_url(), area(), code)


def batches() -> pd.DataFrame:
    return _batches(database_url())


def clear_caches() -> None:
    """After an upload or a rollback every page must show the new figures at once."""
    st.cache_data.clear()


def as_at_picker(position: Position) -> Period:
    """The 'as at' quarter (latest by default), remembered in the URL as ?as_at=."""
    quarters = position.quarters()
    labels = [q.label for q in reversed(quarters)]
    wanted = st.query_params.get("as_at")
    index = labels.index(wanted) if wanted in labels else 0
    label = st.selectbox("As at", labels, index=index, help="Each target's most recent figures up to this quarter")
    if label == labels[0]:
        st.query_params.pop("as_at", None)
    else:
        st.query_params["as_at"] = label
    return quarters[len(quarters) - 1 - labels.index(label)]


def target_link(code: str, name: str | None = None) -> None:
    label = md_escape(code) + (f" · {md_escape(name)}" if name else "")
    st.page_link(TARGET, label=label, query_params={"target": code}, icon=":material/arrow_forward:")


def style_breakdown(frame: pd.DataFrame):
    """Colour each status column of a breakdown table with its tint (its header carries the word)."""
    styles = {c: CELL_TINT[s] for c in frame.columns if (s := breakdown_cell_status(c)) is not None}
    styler = frame.style.format({c: "{:.1f}" for c in frame.columns if c.endswith("%")})
    for column, css in styles.items():
        styler = styler.map(lambda _v, css=css: css, subset=[column])
    return styler.apply(lambda row: ["font-weight: bold" if row.iloc[0] == "Total" else "" for _ in row], axis=1)
