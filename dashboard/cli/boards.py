"""A board's quarter and the trail: `laa signoff`, `laa reopen`, `laa audit`."""

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from dashboard.domain.periods import Period

from dashboard.cli.base import (
    AreaOpt,
    AsUserOpt,
    Format,
    FormatOpt,
    acting_as,
    emit,
    engine_of,
    quarter_option,
)


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

    engine = engine_of(ctx)
    done = sign_off(engine, acting_as(engine, as_user), area, board, _period(ctx, period))
    typer.echo(visible_controls(done.sentence()))


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

    engine = engine_of(ctx)
    quarter = _period(ctx, period)
    reopen(engine, acting_as(engine, as_user), area, board, quarter, reason)
    typer.echo(visible_controls(f"{board} {quarter.label} re-opened"))


def _period(ctx: typer.Context, text: str) -> "Period":
    """The quarter --period names (a board signs off quarters)."""
    return quarter_option(ctx, text, "--period", "a board signs off a quarter: ")


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

    trail = audit_trail(engine_of(ctx), acting_as(engine_of(ctx), as_user, records=False), user, target, limit)
    trail["when"] = trail["when"].dt.strftime("%Y-%m-%d %H:%M:%S") if len(trail) else trail["when"]
    if fmt is not Format.table:
        emit(fmt, {"audit": records(trail, list(trail.columns))}, trail)
        return
    if trail.empty:
        typer.echo("no changes recorded" + (" for that filter" if user or target else ""))
        return
    shown = trail.assign(when=trail["when"].str.slice(0, 16))[list(AUDIT_HEADINGS)]
    emit(fmt, {}, shown, AUDIT_HEADINGS, footer="\n--format csv gives every column in full, area and board too.")
