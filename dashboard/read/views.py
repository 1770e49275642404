"""What the pages show, as plain frames and sentences: headers with status words, links, the rows of each list.
No streamlit here; the pages only lay these out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import partial

import pandas as pd

from dashboard.domain.missing import missing
from dashboard.domain.names import name_key, same_name
from dashboard.domain.rules import DEFAULT_POLARITY, DEFAULT_TOLERANCE_PCT, STATUS_SYMBOL, Status, status_label
from dashboard.domain.words import plural
from dashboard.read.annotations import WHOLE_BOARD
from dashboard.read.breakdown import (
    COUNT_COLUMNS,
    OTHER_BASIS,
    bases_disagree,
    exceptions,
    rank_boards,
    with_total,
    worst_first,
)
from dashboard.read.movement import DIRECTION_ARROW, Direction
from dashboard.read.quality import DEFAULT_FREQUENCY, cycle_of, frequency_of

NO_DATA_MESSAGE = (
    "No data yet. Upload the quarter's CSV or Excel file on the Upload page, "
    "or load the sample partnership with `laa demo` on the command line."
)
# for those who cannot upload: the Upload page is not theirs to open
NO_DATA_YET_MESSAGE = "No data yet. The figures appear here once the partnership's analyst uploads the quarter's file."


def count_header(column: str) -> str:
    status = COUNT_COLUMNS[column]
    return f"{STATUS_SYMBOL[status]} {status.value.capitalize()}"


def tile_label(key: str, pct: float | None) -> str:
    """'Targets', '✖ Red · 34.6%', '… Awaited · 15.4%': a mix tile's label (movement.headline's keys), short
    enough for five tiles on one row at desktop width and two to a row on a phone."""
    if key == "targets":
        return "Targets"
    return f"{count_header(key).replace('Data awaited', 'Awaited')} · {pct or 0.0:.1f}%"


def mix_caption(as_at: str, earlier: str | None, board: str | None = None) -> str:
    """The line above a mix's tiles (escaped Markdown): whose targets, as at when, shares of what, change since
    when; the partnership's when board is None."""
    since = f"; the change since {earlier}" if earlier else f" ({as_at} is the first quarter held)"
    if board is None:
        return f"Targets by status as at {as_at}, with each status's share of all targets{since}."
    return (
        f"{md_escape(board)}'s targets by status as at {as_at}, with each status's share of the board's targets{since}."
    )


def breakdown_table(boards: pd.DataFrame, total: dict, by: str = "theme_board") -> pd.DataFrame:
    """Haringey's Table 1 and Table 2 side by side with a Total row; every status column headed by its word.
    by="area": an area breakdown's rows, headed Area."""
    frame = with_total(boards, total, by)
    out = pd.DataFrame({BY_HEADING[by]: frame[by], "Targets": frame["targets"].astype(int)})
    for column in COUNT_COLUMNS:
        out[count_header(column)] = frame[column].astype(int)
    for column in COUNT_COLUMNS:
        out[f"{count_header(column)} %"] = frame[f"{column}_pct"].astype(float)
    return out


BY_HEADING = {"theme_board": "Theme board", "area": "Area", "district": "District"}


def district_mix_table(districts: pd.DataFrame, total: dict) -> pd.DataFrame:
    """A county's districts' mixes (read.districts.district_breakdown) as breakdown_table lays out boards."""
    return breakdown_table(districts.rename(columns={"area": "district"}), total, by="district")


def district_table(rows: pd.DataFrame) -> pd.DataFrame:
    """A county target's indicator in each district (read.districts.district_figures): the district's actual,
    its own target and status, and its status against the county's target."""
    return pd.DataFrame(
        {
            "District": rows["area"],
            "Actual": rows["actual"].map(number),
            "District's target": rows["target_value"].map(number),
            "Status": rows["status"].map(status_label),
            "Against the county's target": rows["against_county"].map(status_label),
        }
    )


