"""The partnership's escalation and recognition rules under the helicopter view's list: read by everyone, switched
and tuned by an administrator."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.access.permissions import Action, allows
from dashboard.read.escalations import RULES, RuleSetting, rules_frame, rules_of
from dashboard.read.position import Position
from dashboard.read.views import md_escape
from dashboard.write.rules import MOST, MOST_PERIODS, RuleProblem, set_rules
from laa_app.ui import people, reads

SAVED = "_rules_saved"
HEADINGS = {"rule": "Rule", "kind": "Kind", "on": "On", "count": "Count", "says": "Raises a target that is"}


def rules_section(position: Position) -> None:
    settings = rules_of(reads.engine(), position.area_id)
    who = people.actor()
    saved = st.session_state.pop(SAVED, None)
    with st.expander(f"The rules of {md_escape(position.area)}", expanded=saved is not None):
        if saved:
            st.success(md_escape(saved), icon=":material/check:")
        table = rules_frame(settings)
        # A rule with no count shows a dash; the column is text, so the table's Arrow form takes both.
        table["count"] = table["count"].map(lambda c: "–" if pd.isna(c) else str(int(c)))
        st.dataframe(table.rename(columns=HEADINGS), hide_index=True, width="stretch")
        if not allows(who, Action.SET_RULES):
            st.caption("An administrator switches a rule on or off or changes its count (`laa rules` too).")
            return
        with st.form(f"rules_{position.area_id}", border=False):
            wanted = {}
            for rule, spec in RULES.items():
                left, right = st.columns([3, 1], vertical_alignment="bottom")
                on = left.toggle(f"{rule.value}: {spec.says.format(n='N')}", settings[rule].on, key=f"on_{rule}")
                count = settings[rule].count
                if spec.count is not None:
                    most = MOST.get(rule, MOST_PERIODS)
                    count = right.number_input(f"N for {rule.value}", 1, most, count, step=1, key=f"n_{rule}")
                wanted[rule] = RuleSetting(on, int(count) if count is not None else None)
            if st.form_submit_button("Save the rules", icon=":material/save:"):
                try:
                    changed = set_rules(reads.engine(), who, position.area, wanted)
                except RuleProblem as problem:
                    st.error(md_escape(problem), icon=":material/block:")
                    return
                if not changed:
                    st.info("Nothing to save: every rule is as it was.", icon=":material/info:")
                    return
                # Run the page again, so that the lists above the form follow the new rules at once.
                st.session_state[SAVED] = "Saved (in the audit trail): " + "; ".join(changed)
                st.rerun()
