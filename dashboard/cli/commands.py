"""The `laa` command: set up the store, import files, and read the partnership's position.

`laa --help` and a usage mistake answer at once: this module loads only Typer and the standard library, and each
command imports what it works with (pandas, SQLAlchemy, the importer, the reports) when it runs. The settings are
read, and the log set up, when a command first needs them.

No `from __future__ import annotations` here: Typer would compile every command's annotations from their text at
each start (a tenth of Python's own start). The few annotations naming what is imported only for type checkers
are quoted instead."""

import contextlib
import getpass
import importlib
import importlib.util
import json
import os
import sys
from dataclasses import replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from typer.core import TyperGroup

from dashboard.logs import log, quiet_driver_logs, setup_logging

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from dashboard.access.permissions import Actor
    from dashboard.domain.periods import Period
    from dashboard.read.position import Position
    from dashboard.settings import Settings

LAZY_MODULES = {
    "breakdown": "dashboard.read.breakdown",
    "preview": "dashboard.write.preview",
    "reports": "dashboard.papers.reports",
    "serving": "dashboard.cli.serving",
}
"""The modules this one used to import whole, still found as its attributes (dashboard.cli.commands.breakdown)."""


def __getattr__(name: str):
    if name in LAZY_MODULES:
        return importlib.import_module(LAZY_MODULES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Format(StrEnum):
    """What --format takes."""

    table = "table"
    csv = "csv"
    json = "json"


class State:
    """What the `laa` callback builds once a command: the settings, read when the command first needs them (so that
    --help and a usage mistake read nothing), and the engine when the command needs one."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._engine: Engine | None = None

    @property
    def settings(self) -> "Settings":
        """The LAA_ settings (UserError when they cannot be read); reading them sets up the log file they name."""
        if self._settings is None:
            from pydantic import ValidationError

            from dashboard.settings import Settings

            try:
                settings = Settings()
            except ValidationError as exc:
                raise UserError(f"the LAA_ settings cannot be read: {_first_error(exc)}") from None
            setup_logging(settings.resolved_log_file(), to_stderr=False)
            self._settings = settings
        return self._settings

    def readable_settings(self) -> "Settings | None":
        """The settings, or None when they cannot be read."""
        try:
            return self.settings
        except UserError:
            return None

    @property
    def engine(self) -> "Engine":
        """The store's engine; a SQLite file that is not there is refused, never made (empty) by a read."""
        return self._make_engine(create=False)

    def creating_engine(self) -> "Engine":
        """The engine of a command that creates the database (`laa init`, `laa serve`): only these make the
        default SQLite file's folder, db/ under this directory."""
        return self._make_engine(create=True)

    def _make_engine(self, *, create: bool) -> "Engine":
        if self._engine is None:
            from dashboard.settings import sqlite_file
            from dashboard.store.engine import make_engine

            url = self.settings.resolved_database_url()
            path = sqlite_file(url)
            if path is not None and not path.exists():
                if not create:
                    raise NoDatabase(f"there is no database at {path}: run `laa init` to create it")
                if not self.settings.database_url:
                    path.parent.mkdir(parents=True, exist_ok=True)
            self._engine = make_engine(url, self.settings.sqlite_busy_timeout_ms)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()  # SQLite checkpoints its write-ahead log into the file


class CommandGroup(TyperGroup):
    """A group of commands whose --help, when not given, is False rather than None: Typer takes a bool flag's bool
    as it is, where it would load pydantic (a tenth of a second) to make None a bool, so that a mistaken command
    name is answered as quickly as --help. (A command's own parameters still go through pydantic.)"""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option


class LaaCommands(CommandGroup):
    """Every command runs inside this: known problems become one clear line on stderr with their exit status,
    never a traceback (that goes to the log file; with LAA_DEBUG=1 an unforeseen error raises)."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except BrokenPipeError:  # `laa --help | head -1`: click would end with 1
            _reader_gone()

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # a usage mistake: click's own message
            raise
        except BrokenPipeError:
            _reader_gone()
        except Exception as exc:
            _fail(ctx, exc)


def _fail(ctx, exc: Exception) -> NoReturn:
    """The one line and exit status for a problem a command raised (called while it is being handled). The
    classes of the package's problems are imported here, not before: by the time one is raised, its module is."""
    from dashboard.domain.output import visible_controls

    if isinstance(exc, UserError):  # before the imports below, which take a second
        typer.echo(f"error: {visible_controls(str(exc))}", err=True)
        raise typer.Exit(2) from None
    if isinstance(exc, NoDatabase):  # nothing to log (a log would make db/ here): the line says what to run
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from None

    from sqlalchemy.exc import SQLAlchemyError

    from dashboard.access.accounts import AccountProblem
    from dashboard.access.permissions import PermissionDenied
    from dashboard.read.position import NoData, NoSuchArea
    from dashboard.store.engine import DatabaseUnusable
    from dashboard.write.demo import DemoMissing
    from dashboard.write.importer import ImportRejected, RollbackRefused
    from dashboard.write.signoff import SignOffProblem

    if isinstance(exc, ImportRejected):
        typer.echo(f"rejected: {len(exc.problems)} problem(s) in the file; nothing was written.", err=True)
        for problem in exc.problems:
            typer.echo(f"  {visible_controls(problem.message())}", err=True)
        for warning in exc.warnings:
            typer.echo(f"warning: {visible_controls(warning.message())}", err=True)
        raise typer.Exit(1) from None
    if isinstance(exc, (NoSuchArea, RollbackRefused, DemoMissing, AccountProblem, PermissionDenied, SignOffProblem)):
        typer.echo(f"error: {visible_controls(str(exc))}", err=True)
        raise typer.Exit(2) from None
    if isinstance(exc, NoData):
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if isinstance(exc, (DatabaseUnusable, SQLAlchemyError)):
        log.warning("laa %s: the database could not be used", ctx.invoked_subcommand, exc_info=True)
        typer.echo(f"error: {_database_problem(ctx, exc)}", err=True)
        raise typer.Exit(3) from None
    # anything unforeseen: one line here, the traceback in the log (read from the settings, if not yet)
    state = _state_of(ctx)
    settings = state.readable_settings() if state is not None else None
    log.exception("laa %s failed", ctx.invoked_subcommand)
    if settings is not None and settings.debug:
        raise
    where = f" (details in {settings.resolved_log_file()})" if settings is not None else ""
    typer.echo(f"error: {exc.__class__.__name__}: {visible_controls(str(exc))}{where}", err=True)
    raise typer.Exit(3) from None


def _reader_gone() -> NoReturn:
    """The reader of the output went away (`laa history X | head -1`): end quietly with 141, as a command stopped
    by SIGPIPE does. Standard output goes to /dev/null first, or Python's flush at exit would fail again."""
    with contextlib.suppress(OSError):  # io.UnsupportedOperation: a stdout with no file (a test's runner)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise typer.Exit(141)


app = typer.Typer(
    cls=LaaCommands,
    help="LAA performance dashboard: a partnership's Local Area Agreement targets by theme board.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain usage errors and help, as click prints them
    add_completion=False,
)


@app.callback()
def _start(ctx: typer.Context) -> None:
    """LAA performance dashboard: a partnership's Local Area Agreement targets by theme board."""
    state = State()
    ctx.obj = state
    ctx.call_on_close(state.close)


def _first_error(exc) -> str:
    """The first of a pydantic ValidationError's problems, named by its LAA_ variable."""
    error = exc.errors()[0]
    name = "LAA_" + "_".join(str(part) for part in error["loc"]).upper()
    return f"{name}: {error['msg']}"


def _state_of(ctx) -> State | None:
    """The command's state, or None when the callback failed before making it (settings that cannot be read)."""
    return ctx.obj if isinstance(ctx.obj, State) else None


def _database_problem(ctx, exc: BaseException) -> str:
    from dashboard.store.engine import describe_database_error

    state = _state_of(ctx)
    return describe_database_error(exc, state.settings.resolved_database_url() if state else None)


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, csv or json")]
AreaOpt = Annotated[str | None, typer.Option("--area", help="the partnership area (default: the only one held)")]
AsAtOpt = Annotated[str | None, typer.Option("--as-at", help="a period such as 2009/10 Q2 (default: latest)")]
AsUserOpt = Annotated[
    str | None, typer.Option("--as", help="act as this user, with their role's permissions (laa user list)")
]


class UserError(Exception):
    """A message for the user, exit status 2."""


class NoDatabase(Exception):
    """The SQLite file is not there (`laa init` creates it): exit status 3, as for a database with no tables."""


def _engine(ctx: typer.Context) -> "Engine":
    """The engine the callback's state makes for this command (built once, disposed when the command ends)."""
    return ctx.obj.engine


COLUMN_HEADINGS = {
    "indicator_code": "Code",
    "indicator_name": "Indicator",
    "theme_board": "Theme board",
    "status": "Status",
    "period": "Period",
    "target": "Target",
    "actual": "Actual",
    "commentary": "Commentary",
    "remedial_action": "Remedial action",
    "lead_partner": "Lead partner",
}
"""Table headings for the columns commands share; short, so that tables fit a 100-column terminal."""


def _emit(
    fmt: Format, payload: dict, frame: "pd.DataFrame", headers: dict[str, str] | None = None, footer: str = ""
) -> None:
    """Print a command's result. Text from the data never drives the terminal: a table and its footer show control
    characters as marks (ESC as ␛); JSON escapes them (\\u001b); CSV keeps them, as stored, when it goes to a file
    or a pipe (color=True: click would otherwise strip colour codes out of the data) and shows them as marks, line
    breaks kept, when it is printed on a terminal."""
    from dashboard.domain.output import fit_text, to_csv, to_json, to_table, visible_controls

    if fmt is Format.json:
        typer.echo(to_json(payload))
    elif fmt is Format.csv:
        text = to_csv(frame)
        if sys.stdout.isatty():
            text = visible_controls(text, keep="\n")
        typer.echo(text, nl=False, color=True)
    else:
        typer.echo(to_table(frame, COLUMN_HEADINGS | (headers or {})))
        if footer:
            typer.echo(fit_text(footer))


def _as_at(ctx: typer.Context, text: str | None, position: "Position | None" = None) -> "Period | None":
    """The --as-at period, checked against what the position holds when it is given.

    Before the first period held nothing can be shown, so that is an error (exit 2). After the last, rule 2
    gives the latest figures: say so on stderr and label them with the last period held, not the one asked for.
    """
    from dashboard.domain.periods import BadPeriod, Period, YearWindow
    from dashboard.read.position import as_at_period

    try:
        period = as_at_period(text, YearWindow.of_settings(ctx.obj.settings))
    except BadPeriod as exc:
        raise UserError(f"--as-at {text!r}: {exc}") from exc
    if period is None or position is None or position.values.empty:
        return period
    held = position.values.sort_values("period_end")
    first, last = held.iloc[0], held.iloc[-1]
    if period.end < first["period_end"]:
        raise UserError(
            f"--as-at {text!r}: nothing is held for {period.label} in {position.area}: "
            f"the first period held is {first['period_label']}"
        )
    if period.end > last["period_end"]:
        typer.echo(
            f"warning: nothing is held after {last['period_label']} in {position.area}: "
            f"the figures are as at {last['period_label']}",
            err=True,
        )
        return Period(last["period_end"], last["period_label"])
    return period


def _as_at_label(period: "Period | None") -> str | None:
    return period.label if period else None


@app.command()
def init(ctx: typer.Context) -> None:
    """Create or upgrade the database (Alembic)."""
    from dashboard.store.engine import check_intact
    from dashboard.store.schema import upgrade

    engine = ctx.obj.creating_engine()
    check_intact(engine)  # a half-damaged SQLite file would otherwise be "ready" until its damaged page is read
    revision = upgrade(engine)
    typer.echo(f"database ready ({engine.url.render_as_string(hide_password=True)}, schema {revision})")


@app.command()
def demo(
    ctx: typer.Context,
    by: Annotated[str, typer.Option(help="recorded as the uploader")] = "demo",
    users: Annotated[bool, typer.Option("--users/--no-users", help="add a demo user of each role")] = True,
) -> None:
    """Load the bundled sample partnership (Haringey, 2008/09 Q4 to 2009/10 Q3) and a user of each role, with
    passwords generated now and shown once. Safe to run again."""
    from dashboard.write.demo import add_demo_users, load_demo

    for loaded in load_demo(_engine(ctx), by, ctx.obj.settings):
        s = loaded.summary
        if s is None or not s["batch"]:
            typer.echo(f"{loaded.name}: already loaded, nothing changed")
        else:
            typer.echo(
                f"{loaded.name}: {s['rows_new']} new, {s['rows_changed']} changed, {s['rows_unchanged']} unchanged "
                f"(batch {s['batch']})"
            )
    if users:
        _show_demo_users(add_demo_users(_engine(ctx)))


def _show_demo_users(users) -> None:
    from dashboard.domain.output import visible_controls

    new = [u for u in users if u.password]
    if new:
        typer.echo("\nDemo users (sign in with these; the passwords are shown only now, so keep them):")
        width = max(len(u.name) for u in new)
        for u in new:
            scope = f", {u.scope}" if u.scope else ""
            typer.echo(visible_controls(f"  {u.name:<{width}}  {u.password}  ({u.role.value}{scope})"))
    if kept := [u.name for u in users if not u.password]:
        typer.echo(
            f"Demo users already there, passwords unchanged: {', '.join(kept)} (`laa user passwd NAME` sets a new one)."
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="a .csv or .xlsx file", exists=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check the file and show the changes; write nothing")
    ] = False,
    area: AreaOpt = None,
    new_boards: Annotated[
        bool,
        typer.Option("--new-boards", help="confirm the new theme boards and moves between boards the file makes"),
    ] = False,
    as_user: AsUserOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import a quarter's file: all or nothing. Exit 0 when stored (or nothing to change), 1 when rejected.

    Without --as the command line acts as the local administrator (recorded by your login). A new board, or a move
    between boards, in an area that holds boards is refused unless --new-boards confirms it (a misspelt board)."""
    from dashboard.domain.output import records, to_json, to_table, visible_controls
    from dashboard.write import preview

    if not file.is_file():
        raise UserError(f"no such file: {file}")
    from dashboard.write.importer import import_file

    # From the path, read in chunks: the file's bytes are never held whole (a big file is hundreds of MB).
    actor = _acting_as(_engine(ctx), as_user)
    outcome = import_file(
        _engine(ctx), file, actor, dry_run=dry_run, area=area, settings=ctx.obj.settings, new_boards=new_boards
    )
    s = outcome.summary()
    for warning in s["warnings"]:
        typer.echo(visible_controls(f"warning: {warning}"), err=True)
    changes = moves = None
    if dry_run:
        changes, moves = _dry_run_changes(_engine(ctx), outcome.plan)
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
        visible_controls(
            f"{file.name}{_sheet(s['sheet'])}: {s['rows_read']} rows read; {s['rows_new']} new, "
            f"{s['rows_changed']} changed, "
            f"{s['rows_unchanged']} unchanged; {s['targets_new']} new targets, {s['targets_changed']} with changed "
            f"settings. {verdict}."
        )
    )
    if dry_run and s["board_changes"]:
        typer.echo("\nBoard changes it would make: " + visible_controls("; ".join(s["board_changes"])) + ".")
    if changes is not None and len(changes):
        typer.echo("\nStored figures it would change:")
        typer.echo(
            to_table(
                changes,
                {"indicator_code": "Code", "period": "Period", "field": "Field", "before": "Before", "after": "After"},
            )
        )
    if moves is not None and len(moves):
        moved = "; ".join(preview.move_sentences(moves))
        typer.echo(visible_controls(f"\nStatus moves it would cause: {moved}.", keep="\n"))
        typer.echo(
            to_table(
                moves,
                {
                    "area": "Area",
                    "indicator_code": "Code",
                    "indicator_name": "Indicator",
                    "theme_board": "Theme board",
                    "before": "Before",
                    "after": "After",
                    "move": "Move",
                },
            )
        )


def _acting_as(engine: "Engine", name: str | None) -> "Actor":
    """The user --as names (refused when disabled), else the local administrator, recorded by the login that runs
    the command (never a name typed on the command line)."""
    from dashboard.access.accounts import AccountProblem, find_user
    from dashboard.access.permissions import LOCAL_ADMIN

    if name is None:
        return replace(LOCAL_ADMIN, name=_login())
    account = find_user(engine, name)
    if account.disabled:
        raise AccountProblem(f"user {account.name} is disabled: `laa user list` shows who may act")
    return account.actor()


def _sheet(name: str | None) -> str:
    """' (sheet 'Q3 figures')' for a workbook, so the analyst knows which sheet was read."""
    return "" if name is None else f" (sheet {name!r})"


def _dry_run_changes(engine: "Engine", plan) -> "tuple[pd.DataFrame, pd.DataFrame]":
    """The figures a file would replace and the latest statuses it would move, in every area it holds."""
    from dashboard.read.position import stored_position
    from dashboard.write import preview

    shown = preview.FilePreview(plan, partial(stored_position, engine))
    return shown.changes, shown.moves


@app.command()
def summary(ctx: typer.Context, fmt: FormatOpt = Format.table, area: AreaOpt = None, as_at: AsAtOpt = None) -> None:
    """The breakdown per theme board: counts and percentages of red, amber, green and data awaited."""
    import pandas as pd

    from dashboard.domain.output import plain, records
    from dashboard.read import breakdown
    from dashboard.read.position import load_position

    position = load_position(_engine(ctx), area)
    period = _as_at(ctx, as_at, position) or position.latest_quarter()
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
        "data_awaited_pct": "Awaited %",  # "Data awaited %" would take the table past 100 columns
    }
    headers |= {c: c.title() for c in ("red", "amber", "green")}
    headers |= {f"{c}_pct": f"{c.title()} %" for c in ("red", "amber", "green")}
    as_at_text = period.label if period else "the latest period held"
    _emit(fmt, payload, frame, headers, footer=f"\n{position.area}, as at {as_at_text}")


@app.command()
def ranking(
    ctx: typer.Context,
    basis: Annotated[
        str, typer.Option(help="all: data-awaited targets count in the denominator; rated: left out")
    ] = "all",
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
) -> None:
    """Boards ranked by the share of targets green or amber; ties by red share, then name."""
    from dashboard.domain.output import records
    from dashboard.read import breakdown
    from dashboard.read.position import load_position

    if basis not in breakdown.BASES:
        raise UserError(f"--basis {basis!r}: use all or rated")
    position = load_position(_engine(ctx), area)
    period = _as_at(ctx, as_at, position) or position.latest_quarter()
    boards, _ = breakdown.board_breakdown(position.statuses(period))
    other = "rated" if basis == "all" else "all"
    ranked, others = breakdown.rank_boards(boards, basis), breakdown.rank_boards(boards, other)
    moved = breakdown.bases_disagree(boards)
    payload = {
        "as_at": _as_at_label(period),
        "area": position.area,
        "basis": basis,
        "ranking": records(ranked, list(ranked.columns)),
        "bases_agree": not moved,
        "boards_placed_differently": moved,
        "other_basis": other,
        "other_basis_ranking": records(others, list(others.columns)),
    }
    # Both orders side by side: each board's place on the other basis is a column of its own.
    shown = ranked.assign(other_basis_rank=ranked["theme_board"].map(others.set_index("theme_board")["rank"]))
    headers = {
        "rank": "Rank",
        "theme_board": "Theme board",
        "green_amber_pct": "Green+amber %",
        "red_pct": "Red %",
        "targets": "Targets",
        "rated": "Rated",
        "other_basis_rank": OTHER_RANK_HEADING[basis],
    }
    _emit(fmt, payload, shown, headers, footer=_ranking_note(basis, others, moved))


BASIS_WORDS = {"all": "all targets", "rated": "rated targets only (data awaited left out)"}
OTHER_RANK_HEADING = {"all": "Rank if rated only", "rated": "Rank on all targets"}


def _ranking_note(basis: str, others: "pd.DataFrame", moved: list[str]) -> str:
    """Name the basis of the table's order, then give the other basis's whole order, named as such."""
    other = "rated" if basis == "all" else "all"
    note = f"\nRanked by % green or amber of {BASIS_WORDS[basis]}; ties by lower red %, then name."
    if not moved:
        return f"{note}\nOn {BASIS_WORDS[other]} the order is the same."
    return f"{note}\nOn {BASIS_WORDS[other]} the order is: {', '.join(others['theme_board'])}."


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
) -> None:
    """The exception report: targets at one status (red by default) with commentary and remedial action.

    With --output, the board paper of exactly these targets is written and one line says what it holds."""
    from dashboard.domain.names import find_name
    from dashboard.domain.output import records
    from dashboard.domain.rules import parse_status, status_label
    from dashboard.papers import reports
    from dashboard.read import breakdown
    from dashboard.read.position import load_position

    wanted = parse_status(status)
    if wanted is None:
        raise UserError(f"--status {status!r}: use red, amber, green or data awaited")
    position = load_position(_engine(ctx), area)
    period = _as_at(ctx, as_at, position) or position.latest_quarter()
    if board is not None:
        boards = position.targets["theme_board"].unique().tolist()
        board = find_name(boards, board) or _no_such_board(board, boards)
    rows = breakdown.exceptions(position.statuses(period), wanted, board)
    signed = _sign_off_sentence(_engine(ctx), position, period, board)
    if output is not None:
        _write_report(output, position, period, board, rows, reports.describe(len(rows), wanted), signed)
        return
    rows = rows.rename(columns={"period_label": "period", "target_value": "target"})
    payload = {
        "as_at": _as_at_label(period),
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
            "lead_partner",
            "commentary",
        ]
    ]
    title = f"\n{len(rows)} target(s) {status_label(wanted)}" + (f". {signed}." if signed else "")
    _emit(fmt, payload, rows[EXCEPTION_COLUMNS] if fmt is Format.csv else shown, footer=title)


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


def _write_report(
    path: Path,
    position,
    period: "Period | None",
    board: str | None,
    rows: "pd.DataFrame",
    what: str,
    sign_off_sentence: str | None = None,
) -> None:
    """The board paper of exactly `rows`, as the file's extension says; one line on stdout, not the table."""
    from dashboard.domain.output import visible_controls
    from dashboard.papers import reports

    makers = {".pdf": reports.paper_pdf, ".xlsx": reports.paper_xlsx, ".csv": reports.paper_csv}
    make = makers.get(path.suffix.lower())
    if make is None:
        raise UserError(f"--output {path.name!r}: name a .pdf, .xlsx or .csv file")
    paper = reports.board_paper(position, period, board, rows, what, sign_off=sign_off_sentence)
    try:
        path.write_bytes(make(paper))
    except OSError as exc:
        raise UserError(f"--output {str(path)!r}: cannot write the file ({exc.strerror})") from exc
    typer.echo(visible_controls(f"wrote {path}: {paper.summary()}"))


@app.command()
def history(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="the indicator code, e.g. 'NI 117'")],
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
) -> None:
    """Every period and every stored version of one target."""
    from dashboard.domain.output import plain, records
    from dashboard.read.position import load_position, target_history

    engine = _engine(ctx)
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
    footer = f"\n{target['indicator_code']} {plain(target['indicator_name']) or ''} ({target['theme_board']})"
    if fmt is Format.table:
        _emit(fmt, payload, _history_table(versions), HISTORY_HEADINGS, footer=footer)
    else:
        _emit(fmt, payload, versions[columns], footer=footer)


