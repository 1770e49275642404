"""The quartile section of the helicopter view, and the quartiles the board paper shows: each target ranked among
the areas of a comparator group (the area's first by name unless another is chosen) or all areas."""

from __future__ import annotations

import streamlit as st

from dashboard.domain.periods import Period
from dashboard.read.benchmark import AreaQuartiles, board_quartiles_table, chosen_group, quartiles_caption
from dashboard.read.position import Position
from dashboard.read.views import echoed, md_escape
from laa_app.ui import pickers, reads

PARAM = "group"


def quartile_section(position: Position, as_at: Period) -> None:
    """Per board, its targets in the top and the bottom quartile, with the group picker; nothing with one area."""
    if len(reads.area_names()) < 2:
        return
    choices = reads.quartile_choices_of(position)
    heading = st.columns([3, 2], vertical_alignment="bottom")
    heading[0].header(f"Top and bottom quartiles, as at {as_at.label}")
    with heading[1]:
        chosen, unknown = pickers.choice(
            "Compared with",
            choices,
            PARAM,
            default=choices[0],
            help="The areas each target is ranked among: one of the area's comparator groups, or all areas",
            in_url=lambda value: value != choices[0],
        )
    if unknown:
        st.warning(
            f"{md_escape(position.area)} is in no comparator group {echoed(unknown)}; showing {md_escape(chosen)}.",
            icon=":material/search_off:",
        )
    found = reads.quartiles_of(position, as_at, chosen_group(chosen))
    st.caption(md_escape(quartiles_caption(found, choices)))
    st.dataframe(board_quartiles_table(found), hide_index=True, width="stretch")


def paper_quartiles(position: Position, as_at: Period) -> AreaQuartiles | None:
    """The quartiles a board paper shows: within the group last chosen on the helicopter view (else the area's
    first); None with one area."""
    if len(reads.area_names()) < 2:
        return None
    choices = reads.quartile_choices_of(position)
    chosen = pickers.remembered(PARAM)
    return reads.quartiles_of(position, as_at, chosen_group(chosen if chosen in choices else choices[0]))
