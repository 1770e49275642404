"""Plotly figures for the dashboard. One colour-blind-safe palette (Okabe–Ito), and never colour alone:
every status also carries its symbol and word, and a fill pattern in stacked bars. Each figure has a text
alternative (WCAG 1.1.1): a sentence saying what it shows and the table of its figures (ChartText)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard.domain.rules import (
    DEFAULT_TOLERANCE_PCT,
    STATUS_SYMBOL,
    STATUSES,
    Polarity,
    Status,
    amber_floor,
    status_label,
)
from dashboard.read.benchmark import Benchmark
from dashboard.read.breakdown import COUNT_COLUMNS
from dashboard.read.quality import Frequency, cycle_of
from dashboard.read.spc import Chart, causes_in_words

# The same colours are the theme in .streamlit/config.toml (redColor, orangeColor, greenColor, grayColor).
STATUS_COLOURS = {
    Status.RED: "#D55E00",  # vermilion
    Status.AMBER: "#E69F00",  # orange
    Status.GREEN: "#009E73",  # bluish green
    Status.DATA_AWAITED: "#999999",  # grey
}


def status_tint(status: Status, share: float = 0.45) -> str:
    """The status colour mixed with white, '#ECB78C': a cell's background that black text reads on, on screen,
    in the workbook and in print (the one palette of tints)."""
    colour = STATUS_COLOURS[status]
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * share + 255 * (1 - share)):02X}" for c in rgb)


STATUS_PATTERNS = {Status.RED: "x", Status.AMBER: "/", Status.GREEN: "", Status.DATA_AWAITED: "."}
STATUS_MARKERS = {
    Status.RED: "x",
    Status.AMBER: "triangle-up",
    Status.GREEN: "circle",
    Status.DATA_AWAITED: "circle-open",
}
TARGET_COLOUR = "#0072B2"  # blue
ACTUAL_COLOUR = "#000000"
BAND_COLOUR = "rgba(230, 159, 0, 0.18)"
TEXT_COLOUR = "#0B0C0C"  # the theme's textColor: axis labels and legends as readable as the page's text
FONT = dict(family="sans-serif", size=13, color=TEXT_COLOUR)
# Shares written inside the bars: dark text keeps 4.5:1 on every status colour (white would not on green or grey).
INSIDE_TEXT = dict(color=TEXT_COLOUR)


def literal(text) -> str:
    """Data as chart text: plotly draws a little HTML (<a>, <b>, <br>) in labels, so <, > and & are written as
    entities and show as themselves."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def status_name(status: Status) -> str:
    """'✖ red': the legend and hover name of a status."""
    return status_label(status)


def status_marker(status: Status) -> dict:
    """Colour and fill pattern of a status's bars: the pattern tells statuses apart without colour."""
    pattern = dict(shape=STATUS_PATTERNS[status], fillmode="overlay", fgcolor="rgba(255,255,255,0.55)", solidity=0.25)
    return dict(color=STATUS_COLOURS[status], pattern=pattern, line=dict(color="white", width=1))


BY_WORDS = {"theme_board": ("board", "Theme board"), "area": ("area", "Area")}
"""What a breakdown's rows are, in a sentence and as a heading."""


