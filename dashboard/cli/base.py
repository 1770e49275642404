"""What every `laa` command shares: the group that turns problems into one line, the state a command builds
(settings, engine), the options, the output, and the checks of --as, --as-at and the store."""

import contextlib
import getpass
import os
import sys
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from dashboard.logs import log, setup_logging

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from dashboard.access.permissions import Actor
    from dashboard.domain.periods import Period
    from dashboard.read.position import Position
    from dashboard.settings import Settings


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
            from dashboard.mail.watch import watch

            watch(self._engine, self.settings)  # digests after every change this command commits, if e-mail is set up
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            from dashboard.mail.watch import settle

            # The digests of what this command changed are sent before it exits; a mail server that does not answer
            # holds it for at most the e-mail timeout, and what it did not take is tried again later.
            settle(self._engine, self.settings.smtp_timeout_seconds * 2)
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


class Command(TyperCommand):
    """A command that names a missing argument or option before converting any other: Typer converts each value
    through pydantic (a tenth of a second to load) before it would notice what is missing. A command's --help is
    still answered first; with a missing argument and a bad value both, the missing one is named."""

    def parse_args(self, ctx, args):
        from typer._click.exceptions import MissingParameter

        if not ctx.resilient_parsing:
            opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))
            params = self.get_params(ctx)
            if not any(p.is_eager and opts.get(p.name) for p in params):
                for param in params:
                    if param.required and param.value_is_missing(param.consume_value(ctx, opts)[0]):
                        raise MissingParameter(ctx=ctx, param=param)
        return super().parse_args(ctx, args)


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


def engine_of(ctx: typer.Context) -> "Engine":
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


def emit(
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


def as_at_of(ctx: typer.Context, text: str | None, position: "Position | None" = None) -> "Period | None":
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


def as_at_label(period: "Period | None") -> str | None:
    return period.label if period else None


def acting_as(engine: "Engine", name: str | None, *, records: bool = True) -> "Actor":
    """The user --as names (refused when disabled), else the local administrator, recorded by the login that runs
    the command (never a name typed on the command line); records: the command records who acts, so a login name
    longer than a username is refused."""
    from dashboard.access.accounts import MAX_NAME, AccountProblem, find_user
    from dashboard.access.permissions import LOCAL_ADMIN

    if name is None:
        login = login_name()
        if records and len(login) > MAX_NAME:  # recorded in a column of a username's length
            raise AccountProblem(
                f"the login name running this command is {len(login)} characters long; who makes a change is "
                f"recorded in at most {MAX_NAME}: give --as and a user's name"
            )
        return replace(LOCAL_ADMIN, name=login)
    account = find_user(engine, name)
    if account.disabled:
        raise AccountProblem(f"user {account.name} is disabled: `laa user list` shows who may act")
    return account.actor()


def read_query(engine: "Engine", query) -> "pd.DataFrame":
    """One of the store's queries (store.queries), on a store at the newest schema."""
    from dashboard.store.schema import require_ready

    require_ready(engine)
    with engine.connect() as conn:
        return query(conn)


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def quarter_option(ctx: typer.Context, text: str, option: str, why: str = "") -> "Period":
    """The quarter an option names (--period of a sign-off, --quarter of a reminder): a UserError for a period that
    is not one, or one that is not a quarter (why says what takes quarters)."""
    from dashboard.domain.periods import BadPeriod, YearWindow, parse_period, quarter_of

    try:
        period = parse_period(text, YearWindow.of_settings(ctx.obj.settings))
    except BadPeriod as exc:
        raise UserError(f"{option} {text!r}: {exc}") from exc
    if quarter_of(period.end) != period:
        raise UserError(f"{option} {text!r}: {why}give one such as 2009/10 Q3")
    return period
