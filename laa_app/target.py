"""Target drill-down: history of actual against target, every period's status, every stored version."""

import pandas as pd
import streamlit as st

from dashboard.domain.names import find_code
from dashboard.domain.periods import Period, quarter_of
from dashboard.papers import charts
from dashboard.read.annotations import notes_on, process_changes
from dashboard.read.benchmark import QUARTILE_METHOD
from dashboard.read.spc import target_chart
from dashboard.read.views import (
    district_caption,
    district_table,
    echoed,
    md_escape,
    periods_table,
    spc_words,
    status_label,
    target_caption,
    target_options,
    versions_table,
)
from laa_app.ui import partnership, pickers, reads, widgets
from laa_app.ui.notes import notes_section

position = partnership.require_position()
codes = target_options(position.targets)
names = dict(zip(position.targets["indicator_code"], position.targets["indicator_name"].fillna(""), strict=True))

code, unknown = pickers.choice(
    "Target", codes, "target", default=codes[0], format_func=lambda c: f"{c} · {names[c]}", find=find_code
)
if unknown:
    st.warning(
        f"There is no target {echoed(unknown)} in {md_escape(position.area)}; pick one below.",
        icon=":material/search_off:",
    )

target, versions = partnership.history(code)
st.title(f"{md_escape(code)} · {md_escape(target['indicator_name'])}")
settings = target_caption(target)
st.caption(" · ".join(f"{k}: {md_escape(v)}" for k, v in settings.items()))
widgets.board_link(
    target["theme_board"], label=f"Back to {md_escape(target['theme_board'])}", icon=":material/arrow_back:"
)

if versions.empty:
    st.info("No figures are held for this target yet: upload a file with its rows.", icon=":material/info:")
    st.stop()

latest = versions[versions["is_current"].astype(bool)].sort_values("period_end").iloc[-1]
st.markdown(f"Latest: **{md_escape(latest['period_label'])}** · {md_escape(status_label(latest['status']))}")

notes = notes_on(position, target=code)
widgets.chart(charts.target_history(target, versions, notes), charts.target_history_text(target, versions, notes))

found = reads.benchmark_of(code, quarter_of(latest["period_end"]))
if found is not None and len(found.rows) > 1:
    st.header(f"Against the other areas, {found.period}")
    st.caption(f"Quartiles {QUARTILE_METHOD}. `laa benchmark` gives the same within a comparator group.")
    widgets.chart(charts.benchmark_chart(found, position.area), charts.benchmark_text(found, position.area))

st.header("Year-end forecast")
as_at = position.latest_quarter()
ahead = reads.forecasts_of(position, as_at)
found = ahead[ahead["target_id"] == target["target_id"]].iloc[0]
if found["outlook"] is None or pd.isna(found["projected"]):
    st.caption(f"No forecast as at {as_at.label}: {md_escape(found['reason'])}.")
else:
    this_year = versions[versions["is_current"].astype(bool) & versions["actual"].notna()]
    this_year = this_year[this_year["period_end"].map(lambda d: quarter_of(d).label[:7]) == as_at.label[:7]]
    this_year = this_year[this_year["period_end"] <= as_at.end].sort_values("period_end")
    st.caption(f"As at {as_at.label}, a {found['measure']} measure: {md_escape(found['method'])}.")
    widgets.chart(
        charts.forecast_chart(this_year, found, found["year_end"]),
        charts.forecast_text(this_year, found, found["year_end"]),
    )

latest_period = Period(latest["period_end"], latest["period_label"])
if (in_districts := reads.district_figures_of(position.area, code, latest_period)) is not None:
    rows, county_target = in_districts
    st.header(f"In each district, {latest_period.label}")
    st.caption(md_escape(district_caption(position.area, county_target, latest_period.label)))
    st.dataframe(district_table(rows), hide_index=True, width="stretch")

# One container, so that a link, a test or a screenshot finds the section as a whole.
with st.container(key="signal_or_noise"):
    st.header("Signal or noise")
    spc = target_chart(position, int(target["target_id"]), changes=process_changes(position, code))
    if not spc.charted:
        st.caption(f"No XmR chart yet: {md_escape('; '.join(spc.reasons))}.")
    else:
        variation, assurance = spc_words(spc.variation, spc.assurance, "; ".join(spc.reasons))
        st.markdown(f"**Variation:** {md_escape(variation)} · **Assurance:** {md_escape(assurance)}")
        st.caption(
            "The mean and natural process limits (mean ± 2.66 × the mean moving range) of the actuals; a point is a "
            "special cause when it is outside the limits, in a run of 7 on one side of the mean or rising or falling, "
            "or two of three in the outer third on one side. A note marked a change of process starts new limits."
        )
        widgets.chart(charts.xmr_figure(spc, notes), charts.xmr_text(spc, code, notes))

notes_section(position.area, code, target["theme_board"], notes, position.quarters())

st.header("Every period")
st.dataframe(periods_table(versions, notes, target["frequency"]), hide_index=True, width="stretch")

corrected = versions_table(versions, corrected_only=True)
st.header("Corrected values: every stored version")
if corrected.empty:
    st.caption("No value of this target has been corrected: each period has one version.")
else:
    st.caption("Oldest first. A superseded version is kept with when, by whom and which upload stored it.")
    st.dataframe(corrected, hide_index=True, width="stretch")
with st.expander("All stored versions of every period"):
    st.dataframe(versions_table(versions, corrected_only=False), hide_index=True, width="stretch")

st.header("Commentary and remedial action by period")
for row in periods_table(versions).iloc[::-1].to_dict("records"):
    with st.container(border=True):
        st.markdown(f"**{md_escape(row['Period'])}** · {md_escape(row['Status'])}")
        st.text(f"Commentary: {row['Commentary'] or '—'}")
        st.text(f"Remedial action: {row['Remedial action'] or '—'}")