def board_mix(boards: pd.DataFrame, ranked: pd.DataFrame | None = None, by: str = "theme_board") -> go.Figure:
    """Each board's red/amber/green/data-awaited mix as a 100% stacked bar with each share written in its bar;
    boards in rank order ('1 · Wellbeing') when a ranking is given, else in the partnership's order. by="area":
    the areas of an area breakdown, the ranked ones only when a ranking is given."""
    if ranked is not None:
        boards = boards.set_index(by).loc[ranked[by]].reset_index()
        names = [f"{int(r)} · {literal(b)}" for r, b in zip(ranked["rank"], ranked[by], strict=True)]
    else:
        names = [literal(b) for b in boards[by]]
    fig = go.Figure()
    for column, status in COUNT_COLUMNS.items():
        counts = boards[column].astype(int).tolist()
        shares = boards[f"{column}_pct"].astype(float).tolist()
        fig.add_trace(
            go.Bar(
                y=names,
                x=shares,
                orientation="h",
                name=status_name(status),
                marker=status_marker(status),
                # A share too narrow for its label is left to the hover and the tables.
                text=[f"{s:.0f}%" if s >= 9 else "" for s in shares],
                textposition="inside",
                insidetextanchor="middle",
                insidetextfont=INSIDE_TEXT,
                customdata=list(zip(counts, boards["targets"].astype(int).tolist(), strict=True)),
                hovertemplate="%{y}<br>" + status_name(status) + ": %{customdata[0]} of %{customdata[1]} "
                "targets (%{x:.1f}%)<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        height=60 + 40 * max(len(names), 1),
        xaxis=dict(title=f"% of the {BY_WORDS[by][0]}'s targets", range=[0, 100]),
        yaxis=dict(autorange="reversed"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=30, b=40),
        font=FONT,
    )
    return _readable(fig)


def mix_trend(mix: pd.DataFrame) -> go.Figure:
    """The partnership's status mix as at each quarter (from movement.mix_over_time), stacked to 100%."""
    fig = go.Figure()
    for status in STATUSES:
        rows = mix[mix["status"] == status.value]
        fig.add_trace(
            go.Bar(
                x=rows["period_label"].tolist(),
                y=rows["pct"].astype(float).tolist(),
                name=status_name(status),
                marker=status_marker(status),
                text=[str(int(t)) for t in rows["targets"]],
                textposition="inside",
                insidetextfont=INSIDE_TEXT,
                customdata=rows["targets"].astype(int).tolist(),
                hovertemplate="%{x}<br>" + status_name(status) + ": %{customdata} targets (%{y:.1f}%)<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        height=360,
        yaxis=dict(title="% of all targets", range=[0, 100]),
        xaxis=dict(title="as at the end of each quarter", type="category"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=40, b=40),
        font=FONT,
    )
    return _readable(fig)


def target_history(target: pd.Series, versions: pd.DataFrame, notes: pd.DataFrame | None = None) -> go.Figure:
    """Actual against target over the periods, the amber tolerance band shaded, each point marked by status;
    superseded versions of a corrected value shown as hollow points (rolled-back values are not drawn); each note
    (read.annotations.notes_on) a dotted line at its period, numbered, its words on hover."""
    current = versions[versions["is_current"].astype(bool)].sort_values("period_end")
    # A rolled-back value was withdrawn, not corrected: it is listed with the versions, not drawn.
    withdrawn = versions["rolled_back_at"].notna() if "rolled_back_at" in versions else False
    old = versions[~versions["is_current"].astype(bool) & ~withdrawn]
    polarity = Polarity(target["polarity"]) if _given(target.get("polarity")) else Polarity.HIGHER_IS_BETTER
    tol = float(target["tolerance_pct"]) if _given(target.get("tolerance_pct")) else DEFAULT_TOLERANCE_PCT
    fig = go.Figure()

    with_target = current[pd.to_numeric(current["target_value"], errors="coerce").notna()]
    x = with_target["period_label"].tolist()
    goal = pd.to_numeric(with_target["target_value"]).astype(float).tolist()
    floor = [amber_floor(t, tol, polarity) for t in goal]
    if x:
        fig.add_trace(go.Scatter(x=x, y=floor, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=goal,
                mode="lines",
                line=dict(width=0),
                fill="tonexty",
                fillcolor=BAND_COLOUR,
                name=f"{STATUS_SYMBOL[Status.AMBER]} amber band ({tol:g}% of target)",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=goal,
                mode="lines+markers",
                line=dict(color=TARGET_COLOUR, dash="dash", width=2),
                marker=dict(symbol="line-ew-open", size=12, color=TARGET_COLOUR),
                name="target",
                hovertemplate="%{x}<br>target %{y}<extra></extra>",
            )
        )
    has_actual = current[pd.to_numeric(current["actual"], errors="coerce").notna()]
    fig.add_trace(
        go.Scatter(
            x=has_actual["period_label"].tolist(),
            y=pd.to_numeric(has_actual["actual"]).astype(float).tolist(),
            mode="lines",
            line=dict(color=ACTUAL_COLOUR, width=2),
            name="actual",
            hoverinfo="skip",
        )
    )
    for status in STATUSES:
        rows = has_actual[has_actual["status"] == status.value]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["period_label"].tolist(),
                y=pd.to_numeric(rows["actual"]).astype(float).tolist(),
                mode="markers",
                marker=dict(
                    symbol=STATUS_MARKERS[status],
                    size=14,
                    color=STATUS_COLOURS[status],
                    line=dict(color=ACTUAL_COLOUR, width=1),
                ),
                name=f"actual: {status_name(status)}",
                hovertemplate="%{x}<br>actual %{y}<br>" + status_name(status) + "<extra></extra>",
            )
        )
    old = old[pd.to_numeric(old["actual"], errors="coerce").notna()]
    if len(old):
        fig.add_trace(
            go.Scatter(
                x=old["period_label"].tolist(),
                y=pd.to_numeric(old["actual"]).astype(float).tolist(),
                mode="markers",
                marker=dict(symbol="diamond-open", size=12, color=ACTUAL_COLOUR),
                name="earlier version (corrected since)",
                hovertemplate="%{x}<br>earlier version: %{y}<extra></extra>",
            )
        )
    order = current["period_label"].tolist()
    _mark_notes(fig, notes, current)
    fig.update_layout(
        height=380,
        xaxis=dict(type="category", categoryorder="array", categoryarray=order, title="period"),
        yaxis=dict(title=literal(target.get("unit")) if _given(target.get("unit")) else ""),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=50, b=40),
        font=FONT,
    )
    return _readable(fig)