HISTORY_HEADINGS = {
    "period": "Period",
    "target": "Target",
    "actual": "Actual",
    "status": "Status",
    "version": "Version",
    "recorded": "Recorded",
    "batch_id": "Batch",
    "recorded_by": "By",
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


def _read(engine: "Engine", query) -> "pd.DataFrame":
    """One of the store's queries (store.queries), on a store at the newest schema."""
    from dashboard.store.schema import require_ready

    require_ready(engine)
    with engine.connect() as conn:
        return query(conn)


@app.command()
def areas(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """The partnership areas held, each with its number of theme boards and targets: the names --area takes."""
    from dashboard.domain.output import records
    from dashboard.store.queries import areas_frame

    frame = _read(_engine(ctx), areas_frame)
    _emit(
        fmt,
        {"areas": records(frame, list(frame.columns))},
        frame,
        {"area": "Area", "theme_boards": "Theme boards", "targets": "Targets"},
    )


@app.command()
def batches(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Every upload batch, newest first: who, when, which file, what it changed."""
    from dashboard.domain.output import records
    from dashboard.store.queries import batches_frame

    frame = _read(_engine(ctx), batches_frame)
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
        _emit(fmt, {"batches": records(frame, columns)}, frame[columns])
        return
    footer = "\nNew and Changed count the rows each upload added or changed; --format csv gives every column."
    _emit(fmt, {}, _batches_table(frame), BATCH_HEADINGS, footer=footer)


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


MAX_ID = 2**31 - 1
"""The largest id the store's keys hold (PostgreSQL's integer): a larger batch id cannot exist."""


@app.command("rollback")
def rollback_(
    ctx: typer.Context,
    batch: Annotated[int, typer.Argument(help="the batch id from `laa batches`")],
    as_user: AsUserOpt = None,
) -> None:
    """Undo one upload batch: the values it replaced become current again (recorded as --as, or your login)."""
    from dashboard.write.importer import rollback

    if not 1 <= batch <= MAX_ID:  # the driver would overflow on an id no column can hold
        raise UserError(f"there is no upload batch {batch}; `laa batches` lists them")
    result = rollback(_engine(ctx), batch, _acting_as(_engine(ctx), as_user))
    typer.echo(
        f"batch {batch} rolled back: {result['values_withdrawn']} values withdrawn, "
        f"{result['targets_removed']} targets it created removed"
    )


user_app = typer.Typer(cls=CommandGroup, help="Accounts: who may sign in, with which role.", no_args_is_help=True)
app.add_typer(user_app, name="user")
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="read the password from the first line of standard input")
]


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the username they sign in with")],
    role: Annotated[str, typer.Option("--role", help="executive, chair, partner, analyst or admin")],
    board: Annotated[list[str] | None, typer.Option("--board", help="a board a chair chairs (again for more)")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="the lead partner a partner speaks for")] = None,
    email: Annotated[str | None, typer.Option("--email", help="their e-mail, for single sign-on")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user (the command line acts as the local administrator)."""
    from dashboard.access.accounts import add_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    password = _password(password_stdin)
    account = add_user(_engine(ctx), LOCAL_ADMIN, name, role, password, board or [], partner, email)
    typer.echo(visible_controls(f"user {account.name} added as {account.role.value}{_scope(account)}"))


@user_app.command("list")
def user_list(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Every user: role, boards, lead partner, e-mail, last sign-in, whether locked or disabled."""
    from dashboard.access.accounts import users_frame
    from dashboard.domain.output import records

    frame = users_frame(_engine(ctx))
    headers = {"name": "User", "role": "Role", "boards": "Boards", "partner": "Partner", "email": "E-mail",
               "last_sign_in": "Last sign-in", "locked": "Locked", "disabled": "Disabled"}  # fmt: skip
    _emit(fmt, {"users": records(frame, list(frame.columns))}, frame, headers)


@user_app.command("disable")
def user_disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """The user can no longer sign in; what they recorded keeps their name."""
    from dashboard.access.accounts import disable_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account = disable_user(_engine(ctx), LOCAL_ADMIN, name)
    typer.echo(visible_controls(f"user {account.name} disabled"))


@user_app.command("enable")
def user_enable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """A disabled user may sign in again (audited)."""
    from dashboard.access.accounts import enable_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account, was_disabled = enable_user(_engine(ctx), LOCAL_ADMIN, name)
    typer.echo(visible_controls(f"user {account.name} {'enabled' if was_disabled else 'was not disabled'}"))


@user_app.command("role")
def user_role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the username")],
    role: Annotated[str, typer.Option("--role", help="executive, chair, partner, analyst or admin")],
    board: Annotated[list[str] | None, typer.Option("--board", help="a board a chair chairs (again for more)")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="the lead partner a partner speaks for")] = None,
) -> None:
    """Change a user's role, boards or lead partner (audited); their open sign-ins end."""
    from dashboard.access.accounts import set_role
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account = set_role(_engine(ctx), LOCAL_ADMIN, name, role, board or [], partner)
    typer.echo(visible_controls(f"user {account.name} is now {account.role.value}{_scope(account)}; signed out"))


@user_app.command("unlock")
def user_unlock(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """Let the user sign in again now, from every address, after too many wrong passwords (audited)."""
    from dashboard.access.accounts import unlock_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account, was_locked = unlock_user(_engine(ctx), LOCAL_ADMIN, name)
    done = "unlocked" if was_locked else "was not locked (its count of wrong passwords starts again)"
    typer.echo(visible_controls(f"user {account.name} {done}"))


@user_app.command("email")
def user_email(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the username")],
    address: Annotated[str | None, typer.Argument(help="their e-mail; leave out with --clear")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="no e-mail: they sign in with their password only")] = False,
) -> None:
    """Set the e-mail single sign-on reports for the user."""
    from dashboard.access.accounts import set_email
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    if (address is None) != clear:
        raise UserError("give the e-mail, or --clear to remove it")
    stored = set_email(_engine(ctx), LOCAL_ADMIN, name, address)
    typer.echo(visible_controls(f"e-mail of {name} set to {stored}" if stored else f"e-mail of {name} removed"))


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")], password_stdin: PasswordStdin = False
) -> None:
    """Set a new password (and unlock the account)."""
    from dashboard.access.accounts import set_password
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account = set_password(_engine(ctx), LOCAL_ADMIN, name, _password(password_stdin))
    typer.echo(visible_controls(f"password of {account.name} changed"))


def _password(from_stdin: bool) -> str:
    """The password from standard input (never an argument: it would show in the process list and history)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _scope(account) -> str:
    return f", {account.scope()}" if account.boards else f" {account.scope()}" if account.partner else ""


@app.command("signoff")
def signoff_(
    ctx: typer.Context,
    board: Annotated[str, typer.Argument(help="the theme board")],
    period: Annotated[str, typer.Option("--period", help="the quarter, e.g. 2009/10 Q3")],
    area: AreaOpt = None,
    as_user: AsUserOpt = None,
) -> None:
    """Sign off a board's quarter: afterwards partners' and chairs' changes to it are refused."""
    from dashboard.domain.output import visible_controls
    from dashboard.write.signoff import sign_off

    engine = _engine(ctx)
    done = sign_off(engine, _acting_as(engine, as_user), area, board, _period(ctx, period))
    typer.echo(visible_controls(done.sentence()))


@app.command("reopen")
def reopen_(
    ctx: typer.Context,
    board: Annotated[str, typer.Argument(help="the theme board")],
    period: Annotated[str, typer.Option("--period", help="the quarter, e.g. 2009/10 Q3")],
    reason: Annotated[str, typer.Option("--reason", help="why it is re-opened (kept in the audit trail)")],
    area: AreaOpt = None,
    as_user: AsUserOpt = None,
) -> None:
    """Re-open a signed-off quarter, saying why (an analyst's or the board's chair's action)."""
    from dashboard.domain.output import visible_controls
    from dashboard.write.signoff import reopen

    engine = _engine(ctx)
    quarter = _period(ctx, period)
    reopen(engine, _acting_as(engine, as_user), area, board, quarter, reason)
    typer.echo(visible_controls(f"{board} {quarter.label} re-opened"))


def _period(ctx: typer.Context, text: str) -> "Period":
    """The quarter --period names (a board signs off quarters)."""
    from dashboard.domain.periods import BadPeriod, YearWindow, parse_period, quarter_of

    try:
        period = parse_period(text, YearWindow.of_settings(ctx.obj.settings))
    except BadPeriod as exc:
        raise UserError(f"--period {text!r}: {exc}") from exc
    if quarter_of(period.end) != period:
        raise UserError(f"--period {text!r}: a board signs off a quarter: give one such as 2009/10 Q3")
    return period


AUDIT_HEADINGS = {
    "when": "When",
    "who": "Who",
    "action": "Action",
    "target": "Target",
    "period": "Period",
    "field": "Field",
    "old": "Old",
    "new": "New",
    "detail": "Detail",
}
"""The table's columns (area and board are in --format csv and json)."""


MAX_LIMIT = 1_000_000
"""The largest --limit: beyond it, 0 (all) says what is meant, and the drivers' integers never overflow."""


@app.command("audit")
def audit_(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option("--user", help="only this user's changes")] = None,
    target: Annotated[str | None, typer.Option("--target", help="only changes to this target, e.g. NI 151")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, max=MAX_LIMIT, help="at most this many rows, newest first (0: all)")
    ] = 200,
    as_user: AsUserOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The audit trail, newest first: who changed what, when, the old and the new value."""
    from dashboard.domain.output import records
    from dashboard.read.audit import audit_trail

    trail = audit_trail(_engine(ctx), _acting_as(_engine(ctx), as_user), user, target, limit)
    trail["when"] = trail["when"].dt.strftime("%Y-%m-%d %H:%M:%S") if len(trail) else trail["when"]
    if fmt is not Format.table:
        _emit(fmt, {"audit": records(trail, list(trail.columns))}, trail)
        return
    if trail.empty:
        typer.echo("no changes recorded" + (" for that filter" if user or target else ""))
        return
    shown = trail.assign(when=trail["when"].str.slice(0, 16))[list(AUDIT_HEADINGS)]
    _emit(fmt, {}, shown, AUDIT_HEADINGS, footer="\n--format csv gives every column in full, area and board too.")


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="the port to listen on (default: LAA_PORT, else 8501)")
    ] = None,
    address: Annotated[str, typer.Option(help="the address to listen on")] = "localhost",
) -> None:
    """Start the dashboard (Streamlit) in the browser. This process becomes the server: stopping it stops it."""
    from dashboard.cli import serving
    from dashboard.store.schema import upgrade

    port = port or ctx.obj.settings.port
    if serving.port_in_use(address, port):  # Streamlit would stop with a bare "Port 8501 is not available"
        raise UserError(serving.busy_port_message(address, port))
    engine = ctx.obj.creating_engine()
    upgrade(engine)
    engine.dispose()  # no pooled connection is carried into the server
    app_dir = _app_folder()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_dir / "server.py"),  # app.py behind the security headers
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--logger.hideWelcomeMessage",  # printed before the server answers; the announcer says it when it does
        "true",
    ]
    environment = os.environ | _server_settings(ctx.obj.settings, engine)
    os.chdir(app_dir)  # where the server's .streamlit/config.toml is
    sys.stdout.flush()
    sys.stderr.flush()
    serving.start_announcer(address, port)
    # exec, not a child process: a signal sent to `laa serve` (Ctrl+C, SIGTERM from a service manager or
    # scripts/start) reaches Streamlit itself, which shuts down and frees the port.
    try:
        os.execve(sys.executable, command, environment)
    except OSError as exc:
        raise UserError(f"cannot start Streamlit ({sys.executable}): {exc.strerror}") from exc


def _server_settings(settings: "Settings", engine: "Engine") -> dict[str, str]:
    """This command's settings as LAA_ variables for the server, which runs in the app's folder: the database and
    the log file resolved here, as absolute paths, and what .env gave (the server would look for .env there)."""
    values = settings.model_dump(mode="json") | {
        "database_url": engine.url.render_as_string(hide_password=False),
        "log_file": str(settings.resolved_log_file()),
    }
    prefix = settings.model_config.get("env_prefix", "")
    return {
        f"{prefix}{name}".upper(): value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
        if value is not None
    }


def _app_folder() -> Path:
    """Where the installed laa_app package is (found, not imported: the package never imports streamlit)."""
    spec = importlib.util.find_spec("laa_app")
    if spec is None or spec.origin is None:
        raise UserError("the dashboard's app (the laa_app package) is not installed: reinstall the package")
    return Path(spec.origin).resolve().parent


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def main() -> None:
    """The `laa` command (LaaCommands turns known problems into one line and an exit status)."""
    quiet_driver_logs()
    app(prog_name="laa")
