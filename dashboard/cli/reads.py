"""The commands that read the partnership's position: `laa summary`, `ranking`, `exceptions`, `history`, `spc`,
`areas`, `batches`."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from dashboard.domain.periods import Period
    from dashboard.read.position import Position

from dashboard.cli.base import (
    AreaOpt,
    AsAtOpt,
    Format,
    FormatOpt,
    UserError,
    as_at_label,
    as_at_of,
    emit,
    engine_of,
    read_query,
)

AllAreasOpt = Annotated[bool, typer.Option("--all-areas", help="every area held, one row each (not with --area)")]
ByDistrictOpt = Annotated[
    bool, typer.Option("--by-district", help="the districts of the county --area names, one row each")
]


def summary(
    ctx: typer.Context,
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
    all_areas: AllAreasOpt = False,
    by_district: ByDistrictOpt = False,
) -> None:
    """The breakdown per theme board (or per area, or per district): counts and percentages of red, amber, green and
    data awaited."""
    from dashboard.domain.output import plain, records
    from dashboard.read import breakdown
    from dashboard.read.views import BY_HEADING

    rows, total, by, scope, period = _breakdown(ctx, area, as_at, all_areas, by_district)
    payload = {"as_at": as_at_label(period)}
    if by == "theme_board":
        payload |= {"area": scope, "boards": records(rows, list(rows.columns))}
    elif by_district:
        payload |= {"area": scope, "districts": records(rows, list(rows.columns))}
    else:
        payload |= {"areas": records(rows, list(rows.columns))}
    payload["total"] = {k: plain(v) for k, v in total.items()}
    headers = {
        by: "District" if by_district else BY_HEADING[by],
        "targets": "Targets",
        "data_awaited": "Data awaited",
        "data_awaited_pct": "Awaited %",  # "Data awaited %" would take the table past 100 columns
    }
    headers |= {c: c.title() for c in ("red", "amber", "green")}
    headers |= {f"{c}_pct": f"{c.title()} %" for c in ("red", "amber", "green")}
    as_at_text = period.label if period else "the latest period held"
    scope += f"'s {len(rows)} districts" if by_district else ""
    emit(fmt, payload, breakdown.with_total(rows, total, by), headers, footer=f"\n{scope}, as at {as_at_text}")


def _breakdown(
    ctx: typer.Context, area: str | None, as_at: str | None, all_areas: bool, by_district: bool = False
) -> "tuple[pd.DataFrame, dict, str, str, Period | None]":
    """Rule 3 for one area's boards, with --all-areas for every area, or with --by-district for a county's
    districts: (rows, total, the rows' column, what they are of, the period as at)."""
    from dashboard.read import breakdown
    from dashboard.read.position import every_area_statuses

    if by_district:
        return _by_district(ctx, area, as_at, all_areas)
    if all_areas:
        if area:
            raise UserError("--area and --all-areas: give one or the other")
        statuses, period = every_area_statuses(engine_of(ctx), as_at_of(ctx, as_at))
        areas, total = breakdown.area_breakdown(statuses)
        return areas, total, "area", f"{len(areas)} areas", period
    statuses, scope, period = _board_statuses(ctx, area, as_at)
    boards, total = breakdown.board_breakdown(statuses)
    return boards, total, "theme_board", scope, period


def _board_statuses(
    ctx: typer.Context, area: str | None, as_at: str | None
) -> "tuple[pd.DataFrame, str, Period | None]":
    """One area's targets with their statuses as at --as-at (rule 2): (statuses, the area, the period as at)."""
    from dashboard.read.position import load_position

    position = load_position(engine_of(ctx), area)
    period = as_at_of(ctx, as_at, position) or position.latest_quarter()
    return position.statuses(period), position.area, period


def _by_district(
    ctx: typer.Context, area: str | None, as_at: str | None, all_areas: bool
) -> "tuple[pd.DataFrame, dict, str, str, Period | None]":
    from dashboard.read.districts import NoDistricts, district_breakdown, districts

    if all_areas:
        raise UserError("--by-district and --all-areas: give one or the other")
    try:
        (_, county), held = districts(engine_of(ctx), area)
        rows, total, period = district_breakdown(engine_of(ctx), county, as_at_of(ctx, as_at))
    except NoDistricts as error:
        raise UserError(str(error)) from None
    return rows, total, "area", county, period


def ranking(
    ctx: typer.Context,
    basis: Annotated[
        str, typer.Option(help="all: data-awaited targets count in the denominator; rated: left out")
    ] = "all",
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
    all_areas: AllAreasOpt = False,
    by_district: ByDistrictOpt = False,
    what_if: Annotated[
        bool,
        typer.Option(
            "--what-if",
            help="for each board, the fewest red or data-awaited targets that would have to turn amber or green "
            "for it to pass the board above, and which (one area's boards only)",
        ),
    ] = False,
) -> None:
    """Boards ranked by the share of targets green or amber; ties by red share, then name. With --all-areas, the
    areas; with --by-district, a county's districts."""
    from dashboard.domain.output import records
    from dashboard.read import breakdown
    from dashboard.read.views import BY_HEADING

    if basis not in breakdown.BASES:
        raise UserError(f"--basis {basis!r}: use all or rated")
    if what_if and (all_areas or by_district):
        raise UserError("--what-if ranks one area's boards: not with --all-areas or --by-district")
    statuses = None
    if what_if:
        statuses, scope, period = _board_statuses(ctx, area, as_at)
        rows, _ = breakdown.board_breakdown(statuses)
        by = "theme_board"
    else:
        rows, _, by, scope, period = _breakdown(ctx, area, as_at, all_areas, by_district)
    other = breakdown.OTHER_BASIS[basis]
    ranked, others = breakdown.rank_boards(rows, basis, by), breakdown.rank_boards(rows, other, by)
    moved = breakdown.bases_disagree(rows, by)
    payload = {"as_at": as_at_label(period)}
    word = "boards" if by == "theme_board" else "districts" if by_district else "areas"
    payload |= {"areas": len(rows)} if word == "areas" else {"area": scope}
    payload |= {"districts": len(rows)} if by_district else {}
    payload |= {
        "basis": basis,
        "ranking": records(ranked, list(ranked.columns)),
        "bases_agree": not moved,
        f"{word}_placed_differently": moved,
        "other_basis": other,
        "other_basis_ranking": records(others, list(others.columns)),
    }
    # Both orders side by side: each board's place on the other basis is a column of its own.
    shown = ranked.assign(other_basis_rank=ranked[by].map(others.set_index(by)["rank"]))
    headers = {
        "rank": "Rank",
        by: "District" if by_district else BY_HEADING[by],
        "green_amber_pct": "Green+amber %",
        "red_pct": "Red %",
        "targets": "Targets",
        "rated": "Rated",
        "other_basis_rank": OTHER_RANK_HEADING[basis],
    }
    footer = _ranking_note(basis, others[by], moved)
    if statuses is not None:
        payload["ranking"], shown, footer = _with_what_if(statuses, basis, payload["ranking"], shown, footer)
        headers |= {"moves_needed": "Moves needed", "to_move": "To move"}
    emit(fmt, payload, shown, headers, footer=footer)


def _with_what_if(
    statuses: "pd.DataFrame", basis: str, ranking: list[dict], shown: "pd.DataFrame", footer: str
) -> "tuple[list[dict], pd.DataFrame, str]":
    """--what-if: each board's moves_needed and to_move (its codes; JSON also gives the sentence as what_if), as
    keys of its ranking entry and columns of the table, and the sentences under the table."""
    from dashboard.domain.output import plain
    from dashboard.read.whatif import what_if

    answers = what_if(statuses, basis).set_index("theme_board")
    ranking = [
        entry
        | {
            "moves_needed": plain(answers.at[entry["theme_board"], "moves_needed"]),
            "to_move": list(answers.at[entry["theme_board"], "to_move"]),
            "what_if": answers.at[entry["theme_board"], "sentence"],
        }
        for entry in ranking
    ]
    shown = shown.assign(
        moves_needed=shown["theme_board"].map(answers["moves_needed"]).astype("Int64"),
        to_move=shown["theme_board"].map(lambda board: ", ".join(answers.at[board, "to_move"])),
    )
    footer += "\nWhat it would take to move up a place:\n" + "\n".join(answers["sentence"])
    return ranking, shown, footer


BASIS_WORDS = {"all": "all targets", "rated": "rated targets only (data awaited left out)"}
OTHER_RANK_HEADING = {"all": "Rank if rated only", "rated": "Rank on all targets"}


def _ranking_note(basis: str, others: "pd.Series", moved: list[str]) -> str:
    """Name the basis of the table's order, then give the other basis's whole order, named as such."""
    from dashboard.read.breakdown import OTHER_BASIS

    other = OTHER_BASIS[basis]
    note = f"\nRanked by % green or amber of {BASIS_WORDS[basis]}; ties by lower red %, then name."
    if not moved:
        return f"{note}\nOn {BASIS_WORDS[other]} the order is the same."
    return f"{note}\nOn {BASIS_WORDS[other]} the order is: {', '.join(others)}."


EXCEPTION_COLUMNS = [
    "indicator_code",
    "indicator_name",
    "theme_board",
    "status",
    "period",
    "target",
    "actual",
    "commentary",
    "remedial_action",
    "lead_partner",
    "variation",
    "assurance",
]


def exceptions_(
    ctx: typer.Context,
    board: Annotated[str | None, typer.Option(help="one theme board (default: all)")] = None,
    status: Annotated[str, typer.Option(help="red, amber, green or data awaited")] = "red",
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="write the board paper to a .pdf, .xlsx or .csv file (not the table)"),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            help="the paper's quartiles: the comparator group of the area to rank its targets in, or 'All areas' "
            "(default: the area's first group by name)"
        ),
    ] = None,
) -> None:
    """The exception report: targets at one status (red by default) with commentary and remedial action, and each
    target's variation and assurance (`laa spc`), or why it has none (fewer than 12 points).

    With --output, the board paper of exactly these targets is written and one line says what it holds; with more
    than one area held, it shows each target's quartile."""
    from dashboard.domain.names import find_name
    from dashboard.domain.output import records
    from dashboard.domain.rules import parse_status, status_label
    from dashboard.read import breakdown
    from dashboard.read.position import load_position

    wanted = parse_status(status)
    if wanted is None:
        raise UserError(f"--status {status!r}: use red, amber, green or data awaited")
    position = load_position(engine_of(ctx), area)
    period = as_at_of(ctx, as_at, position) or position.latest_quarter()
    if board is not None:
        boards = position.targets["theme_board"].unique().tolist()
        board = find_name(boards, board) or _no_such_board(board, boards)
    rows = breakdown.exceptions(position.statuses(period), wanted, board)
    signed = _sign_off_sentence(engine_of(ctx), position, period, board)
    if output is not None:
        from dashboard.papers import reports  # the PDF and workbook libraries: only when a paper is asked for

        quartiles = _paper_quartiles(engine_of(ctx), position, period, group)
        _write_report(output, position, period, board, rows, reports.describe(len(rows), wanted), signed, quartiles)
        return
    rows = _with_spc_words(rows.rename(columns={"period_label": "period", "target_value": "target"}), position, period)
    payload = {
        "as_at": as_at_label(period),
        "area": position.area,
        "status": wanted.value,
        "exceptions": records(rows, EXCEPTION_COLUMNS),
    }
    if board is not None:
        payload["sign_off"] = signed
    shown = rows[
        [
            "indicator_code",
            "indicator_name",
            "theme_board",
            "period",
            "target",
            "actual",
            "Variation",
            "Assurance",
            "lead_partner",
            "commentary",
        ]
    ]
    title = f"\n{len(rows)} target(s) {status_label(wanted)}" + (f". {signed}." if signed else "")
    emit(fmt, payload, rows[EXCEPTION_COLUMNS] if fmt is Format.csv else shown, footer=title)