NOTE_COLOUR = "#595959"


def _noted_at(notes: pd.DataFrame | None, current: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """Each note with the period on the chart it stands at: its own, else the first drawn after it."""
    if notes is None or notes.empty or current.empty:
        return []
    ends = current[["period_end", "period_label"]].sort_values("period_end")
    placed = []
    for note in notes.sort_values("period_end").itertuples(index=False):
        after = ends[ends["period_end"] >= note.period_end]
        if len(after):
            placed.append((after["period_label"].iloc[0], note))
    return placed


def _note_words(note) -> str:
    kind = " (change of process)" if bool(note.change_of_process) else ""
    about = "" if isinstance(note.indicator_code, str) else f" (the {note.theme_board} board)"
    return f"note {note.note_id}, {note.period_label}{about}{kind}: {note.note}"


def _mark_notes(fig: go.Figure, notes: pd.DataFrame | None, current: pd.DataFrame) -> None:
    """Each note a dotted line at its period, named at the top of the plot just right of the line: inside the plot,
    on a white ground, so that it never lies over the legend above the plot."""
    for label, note in _noted_at(notes, current):
        fig.add_shape(type="line", x0=label, x1=label, xref="x", y0=0, y1=1, yref="paper",
                      line=dict(color=NOTE_COLOUR, width=1.5, dash="dot"))  # fmt: skip
        fig.add_annotation(x=label, y=1, yref="paper", xanchor="left", yanchor="top", xshift=3, showarrow=False,
                           text=f"note {note.note_id}", hovertext=literal(_note_words(note)),
                           bgcolor="rgba(255,255,255,0.9)", font=dict(size=12, color=NOTE_COLOUR))  # fmt: skip


OTHER_AREAS = "#C8C8C8"
"""The other areas' bars in a benchmark: light, so that the area's own (dark, hatched and named) stands out."""


def benchmark_chart(found: Benchmark, area: str) -> go.Figure:
    """Every reporting area's actual as a bar, best first (whichever way is better); the area's own bar dark,
    hatched and named above it, the others light. Area names are written under the bars up to 30 areas."""
    rows = found.rows
    mine = (rows["area"] == area).tolist()
    fig = go.Figure(
        go.Bar(
            x=[f"{r} · {literal(a)}" for r, a in zip(rows["rank"], rows["area"], strict=True)],
            y=rows["actual"].astype(float).tolist(),
            marker=dict(
                color=[TEXT_COLOUR if m else OTHER_AREAS for m in mine],
                pattern=dict(shape=["/" if m else "" for m in mine], fgcolor="#FFFFFF"),
            ),
            customdata=rows[["quartile"]].to_numpy(),
            hovertemplate="%{x}: %{y}<br>quartile %{customdata[0]}<extra></extra>",
        )
    )
    for row in rows[rows["area"] == area].itertuples(index=False):
        fig.add_annotation(
            x=f"{row.rank} · {literal(row.area)}",
            y=float(row.actual),
            text=f"{literal(row.area)}: rank {row.rank} of {len(rows)}, quartile {row.quartile}",
            showarrow=True,
            arrowhead=2,
            font=dict(color=TEXT_COLOUR),
        )
    better = "lower" if found.polarity == Polarity.LOWER_IS_BETTER.value else "higher"
    fig.update_layout(
        height=360,
        xaxis=dict(title=f"Areas, best first ({better} is better)", showticklabels=len(rows) <= 30),
        yaxis=dict(title=f"Actual, {found.period}"),
        margin=dict(l=10, r=10, t=40, b=40),
        font=FONT,
        showlegend=False,
    )
    return _readable(fig)


def forecast_chart(actuals: pd.DataFrame, found: pd.Series, year_end: str) -> go.Figure:
    """This year's actuals as a solid line, the projection to the year's end dashed from the latest actual, its band
    as an error bar, and the year's target as a dotted line."""
    # Every period from the first actual's on has its place on the axis, one without an actual too: a projection
    # from Q2 to Q4 is drawn over Q3, not as one step.
    held = dict(zip(actuals["period_label"], actuals["actual"].astype(float), strict=True))
    periods = year_periods(actuals, year_end)
    x = periods[: periods.index(actuals["period_label"].iloc[-1]) + 1]
    y = [held.get(label) for label in x]
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines+markers", line=dict(color=ACTUAL_COLOUR, width=2),
                               connectgaps=True, name="actual", hovertemplate="%{x}: %{y}<extra></extra>"))  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[x[-1], year_end],
            y=[y[-1], float(found["projected"])],
            mode="lines+markers",
            line=dict(color=ACTUAL_COLOUR, width=2, dash="dash"),
            marker=dict(symbol=["circle", "diamond-open"], size=[6, 12]),
            error_y=dict(type="data", symmetric=False, array=[0, float(found["high"]) - float(found["projected"])],
                         arrayminus=[0, float(found["projected"]) - float(found["low"])], color=ACTUAL_COLOUR),
            name=f"projection ({found['outlook'] or 'no target'})",
            hovertemplate="%{x}: projected %{y}<extra></extra>",
        )
    )  # fmt: skip
    if _given(found.get("year_target")):
        fig.add_trace(go.Scatter(x=[x[0], year_end], y=[float(found["year_target"])] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, dash="dot", width=2), name="the year's target",
                                 hovertemplate="target %{y}<extra></extra>"))  # fmt: skip
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=30, b=30), font=FONT,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02),  # above the plot, however many rows
                      xaxis=dict(title="period", categoryorder="array", categoryarray=periods))  # fmt: skip
    return _readable(fig)


