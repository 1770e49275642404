"""The `laa` command: set up the store, import files, and read the partnership's position."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from dashboard import breakdown, preview, reports
from dashboard.importer import ImportRejected, RollbackRefused, already_loaded, import_bytes, rollback
from dashboard.output import Format, plain, records, to_csv, to_json, to_table
from dashboard.periods import BadPeriod, Period
from dashboard.position import NoData, NoSuchArea, as_at_period, load_position, target_history
from dashboard.rules import STATUS_SYMBOL, parse_status
from dashboard.settings import PROJECT_ROOT, SAMPLE_DATA
from dashboard.store.engine import get_engine
from dashboard.store.queries import batches_frame
from dashboard.store.schema import upgrade

app = typer.Typer(
    help="LAA performance dashboard: a partnership's Local Area Agreement targets by theme board.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DEMO_FILES = ("haringey_demo.csv", "haringey_corrections.csv")
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, csv or json")]
AreaOpt = Annotated[str | None, typer.Option("--area", help="the partnership area (default: the only one held)")]
AsAtOpt = Annotated[str | None, typer.Option("--as-at", help="a period such as 2009/10 Q2 (default: latest)")]


class UserError(Exception):
    """A message for the user, exit status 2."""


def _engine() -> Engine:
    return get_engine()


def _emit(
    fmt: Format, payload: dict, frame: pd.DataFrame, headers: dict[str, str] | None = None, footer: str = ""
) -> None:
    if fmt is Format.json:
        typer.echo(to_json(payload))
    elif fmt is Format.csv:
        typer.echo(to_csv(frame), nl=False)
    else:
        typer.echo(to_table(frame, headers))
        if footer:
            typer.echo(footer)


def _as_at(text: str | None) -> Period | None:
    try:
        return as_at_period(text)
    except BadPeriod as exc:
        raise UserError(f"--as-at {text!r}: {exc}") from exc


def _as_at_label(period: Period | None) -> str | None:
    return period.label if period else None


@app.command()
def init() -> None:
    """Create or upgrade the database (Alembic)."""
    engine = _engine()
    revision = upgrade(engine)
    typer.echo(f"database ready ({engine.url.render_as_string(hide_password=True)}, schema {revision})")


@app.command()
def demo(by: Annotated[str, typer.Option(help="recorded as the uploader")] = "demo") -> None:
    """Load the bundled sample partnership (Haringey, 2008/09 Q4 to 2009/10 Q3). Safe to run again."""
    engine = _engine()
    for name in DEMO_FILES:
        path = SAMPLE_DATA / name
        if not path.exists():
            raise UserError(f"the sample data is missing ({path}); run from a checkout of the project")
        data = path.read_bytes()
        if already_loaded(engine, data):
            typer.echo(f"{name}: already loaded, nothing changed")
            continue
        s = import_bytes(engine, data, name, by).summary()
        done = f"batch {s['batch']}" if s["batch"] else "already loaded, nothing changed"
        typer.echo(
            f"{name}: {s['rows_new']} new, {s['rows_changed']} changed, {s['rows_unchanged']} unchanged ({done})"
        )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="a .csv or .xlsx file", exists=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check the file and show the changes; write nothing")
    ] = False,
    area: AreaOpt = None,
    by: Annotated[str | None, typer.Option(help="recorded as the uploader (default: your login)")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import a quarter's file: all or nothing. Exit 0 when stored (or nothing to change), 1 when rejected."""
    if not file.is_file():
        raise UserError(f"no such file: {file}")
    outcome = import_bytes(_engine(), file.read_bytes(), file.name, by or _login(), dry_run=dry_run, area=area)
    s = outcome.summary()
    for warning in s["warnings"]:
        typer.echo(f"warning: {warning}", err=True)
    changes = moves = None
    if dry_run:
        changes, moves = _dry_run_changes(outcome.plan, area)
        s |= {"changes": records(changes, list(changes.columns)), "status_moves": records(moves, list(moves.columns))}
    if fmt is Format.json:
        typer.echo(to_json(s))
        return
    if dry_run:
        verdict = "dry run: the file is valid; nothing was written"
    elif s["batch"]:
        verdict = f"stored as batch {s['batch']}"
    else:
        verdict = "nothing to change: every row matches what is stored"
    typer.echo(
        f"{file.name}: {s['rows_read']} rows read; {s['rows_new']} new, {s['rows_changed']} changed, "
        f"{s['rows_unchanged']} unchanged; {s['targets_new']} new targets, {s['targets_changed']} with changed "
        f"settings. {verdict}."
    )
    if changes is not None and len(changes):
        typer.echo("\nStored figures it would change:")
        typer.echo(
            to_table(
                changes,
                {"indicator_code": "Code", "period": "Period", "field": "Field", "before": "Before", "after": "After"},
            )
        )
    if moves is not None and len(moves):
        typer.echo(f"\nStatus moves it would cause: {'; '.join(preview.move_sentences(moves))}.")
        typer.echo(
            to_table(
                moves,
                {
                    "indicator_code": "Code",
                    "indicator_name": "Indicator",
                    "theme_board": "Theme board",
                    "before": "Before",
                    "after": "After",
                    "move": "Move",
                },
            )
        )