def district_caption(county: str, county_target: float | None, period: str) -> str:
    target = f"its target of {number(county_target)}" if county_target is not None else "no target"
    return (
        f"{county} has {target} for {period}. Each district's actual is rated against its own target, and against "
        f"the county's target with the county's polarity and tolerance."
    )


def breakdown_cell_status(header: str) -> Status | None:
    """Which status a breakdown column shows (for colouring its cells), from its header."""
    for column, status in COUNT_COLUMNS.items():
        if header.startswith(count_header(column)):
            return status
    return None


BASIS_LABELS = {"all": "All targets", "rated": "Rated targets only"}


def ranking_table(boards: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Rule 4 on the chosen basis, with each board's place on the other basis beside it."""
    ranked = rank_boards(boards, basis)
    other = OTHER_BASIS[basis]
    elsewhere = rank_boards(boards, other).set_index("theme_board")["rank"]
    return pd.DataFrame(
        {
            "Rank": ranked["rank"].astype(int),
            "Theme board": ranked["theme_board"],
            "✔▲ Green or amber %": ranked["green_amber_pct"],
            "✖ Red %": ranked["red_pct"],
            "Targets": ranked["targets"].astype(int),
            "Rated": ranked["rated"].astype(int),
            f"Rank on {BASIS_LABELS[other].lower()}": ranked["theme_board"].map(elsewhere).astype(int),
        }
    )


def ranking_sentence(basis: str, word: str = "board") -> str:
    """How the boards (word="area": the areas) are ranked on this basis."""
    if basis == "all":
        of = f"of all their targets (a data-awaited target counts against its {word}, as the Haringey auditors counted)"
    else:
        of = "of their rated targets only (data-awaited targets are left out)"
    return (
        f"{word.capitalize()}s are ranked by the share of targets green or amber, {of}; "
        "ties go to the lower red share, then to the name."
    )


def bases_note(boards: pd.DataFrame, basis: str) -> str:
    """Whether the other basis orders the boards differently, naming that other order in full."""
    moved = bases_disagree(boards)
    other = OTHER_BASIS[basis]
    name = BASIS_LABELS[other].lower()
    if not moved:
        return f"Ranking on {name} gives the same order."
    order = rank_boards(boards, other)["theme_board"].tolist()
    return (
        f"Ranked on {name} instead, the order is: {', '.join(order)} "
        f"({plural(len(moved), 'board')} in a different place: {', '.join(moved)})."
    )


def ranking_line(row) -> str:
    """'1 · Wellbeing — ✔▲ 71.4% · ✖ 7.1%': one ranked board, as Markdown with its name escaped."""
    if row.green_amber_pct is None or pd.isna(row.green_amber_pct):
        return f"{int(row.rank)} · {md_escape(row.theme_board)} — no rated targets"
    return f"{int(row.rank)} · {md_escape(row.theme_board)} — ✔▲ {row.green_amber_pct:.1f}% · ✖ {row.red_pct:.1f}%"


def signed(change: int | None) -> str | None:
    """'+4', '-1', '0': a change with its sign written, since a screen reader does not read the arrow beside it."""
    return None if change is None else f"{change:+d}" if change else "0"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&^])")


# Streamlit's Markdown turns bare addresses (http://…, www.…, name@host) into links after escapes are read, so a
# word joiner (U+2060, invisible) after each ':', '@' and 'www' keeps them text.
_AUTOLINKED = re.compile(r"(:|@|(?i:www))")