def year_periods(actuals: pd.DataFrame, year_end: str) -> list[str]:
    """The label of every period from the first actual's to the year's end, in order (a quarterly or a monthly
    target's, by the year end's label): a held period keeps its own label, one without an actual gets its
    cycle's."""
    frequency = Frequency.QUARTERLY if re.search(r"Q[1-4]$", year_end) else Frequency.MONTHLY
    labels = dict(zip(actuals["period_end"], actuals["period_label"], strict=True))
    first = actuals["period_end"].iloc[0]
    last_day = cycle_of(first, Frequency.ANNUAL).end
    periods, day = [], first
    while day <= last_day:
        cycle = cycle_of(day, frequency)
        periods.append(labels.get(cycle.end, cycle.label))
        day = cycle.end + timedelta(days=1)
    return [*periods[:-1], year_end]


def forecast_text(actuals: pd.DataFrame, found: pd.Series, year_end: str) -> ChartText:
    """forecast_chart's alternative: the sentence the page gives and the figures drawn."""
    rows = [{"Period": p, "Actual": _figure(a), "Projected": "", "Band": ""}
            for p, a in zip(actuals["period_label"], actuals["actual"].astype(float), strict=True)]  # fmt: skip
    rows.append({"Period": year_end, "Actual": "", "Projected": _figure(found["projected"]),
                 "Band": f"{_figure(found['low'])} to {_figure(found['high'])}"})  # fmt: skip
    return ChartText(forecast_sentence(found, year_end), pd.DataFrame(rows))


def forecast_sentence(found: pd.Series, year_end: str) -> str:
    """'Projected for 2009/10 Q4: 110 (90 to 130) against the year's target of 100: on track.'"""
    said = (
        f"Projected for {year_end}: {_figure(found['projected'])} ({_figure(found['low'])} to {_figure(found['high'])})"
    )
    if _given(found.get("year_target")):
        said += f" against the year's target of {_figure(found['year_target'])}: {found['outlook']}"
    return said + "."