def _with_spc_words(rows: "pd.DataFrame", position: "Position", period: "Period | None") -> "pd.DataFrame":
    """The exceptions with their variation and assurance: in words (variation, assurance: for CSV and JSON) and with
    their marks as the board page shows them (Variation, Assurance: for the table)."""
    from dashboard.read.spc import spc_as_at
    from dashboard.read.views import spc_columns, with_spc

    summary = spc_as_at(position, period)
    variation, assurance = spc_columns(rows["target_id"], summary, marks=False)
    return with_spc(rows.assign(variation=variation, assurance=assurance), summary)


def _no_such_board(board: str, boards: list[str]) -> NoReturn:
    raise UserError(f"--board {board!r}: no such theme board (boards: {', '.join(boards)})")


def _sign_off_sentence(
    engine: "Engine", position: "Position", period: "Period | None", board: str | None
) -> str | None:
    """Whether the board's quarter is signed off, and by whom; None for a report of every board."""
    from dashboard.read.movement import resolve_as_at
    from dashboard.write.signoff import sign_off_sentence, signed_off

    if board is None:
        return None
    quarter = resolve_as_at(position, period)
    if quarter is None:
        return None
    return sign_off_sentence(signed_off(engine, position.area, board, quarter), board, quarter)


def _paper_quartiles(engine: "Engine", position: "Position", period: "Period | None", group: str | None):
    """The quartiles a paper shows, within the group asked for (default: the area's first); None with one area."""
    from dashboard.domain.names import find_name
    from dashboard.read.benchmark import area_quartiles, chosen_group, quartile_choices, several_areas

    if period is None or not several_areas(engine):
        return None
    choices = quartile_choices(engine, position)
    chosen = choices[0] if group is None else find_name(choices, group)
    if chosen is None:
        raise UserError(
            f"--group {group!r}: {position.area} is in no such comparator group (choose one of: {', '.join(choices)})"
        )
    return area_quartiles(engine, position, period, chosen_group(chosen))


