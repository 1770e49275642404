"""How pages draw tables, links, tiles and charts, and carry out a change they offer."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.access.permissions import PermissionDenied
from dashboard.domain.rules import Status
from dashboard.papers.charts import ChartText, status_tint
from dashboard.read.breakdown import COUNT_COLUMNS, TOTAL
from dashboard.read.views import (
    breakdown_cell_status,
    md_escape,
    signed,
    tile_label,
)
from dashboard.write.signoff import SignOffProblem
from laa_app.ui.pickers import context
from laa_app.ui.sidebar import BOARD, HELICOPTER, TARGET

STYLESHEET = Path(__file__).resolve().parent.parent / "accessible.css"
"""The app's own few styles (a visible focus ring): CSS only, a file of the package, never data."""

# Light tints of the palette for table cells, so the numbers stay readable; the header names the status.
CELL_TINT = {status: f"background-color: {status_tint(status)}" for status in Status}


def table_height(rows: int, most: int = 15) -> int:
    """A table's height in pixels showing every row up to `most`, then scrolling (Glide draws 35 px rows)."""
    return (min(rows, most) + 1) * 35 + 3


LOCKED_LOOK = "background-color: #F3F2F1; color: #505A5F"
"""A locked row's cells: a pale grey with a darker grey text (6.6:1), the look of a disabled field."""


def locked_rows(table: pd.DataFrame, locked: pd.Series, editable: list[str]):
    """The table styled so that rows no one can change here look locked before anyone types (Streamlit styles
    only the columns that are not editable)."""
    look = [LOCKED_LOOK if is_locked else "" for is_locked in locked]
    shown = [c for c in table.columns if c not in editable]
    return table.style.apply(lambda column: look, subset=shown)


def only_cell_edits(key: str, rows: int, editable: list[str]) -> bool:
    """Whether the data editor under key holds only what the browser sends for a table of fixed rows: edits to
    the editable cells of its own rows. A state made by hand (rows added or deleted, a row or column the table
    lacks) would make Streamlit raise or show the table other than it is."""
    state = st.session_state.get(key)
    if state is None:
        return True
    if not isinstance(state, Mapping) or state.get("added_rows") or state.get("deleted_rows"):
        return False
    edited = state.get("edited_rows") or {}
    return isinstance(edited, Mapping) and all(
        str(row).isdecimal() and int(row) < rows and isinstance(cells, Mapping) and set(cells) <= set(editable)
        for row, cells in edited.items()
    )


def editor_key(name: str, scope: str, rows: int, editable: list[str], refused: str) -> tuple[str, bool]:
    """The key of a page's data editor, f"{name}_{scope}_{n}": n moves on with each save (f"{name}_saves" in the
    session) so that a saved table is shown afresh. A state that is not only_cell_edits is dropped with its widget
    under the next key, saying `refused`; the second value is True then."""
    counter = f"{name}_saves"
    saves = st.session_state.get(counter, 0)
    key = f"{name}_{scope}_{saves}"
    if only_cell_edits(key, rows, editable):
        return key, False
    st.session_state[counter] = saves + 1
    st.warning(refused, icon=":material/undo:")
    return f"{name}_{scope}_{saves + 1}", True


def targets_table(frame: pd.DataFrame, key: str, code_column: str = "Code", **options) -> None:
    """A table of targets in which selecting a row opens that target, in the same tab, keeping the context."""
    st.caption("Select a row to open that target: its history against target, every version, its commentary.")
    picked = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=key, **options
    )
    if picked.selection.rows:
        code = frame.iloc[picked.selection.rows[0]][code_column]
        st.switch_page(TARGET, query_params={"target": code, **context()})


def target_link(code: str, name: str | None = None) -> None:
    label = md_escape(code) + (f" · {md_escape(name)}" if name else "")
    st.page_link(TARGET, label=label, query_params={"target": code, **context()}, icon=":material/arrow_forward:")


def board_link(board: str, label: str | None = None, icon: str = ":material/groups:") -> None:
    st.page_link(BOARD, label=label or md_escape(board), query_params={"board": board, **context()}, icon=icon)


def area_link(area: str, label: str | None = None, icon: str = ":material/location_city:") -> None:
    """The area's helicopter view, as at the quarter chosen."""
    st.page_link(HELICOPTER, label=label or md_escape(area), query_params={**context(), "area": area}, icon=icon)


def status_tiles(tiles: dict[str, dict]) -> None:
    """A mix (movement.headline) as five tiles: the targets, then each status with its share and its change since
    the quarter before; a rise in red or data awaited shows as bad, in green as good."""
    with st.container(horizontal=True):
        for key in ["targets", *COUNT_COLUMNS]:
            tile = tiles[key]
            worse_when_up = key in ("red", "data_awaited")
            st.metric(
                tile_label(key, tile["pct"]),
                tile["value"],
                delta=signed(tile["change"]),
                delta_color="off" if key in ("targets", "amber") else ("inverse" if worse_when_up else "normal"),
                delta_arrow="off" if not tile["change"] else "auto",
                border=True,
                width=150,
            )


def chart(figure, text: ChartText) -> None:
    """A chart with its text alternative: the sentence saying what it shows above it, the table of its figures
    one click away below it."""
    st.caption(md_escape(text.sentence))
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
    with st.expander("The figures in this chart"):
        figures_table(text.figures)


def figures_table(frame: pd.DataFrame, name: str = "The figures in this chart") -> None:
    """A chart's figures as a plain HTML table in a named region that takes the keyboard's focus (WCAG 2.1.1): on a
    phone the table is wider than the screen and scrolls sideways, and st.table's scrolling frame cannot be reached
    without a mouse. Every cell is escaped: data shows as written, never as markup."""
    table = frame.to_html(index=False, escape=True, border=0, na_rep="")
    label = html.escape(name, quote=True)
    st.html(f'<div class="chart-figures" role="region" aria-label="{label}" tabindex="0">{table}</div>')


def style_breakdown(frame: pd.DataFrame):
    """Colour each status column of a breakdown table with its tint (its header carries the word)."""
    styles = {c: CELL_TINT[s] for c in frame.columns if (s := breakdown_cell_status(c)) is not None}
    styler = frame.style.format({c: "{:.1f}" for c in frame.columns if c.endswith("%")})
    for column, css in styles.items():
        styler = styler.map(lambda _v, css=css: css, subset=[column])
    return styler.apply(lambda row: ["font-weight: bold" if _is_total(row) else "" for _ in row], axis=1)


def _is_total(row: pd.Series) -> bool:
    """The Total row: its name cell (the first text cell: a rank may come before it) says Total."""
    return next((v for v in row if isinstance(v, str)), None) == TOTAL


def act(change) -> None:
    """Run a change the page offers (a sign-off, a re-opening): refused ones say why on the page, never a
    traceback; a done one reruns the page so it shows the new state."""
    try:
        change()
    except (PermissionDenied, SignOffProblem) as refused:
        st.error(md_escape(refused), icon=":material/block:")
        return
    st.rerun()


def fixed_rows_editor(table: pd.DataFrame, key: str, editable: list[str], **options) -> pd.DataFrame:
    """A table of fixed rows whose editable columns alone can be changed, empty cells shown as a dash."""
    return st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        placeholder="—",
        disabled=[c for c in table.columns if c not in editable],
        key=key,
        **options,
    )