def _readable(fig: go.Figure) -> go.Figure:
    """Axis labels in the page's text colour: Streamlit's chart theme greys them below a 4.5:1 contrast."""
    for axes in (fig.update_xaxes, fig.update_yaxes):
        axes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    return fig


def _given(value) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and value != value) and str(value).strip() != ""


# --- Text alternatives ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartText:
    """What a chart shows, for a reader who cannot see it: one plain-text sentence, and the table of the figures
    it draws (the page shows the sentence beside the chart and the table one click away)."""

    sentence: str
    figures: pd.DataFrame


def mix_words(counts: dict[Status, int], total: int) -> str:
    """'9 red, 3 amber, 10 green, 4 data awaited of 26 targets'."""
    parts = ", ".join(f"{counts.get(status, 0)} {status.value}" for status in STATUSES)
    return f"{parts} of {total} target{'' if total == 1 else 's'}"


def _header(status: Status) -> str:
    return f"{STATUS_SYMBOL[status]} {status.value.capitalize()}"


def board_mix_text(boards: pd.DataFrame, ranked: pd.DataFrame | None = None, by: str = "theme_board") -> ChartText:
    """board_mix's alternative: each board's (or area's) counts by status, in the chart's order."""
    word, heading = BY_WORDS[by]
    if ranked is not None:
        boards = boards.set_index(by).loc[ranked[by]].reset_index()
        names = [f"{int(r)} · {b}" for r, b in zip(ranked["rank"], ranked[by], strict=True)]
        lead = f"Each {word}'s targets by status, {word}s ranked best first"
    else:
        names = [str(b) for b in boards[by]]
        lead = f"Each {word}'s targets by status"
    described = [
        f"{name}: {mix_words({s: int(row[c]) for c, s in COUNT_COLUMNS.items()}, int(row['targets']))}"
        for name, row in zip(names, boards.to_dict("records"), strict=True)
    ]
    figures = pd.DataFrame({heading: names})
    for column, status in COUNT_COLUMNS.items():
        figures[_header(status)] = boards[column].astype(int).tolist()
        figures[f"{_header(status)} %"] = [f"{v:.1f}" for v in boards[f"{column}_pct"].astype(float)]
    figures["Targets"] = boards["targets"].astype(int).tolist()
    return ChartText(f"{lead}: " + "; ".join(described) + ".", figures)


def benchmark_text(found: Benchmark, area: str) -> ChartText:
    """benchmark_chart's alternative: where the area stands, the best and the worst, and every area's figures."""
    rows = found.rows
    better = "lower" if found.polarity == Polarity.LOWER_IS_BETTER.value else "higher"
    place = found.place(area)
    where = (
        f"{area} has no actual for {found.period}"
        if place is None
        else f"{area} is rank {place['rank']} of {len(rows)}, quartile {place['quartile']}"
    )
    best, worst = rows.iloc[0], rows.iloc[-1]
    sentence = (
        f"{found.code} in {found.period} across the {len(rows)} areas that reported it, best first ({better} is "
        f"better): {where}; the best is {best['area']} ({_figure(float(best['actual']))}), the worst "
        f"{worst['area']} ({_figure(float(worst['actual']))})."
    )
    figures = pd.DataFrame(
        {
            "Rank": rows["rank"].astype(int),
            "Area": rows["area"],
            "Actual": [_figure(float(a)) for a in rows["actual"]],
            "Quartile": rows["quartile"].astype(int),
            "Status": [status_label(Status(s)) for s in rows["status"]],
        }
    )
    return ChartText(sentence, figures)


def mix_trend_text(mix: pd.DataFrame) -> ChartText:
    """mix_trend's alternative: the partnership's counts by status as at each quarter held, oldest first."""
    quarters = mix["period_label"].drop_duplicates().tolist()
    rows, described = [], []
    for quarter in quarters:
        held = mix[mix["period_label"] == quarter].set_index("status")
        counts = {s: int(held["targets"].get(s.value, 0)) for s in STATUSES}
        total = sum(counts.values())
        described.append(f"{quarter}: {mix_words(counts, total)}")
        row = {"Quarter": quarter}
        for status in STATUSES:
            row[_header(status)] = counts[status]
            row[f"{_header(status)} %"] = f"{float(held['pct'].get(status.value, 0.0)):.1f}"
        rows.append({**row, "Targets": total})
    sentence = "The partnership's targets by status as at the end of each quarter held, oldest first: "
    return ChartText(sentence + "; ".join(described) + ".", pd.DataFrame(rows))