def _write_report(
    path: Path,
    position,
    period: "Period | None",
    board: str | None,
    rows: "pd.DataFrame",
    what: str,
    sign_off_sentence: str | None = None,
    quartiles=None,
) -> None:
    """The board paper of exactly `rows`, as the file's extension says; one line on stdout, not the table."""
    from dashboard.domain.output import visible_controls
    from dashboard.papers import reports

    makers = {".pdf": reports.paper_pdf, ".xlsx": reports.paper_xlsx, ".csv": reports.paper_csv}
    make = makers.get(path.suffix.lower())
    if make is None:
        raise UserError(f"--output {path.name!r}: name a .pdf, .xlsx or .csv file")
    paper = reports.board_paper(position, period, board, rows, what, sign_off=sign_off_sentence, quartiles=quartiles)
    try:
        path.write_bytes(make(paper))
    except OSError as exc:
        raise UserError(f"--output {str(path)!r}: cannot write the file ({exc.strerror})") from exc
    typer.echo(visible_controls(f"wrote {path}: {paper.summary()}"))


def history(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="the indicator code, e.g. 'NI 117'")],
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
) -> None:
    """Every period and every stored version of one target."""
    from dashboard.domain.output import plain, records
    from dashboard.read.annotations import notes_on
    from dashboard.read.position import load_position, target_history
    from dashboard.read.views import notes_by_period

    engine = engine_of(ctx)
    position = load_position(engine, area)
    try:
        target, versions = target_history(engine, position, code)
    except LookupError as exc:
        raise UserError(str(exc.args[0])) from exc
    notes = notes_on(position, target=target["indicator_code"])
    versions["notes"] = notes_by_period(versions["period_end"], notes, target.get("frequency"))
    versions = versions.rename(columns={"period_label": "period", "target_value": "target", "is_current": "current"})
    versions["current"] = versions["current"].astype(bool)
    versions["rolled_back"] = versions["rolled_back_at"].notna()
    columns = [
        "period",
        "target",
        "actual",
        "status",
        "commentary",
        "notes",
        "recorded_at",
        "current",
        "batch_id",
        "recorded_by",
        "rolled_back",
    ]
    payload = {
        "indicator_code": target["indicator_code"],
        "indicator_name": plain(target["indicator_name"]),
        "theme_board": target["theme_board"],
        "area": position.area,
        "history": records(versions, columns),
    }
    footer = f"\n{target['indicator_code']} {plain(target['indicator_name']) or ''} ({target['theme_board']})"
    if fmt is Format.table:
        emit(fmt, payload, _history_table(versions), HISTORY_HEADINGS, footer=footer)
    else:
        emit(fmt, payload, versions[columns], footer=footer)