def md_escape(text) -> str:
    """Data placed inside Markdown shows as the literal text: no links, HTML, LaTeX, emoji or colour directives."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _AUTOLINKED.sub("\\1\u2060", _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)))


ECHO_LIMIT = 40


def echoed(text: str) -> str:
    """Something a visitor put in the address, quoted for a message: at most ECHO_LIMIT characters, escaped so
    that nothing in it renders as a link, an image or formatting."""
    short = text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"
    return md_escape(f"“{short}”")


def no_page_sentence(path: str) -> str:
    """'There is no page at /users': an address a visitor asked for, at most ECHO_LIMIT characters, escaped so that
    nothing in it renders as a link or formatting."""
    short = path if len(path) <= ECHO_LIMIT else path[: ECHO_LIMIT - 1] + "…"
    return f"There is no page at {md_escape('/' + short)}"


def number(value) -> str:
    if missing(value):
        return ""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def board_targets(
    statuses: pd.DataFrame,
    board: str,
    show_all: bool = False,
    target_types: list[str] | None = None,
    lead_partners: list[str] | None = None,
) -> pd.DataFrame:
    """One board's targets for its chair, in the statuses' columns plus shortfall_pct: red only, worst
    shortfall first (exception mode), or every status red → amber → green → data awaited; filtered by target
    type and lead partner when given. The page's table and its exports both show exactly these."""
    if show_all:
        rows = worst_first(statuses[same_name(statuses["theme_board"], board)])
    else:
        rows = exceptions(statuses, Status.RED, board)
    if target_types:
        rows = rows[rows["target_type"].isin(target_types)]
    if lead_partners:
        rows = rows[rows["lead_partner"].isin(lead_partners)]
    return rows.reset_index(drop=True)


def unknown_filters_sentence(board: str, target_types: list[str], lead_partners: list[str]) -> str:
    """'No target of Children's Trust has the lead partner “Nobody”, so that filter is left out.': filters an
    address asked for that match none of the board's targets, quoted and escaped as echoed does."""
    asked = []
    if target_types:
        asked.append(f"the target type {' or '.join(echoed(t) for t in target_types)}")
    if lead_partners:
        asked.append(f"the lead partner {' or '.join(echoed(p) for p in lead_partners)}")
    filters = "those filters are" if len(target_types) + len(lead_partners) > 1 else "that filter is"
    return f"No target of {md_escape(board)} has {' or '.join(asked)}, so {filters} left out."


def board_targets_title(rows: pd.DataFrame, show_all: bool) -> str:
    """'9 red targets', '26 targets': what the board page and its exports hold."""
    return plural(len(rows), "target" if show_all else "red target")


def board_table(rows: pd.DataFrame, compared: pd.DataFrame, trends: dict[int, list]) -> pd.DataFrame:
    """The chair's table of board_targets rows: status with its word, direction of travel, trend."""
    directions = compared.set_index("target_id")["direction"]
    return pd.DataFrame(
        {
            "target_id": rows["target_id"].astype(int),
            "Code": rows["indicator_code"],
            "Status": [status_label(s) for s in rows["status"]],
            "Direction": [
                DIRECTION_ARROW[Direction(directions.get(t, Direction.UNKNOWN.value))] for t in rows["target_id"]
            ],
            "Target": pd.to_numeric(rows["target_value"], errors="coerce"),
            "Actual": pd.to_numeric(rows["actual"], errors="coerce"),
            "Shortfall %": rows["shortfall_pct"],
            "Trend": [trends.get(int(t), []) for t in rows["target_id"]],
            "Period": rows["period_label"].fillna(""),
            "Type": rows["target_type"].fillna(""),
            "Lead partner": rows["lead_partner"].fillna(""),
            "Indicator": rows["indicator_name"].fillna(""),
            "Commentary": rows["commentary"].fillna(""),
            "Remedial action": rows["remedial_action"].fillna(""),
        }
    ).reset_index(drop=True)


def board_options(targets: pd.DataFrame) -> list[str]:
    return targets.sort_values("board_position")["theme_board"].drop_duplicates().tolist()


def board_to_open(boards: list[str], chaired: Iterable[str]) -> str:
    """The board a page opens with no board asked for: the first of these boards the person chairs (a chair goes
    straight to their own), else the first board."""
    mine = {name_key(board) for board in chaired}
    return next((board for board in boards if name_key(board) in mine), boards[0])


def target_options(targets: pd.DataFrame) -> list[str]:
    return targets["indicator_code"].tolist()