def target_history_text(target: pd.Series, versions: pd.DataFrame, notes: pd.DataFrame | None = None) -> ChartText:
    """target_history's alternative: each period's target, amber band, actual and status, and the earlier
    version of any value corrected since (rolled-back values are not drawn, so not described)."""
    current = versions[versions["is_current"].astype(bool)].sort_values("period_end")
    withdrawn = versions["rolled_back_at"].notna() if "rolled_back_at" in versions else False
    old = versions[~versions["is_current"].astype(bool) & ~withdrawn]
    old = old[pd.to_numeric(old["actual"], errors="coerce").notna()]
    polarity = Polarity(target["polarity"]) if _given(target.get("polarity")) else Polarity.HIGHER_IS_BETTER
    tol = float(target["tolerance_pct"]) if _given(target.get("tolerance_pct")) else DEFAULT_TOLERANCE_PCT
    rows, described = [], []
    for row in current.to_dict("records"):
        goal, actual = _value(row["target_value"]), _value(row["actual"])
        earlier = [_figure(v) for v in old[old["period_label"] == row["period_label"]]["actual"]]
        status = Status(row["status"]) if _given(row.get("status")) else Status.DATA_AWAITED
        band = "" if goal is None else " to ".join(map(_figure, sorted((goal, amber_floor(goal, tol, polarity)))))
        rows.append(
            {
                "Period": row["period_label"],
                "Target": "" if goal is None else _figure(goal),
                "Amber band": band,
                "Actual": "" if actual is None else _figure(actual),
                "Status": status_label(status),
                "Earlier versions": ", ".join(earlier),
            }
        )
        said = f"actual {_figure(actual)}" if actual is not None else "no actual"
        if earlier:
            said += f" (corrected from {', '.join(earlier)})"
        said += f", target {_figure(goal)}" if goal is not None else ", no target"
        described.append(f"{row['period_label']}: {said}, {status.value}")
    better = "lower" if polarity is Polarity.LOWER_IS_BETTER else "higher"
    lead = (
        f"{target['indicator_code']}'s actual against its target over {len(rows)} "
        f"period{'' if len(rows) == 1 else 's'} ({better} is better; amber within {tol:g}% of target)"
    )
    sentence = (f"{lead}: " + "; ".join(described) + ".") if rows else f"{lead}."
    table = pd.DataFrame(rows)
    placed = _noted_at(notes, current)
    if placed:
        sentence += " Notes: " + "; ".join(_note_words(note) for _, note in placed) + "."
        words = {}
        for label, note in placed:
            words[label] = "; ".join(filter(None, [words.get(label), _note_words(note)]))
        table["Notes"] = table["Period"].map(words).fillna("")
    return ChartText(sentence, table)


def _value(value) -> float | None:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else float(number)


def _figure(value: float) -> str:
    """10.5, 11.025, 1,200: a figure as the tables write it."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.3f}".rstrip("0").rstrip(".")


LIMIT_COLOUR = "#595959"
SIGNAL_STYLE = {
    "improving": dict(symbol="circle", size=13, color="#1F5FA8", line=dict(color="#0B2E59", width=1)),
    "concerning": dict(symbol="diamond", size=14, color="#E07B00", line=dict(color="#5C3200", width=1)),
}
"""A special cause's points: blue circles when improving, orange diamonds when concerning (never colour alone)."""