def _dry_run_changes(plan, area: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures a file would replace and the latest statuses it would move."""
    try:
        position = load_position(_engine(), area)
    except (NoData, NoSuchArea):
        position = None
    return preview.changed_rows(plan), preview.status_moves(plan, position)


@app.command()
def summary(fmt: FormatOpt = Format.table, area: AreaOpt = None, as_at: AsAtOpt = None) -> None:
    """The breakdown per theme board: counts and percentages of red, amber, green and data awaited."""
    period = _as_at(as_at)
    position = load_position(_engine(), area)
    boards, total = breakdown.board_breakdown(position.statuses(period))
    payload = {
        "as_at": _as_at_label(period),
        "area": position.area,
        "boards": records(boards, list(boards.columns)),
        "total": {k: plain(v) for k, v in total.items()},
    }
    frame = pd.concat([boards, pd.DataFrame([{"theme_board": "Total", **total}])], ignore_index=True)
    headers = {
        "theme_board": "Theme board",
        "targets": "Targets",
        "data_awaited": "Data awaited",
        "data_awaited_pct": "Data awaited %",
    }
    headers |= {c: c.title() for c in ("red", "amber", "green")}
    headers |= {f"{c}_pct": f"{c.title()} %" for c in ("red", "amber", "green")}
    _emit(fmt, payload, frame, headers, footer=f"\n{position.area}, as at {as_at or 'the latest period held'}")


@app.command()
def ranking(
    basis: Annotated[
        str, typer.Option(help="all: data-awaited targets count in the denominator; rated: left out")
    ] = "all",
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
) -> None:
    """Boards ranked by the share of targets green or amber; ties by red share, then name."""
    if basis not in breakdown.BASES:
        raise UserError(f"--basis {basis!r}: use all or rated")
    period = _as_at(as_at)
    position = load_position(_engine(), area)
    boards, _ = breakdown.board_breakdown(position.statuses(period))
    ranked = breakdown.rank_boards(boards, basis)
    moved = breakdown.bases_disagree(boards)
    other = "rated" if basis == "all" else "all"
    payload = {
        "as_at": _as_at_label(period),
        "area": position.area,
        "basis": basis,
        "ranking": records(ranked, list(ranked.columns)),
        "bases_agree": not moved,
        "boards_placed_differently": moved,
    }
    denominator = "all targets" if basis == "all" else "rated targets only (data awaited left out)"
    note = f"\nRanked by % green or amber of {denominator}; ties by lower red %, then name."
    note += (
        f"\nThe {other} basis orders these boards differently: {', '.join(moved)}."
        if moved
        else f"\nThe {other} basis gives the same order."
    )
    headers = {
        "rank": "Rank",
        "theme_board": "Theme board",
        "green_amber_pct": "Green+amber %",
        "red_pct": "Red %",
        "targets": "Targets",
        "rated": "Rated",
    }
    _emit(fmt, payload, ranked, headers, footer=note)


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
]


@app.command("exceptions")
def exceptions_(
    board: Annotated[str | None, typer.Option(help="one theme board (default: all)")] = None,
    status: Annotated[str, typer.Option(help="red, amber, green or data awaited")] = "red",
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="also write the report to a .pdf, .xlsx or .csv file")
    ] = None,
) -> None:
    """The exception report: targets at one status (red by default) with commentary and remedial action."""
    wanted = parse_status(status)
    if wanted is None:
        raise UserError(f"--status {status!r}: use red, amber, green or data awaited")
    period = _as_at(as_at)
    position = load_position(_engine(), area)
    if board and board.casefold() not in set(position.targets["theme_board"].str.casefold()):
        boards = ", ".join(position.targets["theme_board"].unique())
        raise UserError(f"--board {board!r}: no such theme board (boards: {boards})")
    rows = breakdown.exceptions(position.statuses(period), wanted, board)
    if output is not None:
        label = period.label if period else _latest_label(position)
        _write_report(output, rows, reports.ReportTitle(position.area, _board_name(position, board), wanted, label))
    rows = rows.rename(columns={"period_label": "period", "target_value": "target"})
    payload = {
        "as_at": _as_at_label(period),
        "area": position.area,
        "status": wanted.value,
        "exceptions": records(rows, EXCEPTION_COLUMNS),
    }
    shown = rows[
        [
            "indicator_code",
            "indicator_name",
            "theme_board",
            "period",
            "target",
            "actual",
            "lead_partner",
            "commentary",
        ]
    ]
    title = f"\n{len(rows)} target(s) {STATUS_SYMBOL[wanted]} {wanted.value}"
    _emit(fmt, payload, rows[EXCEPTION_COLUMNS] if fmt is Format.csv else shown, footer=title)


def _latest_label(position) -> str:
    latest = position.latest_quarter()
    return latest.label if latest else "the latest period held"


def _board_name(position, board: str | None) -> str | None:
    if board is None:
        return None
    names = position.targets["theme_board"]
    return names[names.str.casefold() == board.casefold()].iloc[0]


def _write_report(path: Path, rows: pd.DataFrame, title) -> None:
    makers = {
        ".pdf": lambda: reports.exception_pdf(rows, title),
        ".xlsx": lambda: reports.exception_xlsx(rows, title),
        ".csv": lambda: reports.exception_csv(rows),
    }
    make = makers.get(path.suffix.lower())
    if make is None:
        raise UserError(f"--output {path.name!r}: name a .pdf, .xlsx or .csv file")
    try:
        path.write_bytes(make())
    except OSError as exc:
        raise UserError(f"--output {str(path)!r}: cannot write the file ({exc.strerror})") from exc
    typer.echo(f"wrote {path} ({len(rows)} target(s))", err=True)


@app.command()
def history(
    code: Annotated[str, typer.Argument(help="the indicator code, e.g. 'NI 117'")],
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
) -> None:
    """Every period and every stored version of one target."""
    engine = _engine()
    position = load_position(engine, area)
    try:
        target, versions = target_history(engine, position, code)
    except LookupError as exc:
        raise UserError(str(exc.args[0])) from exc
    versions = versions.rename(columns={"period_label": "period", "target_value": "target", "is_current": "current"})
    versions["current"] = versions["current"].astype(bool)
    versions["rolled_back"] = versions["rolled_back_at"].notna()
    columns = [
        "period",
        "target",
        "actual",
        "status",
        "commentary",
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
    _emit(
        fmt,
        payload,
        versions[columns],
        footer=f"\n{target['indicator_code']} {plain(target['indicator_name']) or ''} ({target['theme_board']})",
    )


@app.command()
def batches(fmt: FormatOpt = Format.table) -> None:
    """Every upload batch, newest first: who, when, which file, what it changed."""
    engine = _engine()
    upgrade(engine)
    with engine.connect() as conn:
        frame = batches_frame(conn)
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
    _emit(fmt, {"batches": records(frame, columns)}, frame[columns])


@app.command("rollback")
def rollback_(
    batch: Annotated[int, typer.Argument(help="the batch id from `laa batches`")],
    by: Annotated[str | None, typer.Option(help="recorded as who rolled back")] = None,
) -> None:
    """Undo one upload batch: the values it replaced become current again."""
    result = rollback(_engine(), batch, by or _login())
    typer.echo(
        f"batch {batch} rolled back: {result['values_withdrawn']} values withdrawn, "
        f"{result['targets_removed']} targets it created removed"
    )


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="the port to listen on")] = 8501,
    address: Annotated[str, typer.Option(help="the address to listen on")] = "localhost",
) -> None:
    """Start the dashboard (Streamlit) in the browser."""
    upgrade(_engine())
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        address,
    ]
    raise typer.Exit(subprocess.call(command, cwd=PROJECT_ROOT))


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def main() -> None:
    """Entry point: known problems become one clear line on stderr, never a traceback."""
    try:
        app(standalone_mode=False)
    except ImportRejected as exc:
        typer.echo(f"rejected: {len(exc.problems)} problem(s) in the file; nothing was written.", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem.message()}", err=True)
        for warning in exc.warnings:
            typer.echo(f"warning: {warning.message()}", err=True)
        sys.exit(1)
    except (UserError, NoSuchArea, RollbackRefused) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except NoData as exc:
        typer.echo(str(exc), err=True)
        sys.exit(2)
    except OperationalError as exc:
        typer.echo(f"error: cannot use the database: {' '.join(str(exc.orig).split())}", err=True)
        sys.exit(3)
    except SQLAlchemyError as exc:
        typer.echo(f"error: the database refused the request: {exc.__class__.__name__}", err=True)
        sys.exit(3)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click's usage errors and anything unforeseen: one line, no traceback
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        typer.echo(f"error: {exc.__class__.__name__}: {exc}", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