def target_caption(target: pd.Series) -> dict[str, str]:
    """The settings of one target, each as text."""
    polarity = target.get("polarity")
    tolerance = target.get("tolerance_pct")
    return {
        "Theme board": str(target["theme_board"]),
        "Type": _text(target.get("target_type")) or "not given",
        "Lead partner": _text(target.get("lead_partner")) or "not given",
        "Polarity": _text(polarity).replace("_", " ")
        or f"not given ({DEFAULT_POLARITY.value.replace('_', ' ')} assumed)",
        "Amber band": f"{number(tolerance if _text(tolerance) else DEFAULT_TOLERANCE_PCT)}% of target",
        "Reported": _text(target.get("frequency")) or DEFAULT_FREQUENCY.value,
        "Unit": _text(target.get("unit")) or "–",
    }


def periods_table(versions: pd.DataFrame, notes: pd.DataFrame | None = None, frequency: object = None) -> pd.DataFrame:
    """Every period's current figures and status, oldest first; with notes (read.annotations.notes_on), the notes
    at each period (of the target's frequency: an annual target's row holds the notes of its year's quarters)."""
    current = versions[versions["is_current"].astype(bool)].sort_values("period_end")
    table = pd.DataFrame(
        {
            "Period": current["period_label"],
            "Target": pd.to_numeric(current["target_value"], errors="coerce"),
            "Actual": pd.to_numeric(current["actual"], errors="coerce"),
            "Status": [status_label(s) for s in current["status"]],
            "Commentary": current["commentary"].fillna(""),
            "Remedial action": current["remedial_action"].fillna(""),
            "Upload": [f"batch {int(b)}" for b in current["batch_id"]],
        }
    ).reset_index(drop=True)
    if notes is not None:
        table.insert(
            list(table.columns).index("Upload"), "Notes", notes_by_period(current["period_end"], notes, frequency)
        )
    return table


def notes_by_period(ends: Iterable, notes: pd.DataFrame, frequency: object = None) -> list[str]:
    """For each period end, the notes at that period (note_said, oldest first, joined by '; '); '' for none."""
    cycle = partial(cycle_of, frequency=frequency_of(frequency))
    at: dict = {}
    for note in notes.to_dict("records"):
        at.setdefault(cycle(_day(note["period_end"])), []).append(note_said(note))
    return ["; ".join(at.get(cycle(_day(end)), [])) for end in ends]


def note_said(note: Mapping) -> str:
    """'Outreach began (analyst)', 'whole board: Winter pressures (chris)': one note in a table's cell."""
    about = "" if isinstance(note["indicator_code"], str) else f"{WHOLE_BOARD}: "
    return f"{about}{note['note']} ({note['noted_by']})"


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def version_state(row) -> str:
    if row.get("rolled_back_at") is not None and not pd.isna(row.get("rolled_back_at")):
        return "rolled back"
    return "current" if bool(row["is_current"]) else "superseded"


def versions_table(versions: pd.DataFrame, corrected_only: bool = True) -> pd.DataFrame:
    """Every stored version (when, by whom, which upload), oldest first; by default only corrected periods."""
    rows = versions
    if corrected_only:
        counts = versions.groupby("period_end")["value_id"].transform("count")
        rows = versions[counts > 1]
    return pd.DataFrame(
        {
            "Period": rows["period_label"],
            "Actual": pd.to_numeric(rows["actual"], errors="coerce"),
            "Target": pd.to_numeric(rows["target_value"], errors="coerce"),
            "Status": [status_label(s) for s in rows["status"]],
            "Version": [version_state(r) for r in rows.to_dict("records")],
            "Recorded at": [_when(t) for t in rows["recorded_at"]],
            "By": rows["recorded_by"],
            "Upload": [f"batch {int(b)}: {f}" for b, f in zip(rows["batch_id"], rows["file_name"], strict=True)],
            "Commentary": rows["commentary"].fillna(""),
        }
    ).reset_index(drop=True)


