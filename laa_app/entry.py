"""My targets: a partner (or analyst) enters this quarter's actual, commentary and remedial action in the browser;
a chair the commentary and remedial action of their boards. Saving is an import, with its checks and batch."""

import streamlit as st

from dashboard.domain.words import plural
from dashboard.mail.server import after_change_words
from dashboard.read.views import literal_cells, md_escape
from dashboard.write.entry import (
    OPEN,
    card_summary,
    cell_value,
    column_order,
    editable,
    entry_file,
    entry_quarters,
    entry_quarters_held,
    entry_statuses,
    entry_table,
    is_locked,
    own_targets,
    whose,
    with_cards,
)
from dashboard.write.importer import ImportRejected, import_entry
from dashboard.write.importer.gate import TEXT_LIMIT
from dashboard.write.preview import check_entry, problems_table
from dashboard.write.signoff import signed_off
from laa_app.ui import partnership, people, pickers, reads, widgets

who = people.actor()
position = partnership.require_position()
st.title("My targets")

if done := st.session_state.pop("entry_done", None):
    st.success(done, icon=":material/check_circle:")
    st.caption(after_change_words(reads.settings()))

quarters = entry_quarters(position, who)
label, _ = pickers.choice("Quarter", [q.label for q in quarters], "quarter", default=quarters[0].label)
quarter = next(q for q in quarters if q.label == label)
st.caption(
    f"{md_escape(whose(who)[0].upper() + whose(who)[1:])}, {quarter.label}: fill in the cells you may change "
    f"({', '.join(h.lower() for h in editable(who))}: the columns marked with a pencil). An annual target's row is "
    "its financial year's. Last period is the actual of the period before. Nothing is stored until you save, and "
    "saving checks every entry as an upload would. A target with no target figure cannot be rated: an analyst "
    "sets the period's targets."
)
signed = {
    (board, period.end): held
    for board in own_targets(position, who)["theme_board"].unique()
    for period in entry_quarters_held(quarter)
    if (held := signed_off(reads.engine(), position.area, board, period)) is not None
}
table = entry_table(position, who, quarter, frozenset(signed))
if table.empty:
    st.info(f"There are no targets for you to update: {md_escape(whose(who))} has none.", icon=":material/info:")
    st.stop()
for held in signed.values():
    st.warning(
        f"{md_escape(held.sentence())}: its targets' figures can no longer be changed unless an analyst or the "
        "chair re-opens it.",
        icon=":material/lock:",
    )

mine = editable(who)
key, _ = widgets.editor_key(
    "entry",
    f"{position.area}_{quarter.label}",
    len(table),
    mine,
    "Only the cells you may change can be changed here, and no row added or deleted: the table is shown again as "
    "stored.",
)

locked = table[OPEN].map(is_locked)
with st.container(key="entry_grid"):  # shown at desktop widths (accessible.css)
    edited = widgets.fixed_rows_editor(
        widgets.locked_rows(table, locked, mine),
        key,
        mine,
        height=widgets.table_height(len(table)),
        column_order=column_order(who),
        column_config={
            "Code": st.column_config.TextColumn(pinned=True),
            "Indicator": st.column_config.TextColumn(width="medium", pinned=True),
            "Actual": st.column_config.NumberColumn(help="The actual for the row's period"),
            "Commentary": st.column_config.TextColumn(width="medium", max_chars=TEXT_LIMIT),
            "Remedial action": st.column_config.TextColumn(width="medium", max_chars=TEXT_LIMIT),
            OPEN: st.column_config.TextColumn(
                width="medium", help="Whether the row takes your entry: 🔒 signed off, or a period not begun"
            ),
            "Status": st.column_config.TextColumn(help="The status of the figures stored for the row's period"),
            "Target": st.column_config.NumberColumn(help="The target for the row's period (an analyst sets targets)"),
            "Last period": st.column_config.NumberColumn(help="The actual of the period before"),
            "Last status": st.column_config.TextColumn(help="The status of the period before"),
        },
    )

cards = {}
with st.container(key="entry_cards"):  # shown on a phone instead of the grid (accessible.css)
    for i, row in table.iterrows():
        with st.container(border=True, key=f"entry_card_{i}"):
            st.markdown(f"**{md_escape(row['Code'])}** · {md_escape(row['Indicator'])}")
            st.caption(md_escape(card_summary(row, mine)))
            for heading in mine:
                box = st.text_area if heading != "Actual" else st.text_input
                cards[(row["Code"], heading)] = box(
                    f"{heading} · {row['Code']}",
                    value=cell_value(row[heading]),
                    key=f"card_{i}_{heading}_{key}",
                    disabled=bool(locked.iloc[i]),
                    max_chars=TEXT_LIMIT,
                )

entry = entry_file(table, with_cards(edited, table, cards), who)
if entry is None:
    st.caption("Change a cell to enter a figure; the status it will give shows here before you save.")
    st.stop()

check = check_entry(reads.engine(), entry.data, who, position.area, reads.position_of, reads.settings())
if check.rejected is not None:
    st.error(
        f"{plural(len(check.rejected.problems), 'problem')}: nothing can be saved until they are put right.",
        icon=":material/error:",
    )
    problems = problems_table(check.rejected.problems)
    problems.insert(0, "Code", [entry.codes.get(int(line), "") for line in problems.pop("Line")])
    st.table(literal_cells(problems), hide_index=True)
    st.stop()

st.header("What saving will do")
st.dataframe(entry_statuses(check.outcome.plan), hide_index=True, width="stretch")
if sentences := check.preview.move_sentences:
    st.markdown("**Status moves:** " + "; ".join(md_escape(s) for s in sentences) + ".")
if st.button(f"Save {plural(entry.count, 'entry', 'entries')}", type="primary", key="entry_save"):
    try:
        stored = import_entry(reads.engine(), entry.data, who, area=position.area, settings=reads.settings())
    except ImportRejected as rejected:
        st.error(f"Not saved: {plural(len(rejected.problems), 'problem')} appeared since the check.")
        st.table(literal_cells(problems_table(rejected.problems)), hide_index=True)
    else:
        st.session_state["entry_saves"] = st.session_state.get("entry_saves", 0) + 1
        st.session_state["entry_done"] = (
            f"Saved {plural(entry.count, 'entry', 'entries')} for {quarter.label} as batch {stored.batch_id}, "
            f"entered in the browser by {md_escape(who.name)}."
        )
        st.rerun()
