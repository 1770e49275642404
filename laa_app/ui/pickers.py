"""The pickers whose choice is kept in the address: area, board, target, as at, ranking basis."""

from __future__ import annotations

import streamlit as st

from dashboard.domain.names import find_name
from dashboard.domain.periods import Period
from dashboard.read.position import Position
from dashboard.read.views import (
    BASIS_LABELS,
)
from laa_app.ui.reads import area_names
from laa_app.ui.sidebar import address_to_write, arrived, picked, wrote_to_url


def choice(
    label: str,
    options: list[str],
    param: str,
    *,
    default: str,
    format_func=str,
    help: str | None = None,
    in_url=lambda value: True,
    find=find_name,
) -> tuple[str, str | None]:
    """A drop-down whose choice is kept in the URL (?param=) and carried to the other pages.

    On arriving at a page the URL decides (a link or a bookmark), else the choice made on another page, else
    the default; after that the widget's own state decides, so every choice shows at once. Returns the choice
    and the URL's value when it names no option (for a warning)."""
    key = f"pick_{param}"
    unknown = None
    # A widget belongs to the page that draws it: on another page the same key is a new widget, so its value is
    # set again from the URL or the remembered choice whenever the user arrives at a page.
    if arrived() or key not in st.session_state or st.session_state[key] not in options:
        asked = st.query_params.get(param)
        wanted = find(options, asked)
        if asked and wanted is None:
            unknown = asked
        remembered = st.session_state.get(_remembered(param))
        st.session_state[key] = wanted or (remembered if remembered in options else default)
    chosen = st.selectbox(label, options, key=key, format_func=format_func, help=help, on_change=picked)
    keep_in_url(param, chosen if in_url(chosen) else None)
    st.session_state[_remembered(param)] = chosen
    return chosen, unknown


def keep_in_url(param: str, value: str | None) -> None:
    """Put ?param=value in the address (None: take it out), only when it changes: every write makes the browser
    add a history entry, and one made as a link's page arrives can land before the page's own address (at
    /?board=…, which opens the board again), so that Back would not leave the page."""
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value or address_to_write():
        st.query_params[param] = value
    wrote_to_url(param, value)


def switch_in_url(label: str, param: str, on: str, *, help: str | None = None) -> bool:
    """A toggle kept in the URL as ?param=on while it is on, on this page only (a link or a bookmark opens it as
    it was); on arriving the URL decides, after that the toggle itself."""
    key = f"pick_{param}"
    if arrived() or key not in st.session_state:
        st.session_state[key] = st.query_params.get(param) == on
    chosen = st.toggle(label, key=key, help=help, on_change=picked)
    keep_in_url(param, on if chosen else None)
    return chosen


def choices_in_url(label: str, options: list[str], param: str) -> tuple[list[str], list[str]]:
    """A multi-select kept in the URL as ?param=a&param=b, on this page only; on arriving the URL decides, after
    that the widget; a choice that is no longer an option (another board's partner) is dropped. Returns the
    choices and what the URL named that is no option (for a warning)."""
    key = f"pick_{param}"
    unknown: list[str] = []
    if arrived() or key not in st.session_state:
        asked = st.query_params.get_all(param)
        found = [find_name(options, value) for value in asked]
        unknown = [value for value, match in zip(asked, found, strict=True) if match is None and value.strip()]
        st.session_state[key] = list(dict.fromkeys(match for match in found if match is not None))
    st.session_state[key] = [value for value in st.session_state[key] if value in options]
    chosen = st.multiselect(label, options, key=key, on_change=picked)
    if not chosen:
        keep_in_url(param, None)
        return chosen, unknown
    if st.query_params.get_all(param) != chosen:  # written only when it changes, as keep_in_url
        st.query_params[param] = chosen
    wrote_to_url(param, chosen)
    return chosen, unknown


def _remembered(param: str) -> str:
    return f"chosen_{param}"


def remembered(param: str) -> str | None:
    """The choice last made in the picker kept as ?param= on any page this session, or None."""
    return st.session_state.get(_remembered(param))


LATEST = "latest"


def as_at_picker(position: Position) -> Period:
    """The 'as at' quarter (the latest reported by default), kept in the URL as ?as_at= and across pages."""
    quarters = position.reported_quarters()
    labels = [q.label for q in reversed(quarters)]
    remembered = st.session_state.get(_remembered("as_at"))
    if remembered == LATEST or remembered not in labels:
        st.session_state.pop(_remembered("as_at"), None)
    label, _ = choice(
        "As at",
        labels,
        "as_at",
        default=labels[0],
        help="Each target's most recent figures up to this quarter",
        in_url=lambda chosen: chosen != labels[0],
    )
    if label == labels[0]:
        # 'Latest' follows the data: a newer quarter uploaded later becomes the one shown.
        st.session_state[_remembered("as_at")] = LATEST
    return quarters[len(quarters) - 1 - labels.index(label)]


def basis_picker() -> str:
    """The ranking basis, kept in the URL as ?basis=rated and across pages (all targets by default)."""
    key = "pick_basis"
    if arrived() or key not in st.session_state or st.session_state[key] not in BASIS_LABELS:
        asked = st.query_params.get("basis")
        remembered = st.session_state.get(_remembered("basis"))
        st.session_state[key] = next((b for b in (asked, remembered) if b in BASIS_LABELS), "all")
    basis = st.segmented_control(
        "Ranking basis",
        options=list(BASIS_LABELS),
        format_func=BASIS_LABELS.get,
        key=key,
        required=True,
        on_change=picked,
    )
    basis = basis or "all"
    keep_in_url("basis", None if basis == "all" else basis)
    st.session_state[_remembered("basis")] = basis
    return basis


def context() -> dict[str, str]:
    """The as-at quarter and ranking basis chosen, for links to other pages."""
    out = {}
    if (held := st.session_state.get(_remembered("area"))) and len(area_names()) > 1:
        out["area"] = held
    as_at = st.session_state.get(_remembered("as_at"))
    if as_at and as_at != LATEST:
        out["as_at"] = as_at
    basis = st.session_state.get(_remembered("basis"))
    if basis and basis != "all":
        out["basis"] = basis
    return out