def batches_table(batches: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Batch": batches["id"].astype(int),
            "Uploaded at": [_when(t) for t in batches["uploaded_at"]],
            "By": batches["uploaded_by"],
            "File": batches["file_name"],
            "Rows new": batches["rows_new"].astype(int),
            "Rows changed": batches["rows_changed"].astype(int),
            "Rows unchanged": batches["rows_unchanged"].astype(int),
            "Targets new": batches["targets_new"].fillna(0).astype(int),
            "Rolled back": [
                "" if t is None or pd.isna(t) else f"{_when(t)} by {b}"
                for t, b in zip(batches["rolled_back_at"], batches["rolled_back_by"], strict=True)
            ],
        }
    )


def batch_labels(batches: pd.DataFrame) -> dict[int, str]:
    """'Batch 3 · q3.csv · 2026-11-25 10:04:11 · by analyst · 12 rows new, 3 changed': for the rollback picker."""
    return {
        int(r["id"]): (
            f"Batch {int(r['id'])} · {r['file_name']} · {_when(r['uploaded_at'])} · by {r['uploaded_by']} · "
            f"{int(r['rows_new'])} rows new, {int(r['rows_changed'])} changed"
        )
        for r in batches.to_dict("records")
    }


def status_moves_table(moves: pd.DataFrame) -> pd.DataFrame:
    """A preview's status moves as the pages list them: each target's status now and after, words and symbols."""
    return moves.assign(
        before=[status_label(b) if b else "new target" for b in moves["before"]],
        after=[status_label(a) for a in moves["after"]],
    ).rename(
        columns={
            "area": "Area",
            "indicator_code": "Code",
            "indicator_name": "Indicator",
            "theme_board": "Theme board",
            "before": "Status now",
            "after": "Status after",
            "move": "Move",
        }
    )