def xmr_figure(chart: Chart, notes: pd.DataFrame | None = None) -> go.Figure:
    """A target's XmR chart: its actuals, each phase's mean and natural process limits, the target, special-cause
    points marked improving or concerning, and each note a dotted line at its period."""
    points = chart.points
    x = points["period"].tolist()
    fig = go.Figure()
    for number, phase in enumerate(chart.phases):
        span = x[phase.start : phase.stop]
        first = number == 0
        for y, name, dash in ((phase.upper, "process limits", "dash"), (phase.lower, None, "dash"),
                              (phase.mean, "mean", "solid")):  # fmt: skip
            fig.add_trace(go.Scatter(x=span, y=[y] * len(span), mode="lines", name=name or "process limits",
                                     line=dict(color=LIMIT_COLOUR, dash=dash, width=1.5),
                                     showlegend=first and name is not None, legendgroup=name or "process limits",
                                     hovertemplate=f"{name or 'lower limit'} %{{y:.4g}}<extra></extra>"))  # fmt: skip
    if chart.target is not None:
        line = dict(color=TARGET_COLOUR, dash="dashdot", width=2)
        fig.add_trace(go.Scatter(x=x, y=[chart.target] * len(x), mode="lines", name="target", line=line,
                                 hoverinfo="skip"))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=points["actual"].astype(float).tolist(), mode="lines+markers", name="actual",
                             line=dict(color=ACTUAL_COLOUR, width=2), marker=dict(size=6, color=ACTUAL_COLOUR),
                             hovertemplate="%{x}<br>actual %{y}<extra></extra>"))  # fmt: skip
    for signal, style in SIGNAL_STYLE.items():
        rows = points[points["signal"] == signal]
        if len(rows):
            fig.add_trace(go.Scatter(x=rows["period"].tolist(), y=rows["actual"].astype(float).tolist(),
                                     mode="markers", marker=style, name=f"special cause, {signal}",
                                     customdata=[literal(causes_in_words(r)) for r in rows["rules"]],
                                     hovertemplate="%{x}<br>%{y}: %{customdata}<extra></extra>"))  # fmt: skip
    _mark_notes(fig, notes, points.rename(columns={"period": "period_label"}))
    fig.update_layout(
        height=380,
        xaxis=dict(type="category", categoryorder="array", categoryarray=x, title="period"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=50, b=40),
        font=FONT,
    )
    return _readable(fig)


def xmr_text(chart: Chart, code: str, notes: pd.DataFrame | None = None) -> ChartText:
    """xmr_figure's alternative: each point with its phase's mean and limits and any special cause, and the
    variation and assurance in words."""
    points = chart.points
    table = pd.DataFrame({
        "Period": points["period"], "Actual": points["actual"].map(_figure),
        "Mean": points["mean"].map(_figure), "Lower limit": points["lower"].map(_figure),
        "Upper limit": points["upper"].map(_figure), "Special cause": points["rules"].map(causes_in_words),
        "Signal": points["signal"].fillna(""),
    })  # fmt: skip
    phases = "; ".join(
        f"from {points['period'].iloc[p.start]}: mean {_figure(p.mean)}, "
        f"limits {_figure(p.lower)} to {_figure(p.upper)}"
        for p in chart.phases
    )
    flagged = _flagged_runs(points)
    assurance = chart.assurance.value if chart.assurance else f"none ({'; '.join(chart.reasons)})"
    variation = chart.variation.value if chart.variation else "none"
    sentence = (
        f"{code}'s XmR chart over {len(points)} points ({phases}). Variation: {variation}. Assurance: {assurance}."
    )
    if flagged:
        sentence += " Special causes: " + "; ".join(flagged) + "."
    if chart.assurance and chart.reasons:  # a change of process not applied yet: the page says why the limits hold
        said = "; ".join(chart.reasons)
        sentence += f" {said[0].upper()}{said[1:]}."
    placed = _noted_at(notes, points.rename(columns={"period": "period_label"}))
    if placed:
        sentence += " Notes: " + "; ".join(_note_words(note) for _, note in placed) + "."
    return ChartText(sentence, table)


def _flagged_runs(points: pd.DataFrame) -> list[str]:
    """The flagged points in words, consecutive points of the same signal and causes together: '2006/07 Q1 to
    2008/09 Q3 (11 points): improving, in a run of 7 on one side of the mean', '2009/10 Q2 and 2009/10 Q3:
    concerning, outside the limits'."""
    runs: list[tuple[list[str], str, str]] = []
    before = None
    for i, (period, rules, signal) in enumerate(zip(points["period"], points["rules"], points["signal"], strict=True)):
        if not isinstance(signal, str) or not signal:
            continue
        if runs and before == i - 1 and runs[-1][1:] == (signal, rules):
            runs[-1][0].append(period)
        else:
            runs.append(([period], signal, rules))
        before = i
    said = []
    for periods, signal, rules in runs:
        if len(periods) == 1:
            when = periods[0]
        elif len(periods) == 2:
            when = f"{periods[0]} and {periods[1]}"
        else:
            when = f"{periods[0]} to {periods[-1]} ({len(periods)} points)"
        said.append(f"{when}: {signal}, {causes_in_words(rules)}")
    return said