def benchmark(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="the indicator code, e.g. 'NI 8'")],
    period: Annotated[str | None, typer.Option("--period", help="e.g. 2009/10 Q3 (default: latest reported)")] = None,
    area: Annotated[str | None, typer.Option("--area", help="the area whose place to state under the table")] = None,
    group: Annotated[str | None, typer.Option("--group", help="a comparator group: rank within its areas")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One indicator in one period across every area that reported it (or a comparator group's): each area's rank
    and quartile, best first."""
    from dashboard.domain.names import find_name
    from dashboard.domain.output import records
    from dashboard.domain.periods import BadPeriod, YearWindow
    from dashboard.domain.words import plural
    from dashboard.read.benchmark import QUARTILE_METHOD, NoBenchmark
    from dashboard.read.benchmark import benchmark as benchmark_of
    from dashboard.read.position import as_at_period

    try:
        asked = as_at_period(period, YearWindow.of_settings(ctx.obj.settings))
    except BadPeriod as exc:
        raise UserError(f"--period {period!r}: {exc}") from exc
    try:
        found = benchmark_of(engine_of(ctx), code, asked, group)
    except NoBenchmark as exc:
        raise UserError(str(exc)) from exc
    rows = found.rows.drop(columns="period_label")
    better = "lower" if found.polarity == "lower_is_better" else "higher"
    payload = {
        "indicator_code": found.code,
        "period": found.period,
        "better": better,
        "group": found.group,
        "areas_reporting": len(rows),
        "areas_without_actual": found.silent,
        "quartiles": QUARTILE_METHOD,
        "benchmark": records(rows, list(rows.columns)),
    }
    within = f" of {found.group}" if found.group else ""
    footer = f"\n{found.code}, {found.period}: {plural(len(rows), 'area')}{within} reported; {better} is better."
    if found.silent:
        footer += f" No actual from {', '.join(found.silent)}."
    if area:
        name = find_name(list(found.rows["area"]) + found.silent, area)
        if name is None:
            raise UserError(f"--area {area!r}: no area holding {found.code} has that name")
        place = found.place(name)
        footer += (
            f"\n{name}: no actual for {found.period}."
            if place is None
            else f"\n{name}: rank {place['rank']} of {len(rows)}, quartile {place['quartile']}."
        )
        payload["area"] = name
    footer += f"\nQuartiles: {QUARTILE_METHOD}."
    emit(fmt, payload, rows, BENCHMARK_HEADINGS, footer=footer)


def spc(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="the indicator code, e.g. 'NI 117'")],
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
) -> None:
    """One target's statistical process control chart (XmR): each period's actual with the mean, the natural process
    limits and the special causes it belongs to; the variation and assurance under it."""
    from dashboard.domain.names import find_code, normalise_code
    from dashboard.domain.output import cell_text, plain, records
    from dashboard.read.annotations import process_changes
    from dashboard.read.position import load_position
    from dashboard.read.spc import target_chart

    position = load_position(engine_of(ctx), area)
    period = as_at_of(ctx, as_at, position)
    codes = position.targets["indicator_code"]
    match = position.targets[codes == find_code(codes, code)]
    if match.empty:
        raise UserError(f"no target {normalise_code(code)!r} in {position.area}")
    target = match.iloc[0]
    # As the target page draws it: limits start again at its (and its board's) changes of process.
    changes = process_changes(position, target["indicator_code"])
    chart = target_chart(position, int(target["target_id"]), period, changes=changes)
    points = chart.points.drop(columns="period_end")
    better = "lower" if chart.polarity.value == "lower_is_better" else "higher"
    payload = {
        "area": position.area,
        "indicator_code": target["indicator_code"],
        "indicator_name": plain(target["indicator_name"]),
        "theme_board": target["theme_board"],
        "as_at": as_at_label(period),
        "frequency": chart.frequency.value,
        "better": better,
        "points_held": chart.held,
        "points_needed": chart.needed,
        "target": plain(chart.target),
        "variation": chart.variation.value if chart.variation else None,
        "assurance": chart.assurance.value if chart.assurance else None,
        "reasons": chart.reasons,
        "points": records(points, list(points.columns)),
    }
    name = plain(target["indicator_name"])
    footer = f"\n{target['indicator_code']}{' ' + name if name else ''} ({target['theme_board']}), "
    footer += f"{chart.frequency.value}, {better} is better: {chart.held} actuals held"
    footer += f" up to {period.label}." if period else "."
    if chart.variation:
        footer += f"\nVariation: {chart.variation.value}."
    if chart.assurance:
        footer += f" Assurance against the target of {cell_text(chart.target)}: {chart.assurance.value}."
    for reason in chart.reasons:
        footer += f"\n{reason[0].upper()}{reason[1:]}."
    if fmt is Format.table:
        points = points.assign(**{c: points[c].round(2) for c in ("mean", "upper", "lower")})
    emit(fmt, payload, points, SPC_HEADINGS, footer=footer)


SPC_HEADINGS = {"mean": "Mean", "upper": "Upper", "lower": "Lower", "phase": "Phase", "rules": "Special cause",
                "signal": "Signal"}  # fmt: skip


BENCHMARK_HEADINGS = {"rank": "Rank", "area": "Area", "actual": "Actual", "quartile": "Quartile", "status": "Status"}


HISTORY_HEADINGS = {
    "period": "Period",
    "target": "Target",
    "actual": "Actual",
    "status": "Status",
    "version": "Version",
    "recorded": "Recorded",
    "batch_id": "Batch",
    "recorded_by": "By",
    "notes": "Notes",
    "commentary": "Commentary",
}


def _history_table(versions: "pd.DataFrame") -> "pd.DataFrame":
    """The table view: one word for each version's state and the commentary last, where shortening it shows."""
    import pandas as pd

    state = [
        "rolled back" if undone else "current" if now else "replaced"
        for undone, now in zip(versions["rolled_back"], versions["current"], strict=True)
    ]
    recorded = pd.to_datetime(versions["recorded_at"]).dt.strftime("%Y-%m-%d")
    return versions.assign(version=state, recorded=recorded)[list(HISTORY_HEADINGS)]


def areas(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """The partnership areas held, each with its number of theme boards and targets: the names --area takes."""
    from dashboard.domain.output import records
    from dashboard.store.queries import areas_frame

    frame = read_query(engine_of(ctx), areas_frame)
    emit(
        fmt,
        {"areas": records(frame, list(frame.columns))},
        frame,
        {"area": "Area", "theme_boards": "Theme boards", "targets": "Targets"},
    )


def batches(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Every upload batch, newest first: who, when, which file, what it changed."""
    from dashboard.domain.output import records
    from dashboard.store.queries import batches_frame

    frame = read_query(engine_of(ctx), batches_frame)
    columns = [
        "id",
        "uploaded_at",
        "uploaded_by",
        "file_name",
        "rows_new",
        "rows_changed",
        "rows_unchanged",
        "targets_new",
        "targets_changed",
        "rolled_back_at",
        "rolled_back_by",
    ]
    if fmt is not Format.table:
        emit(fmt, {"batches": records(frame, columns)}, frame[columns])
        return
    footer = "\nNew and Changed count the rows each upload added or changed; --format csv gives every column."
    emit(fmt, {}, _batches_table(frame), BATCH_HEADINGS, footer=footer)


BATCH_HEADINGS = {
    "id": "Batch",
    "uploaded": "Uploaded",
    "uploaded_by": "By",
    "file_name": "File",
    "rows_new": "New",
    "rows_changed": "Changed",
    "targets_new": "New targets",
    "rolled_back": "Rolled back",
}


def _batches_table(frame: "pd.DataFrame") -> "pd.DataFrame":
    """The columns a reader needs, narrow enough for an 80 to 100 column terminal: minutes tell uploads apart."""
    import pandas as pd

    if frame.empty:
        return frame
    undone = pd.to_datetime(frame["rolled_back_at"])
    return frame.assign(
        uploaded=pd.to_datetime(frame["uploaded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        rolled_back=[
            f"{when:%Y-%m-%d} by {who}" if pd.notna(when) else None
            for when, who in zip(undone, frame["rolled_back_by"], strict=True)
        ],
    )[list(BATCH_HEADINGS)]