def literal_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell escaped, for a table that renders Markdown (st.table): data shows as written."""
    return frame.map(lambda v: md_escape(v) if isinstance(v, str) else v)


def rollback_choices(batches: pd.DataFrame) -> list[int]:
    """Batches that can still be rolled back, newest first."""
    live = batches[batches["rolled_back_at"].isna()]
    return [int(b) for b in live["id"]]


def _when(value) -> str:
    if missing(value):
        return ""
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(value)


def _text(value) -> str:
    if missing(value):
        return ""
    return str(value).strip()


ESCALATION_HEADINGS = {
    "indicator_code": "Code",
    "why": "Why",
    "since": "Since",
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
    "remedial_action": "Remedial action",
    "indicator_name": "Indicator",
}


def escalation_table(rows: pd.DataFrame, kind: str, board: bool = True) -> pd.DataFrame:
    """One kind of what the rules raise (read.escalations), as a page lists it; board=False leaves out the board
    (a board's own page)."""
    chosen = rows[rows["kind"] == kind]
    columns = [c for c in ESCALATION_HEADINGS if board or c != "theme_board"]
    if kind != "escalate":
        columns.remove("remedial_action")
    return chosen[columns].rename(columns=ESCALATION_HEADINGS).reset_index(drop=True).fillna("")


def escalation_caption(rows: pd.DataFrame, as_at: str) -> str:
    """'3 targets escalated and 5 recognised as at 2009/10 Q3 by the partnership's rules.'"""
    up = int((rows["kind"] == "escalate").sum())
    noted = int((rows["kind"] == "recognise").sum())
    return (
        f"{plural(up, 'target')} escalated and {noted} recognised as at {as_at} by the partnership's rules "
        "(`laa rules` lists them; an administrator switches and tunes them)."
    )


def forecast_mix_sentence(mix: dict[str, int], year_end: str) -> str:
    """'Forecast for 2009/10 Q4: 12 on track, 5 at risk, 20 off track; 37 without a forecast.'"""
    told = ", ".join(f"{mix[word]} {word}" for word in ("on track", "at risk", "off track"))
    return f"Forecast for the year's end ({year_end}): {told}; {mix['no forecast']} without a forecast."


def with_forecast(table: pd.DataFrame, ahead: pd.DataFrame) -> pd.DataFrame:
    """A board table (board_table) with each target's year-end outlook (read.forecast), '—' where it has none,
    after its Trend: among the figures a chair reads first, not past the long text columns off the table's edge."""
    outlook = ahead.set_index("target_id")["outlook"]
    shown = [o if isinstance(o, str) else "—" for o in table["target_id"].map(outlook)]
    out = table.copy()
    out.insert(list(out.columns).index("Trend") + 1, "Year-end forecast", shown)
    return out


VARIATION_MARKS = {"common cause": "● common cause", "special cause, improving": "▲ special cause, improving",
                   "special cause, concerning": "▼ special cause, concerning"}  # fmt: skip
ASSURANCE_MARKS = {"always met": "✔ always met", "never met unless the process changes":
                   "✖ never met unless the process changes", "hit and miss": "↕ hit and miss"}  # fmt: skip
"""Variation and assurance (read.spc) as the pages show them: a symbol, then the words (never colour alone)."""


def spc_words(
    variation: str | None, assurance: str | None, reason: str | None = None, marks: bool = True
) -> tuple[str, str]:
    """A target's variation and assurance as marks with words (marks=False: the words alone, for a spreadsheet to
    filter); with no variation, the variation says why (too few points: how many it has and needs), and an
    assurance that is missing is '–'."""
    shown = (VARIATION_MARKS.get(variation, variation) if marks else variation) if variation else None
    assured = (ASSURANCE_MARKS.get(assurance, assurance) if marks else assurance) if assurance else None
    return shown or reason or "–", assured or "–"


def spc_columns(target_ids: Iterable, summary: pd.DataFrame, marks: bool = True) -> tuple[list[str], list[str]]:
    """The variation and assurance (spc_words) of each target, in the order given, from read.spc.spc_summary; with
    marks (a table to read, not to filter), a missing chart's reason in a few words."""
    by_id = summary.set_index("target_id")
    said = [_spc_words_of(by_id.loc[t] if t in by_id.index else None, marks) for t in target_ids]
    return [v for v, _ in said], [a for _, a in said]


def _spc_words_of(row: pd.Series | None, marks: bool) -> tuple[str, str]:
    if row is None:
        return spc_words(None, None, None, marks)
    reason = (marks and _text(row["brief"])) or _text(row["reason"]) or None
    return spc_words(_text(row["variation"]) or None, _text(row["assurance"]) or None, reason, marks)


def with_spc(table: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """A board table with each target's variation and assurance (read.spc.spc_summary) as marks and words; a target
    with too few points says how many more it needs. They stand after the year-end forecast (or the
    Trend) where the table has one: among the figures a chair reads first, not past the long text columns off the
    table's edge."""
    variation, assurance = spc_columns(table["target_id"], summary)
    after = next((c for c in ("Year-end forecast", "Trend") if c in table.columns), None)
    if after is None:
        return table.assign(Variation=variation, Assurance=assurance)
    out = table.copy()
    at = list(out.columns).index(after) + 1
    out.insert(at, "Variation", variation)
    out.insert(at + 1, "Assurance", assurance)
    return out


def spc_board_counts(summary: pd.DataFrame) -> pd.DataFrame:
    """Per board, the two lists a board should discuss: targets with a concerning special cause, and targets that
    will never meet their target unless the process changes (their codes after the count)."""
    rows = []
    for board, targets in summary.groupby("theme_board", sort=False):
        concern = targets.loc[targets["variation"] == "special cause, concerning", "indicator_code"].tolist()
        never = targets.loc[targets["assurance"] == "never met unless the process changes", "indicator_code"].tolist()
        rows.append({"Theme board": board, CONCERNING: _counted(concern), NEVER_MET: _counted(never)})
    return pd.DataFrame(rows, columns=["Theme board", CONCERNING, NEVER_MET])


CONCERNING = "▼ Concerning special cause"
NEVER_MET = "✖ Never met unless the process changes"


def _counted(codes: list[str]) -> str:
    return f"{len(codes)}: {', '.join(codes)}" if codes else "0"
