"""The `laa note ...` commands: notes tied to a period of a target or a board (an event that explains a break;
a change of process starts new control limits)."""

from typing import Annotated

import typer

from dashboard.cli.base import (
    AreaOpt,
    AsUserOpt,
    Command,
    CommandGroup,
    Format,
    FormatOpt,
    UserError,
    acting_as,
    emit,
    engine_of,
)

note_app = typer.Typer(cls=CommandGroup, help="Notes on a target or a board at a period.", no_args_is_help=True)
TargetOpt = Annotated[str | None, typer.Option("--target", help="a target's code, such as NI 117")]
BoardOpt = Annotated[str | None, typer.Option("--board", help="a theme board (a note on the whole board)")]
HEADINGS = {"note_id": "Note", "period_label": "Period", "about": "On", "note": "Note text",
            "change_of_process": "Change of process", "noted_by": "By"}  # fmt: skip


@note_app.command("add", cls=Command)
def note_add(
    ctx: typer.Context,
    note: Annotated[str, typer.Argument(help="what happened, such as 'new definition from this quarter'")],
    period: Annotated[str, typer.Option("--period", help="the period it happened in, e.g. 2009/10 Q1")],
    target: TargetOpt = None,
    board: BoardOpt = None,
    change_of_process: Annotated[
        bool, typer.Option("--change-of-process", help="the figures' process changed: new control limits from here")
    ] = False,
    area: AreaOpt = None,
    as_user: AsUserOpt = None,
) -> None:
    """Note an event at a period of one target (--target) or one board (--board); in the audit trail. An analyst
    or administrator notes any, a chair their boards and their targets."""
    from dashboard.domain.output import visible_controls
    from dashboard.domain.periods import BadPeriod, YearWindow, parse_period
    from dashboard.write.annotations import AnnotationProblem, annotate

    engine = engine_of(ctx)
    try:
        when = parse_period(period, YearWindow.of_settings(ctx.obj.settings))
    except BadPeriod as exc:
        raise UserError(f"--period {period!r}: {exc}") from exc
    try:
        done = annotate(engine, acting_as(engine, as_user), area, when, note, target=target, board=board,
                        change_of_process=change_of_process)  # fmt: skip
    except AnnotationProblem as problem:
        raise UserError(str(problem)) from None
    typer.echo(visible_controls(done.sentence()))


@note_app.command("list", cls=Command)
def note_list(
    ctx: typer.Context,
    target: TargetOpt = None,
    board: BoardOpt = None,
    area: AreaOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The notes held, oldest period first: on one target (with its board's notes), one board, or all."""
    from dashboard.domain.output import records
    from dashboard.read.annotations import notes_on
    from dashboard.read.position import load_position

    position = load_position(engine_of(ctx), area)
    try:
        rows = notes_on(position, target=target, board=board)
    except LookupError as missing:
        raise UserError(str(missing.args[0])) from None
    rows = rows[list(HEADINGS)]
    shown = rows.assign(change_of_process=["yes" if c else "" for c in rows["change_of_process"]])
    payload = {"area": position.area, "notes": records(rows, list(rows.columns))}
    emit(fmt, payload, shown, HEADINGS, footer=f"\n{position.area}: {len(rows)} note(s)")


@note_app.command("remove", cls=Command)
def note_remove(
    ctx: typer.Context,
    note_id: Annotated[int, typer.Argument(help="the note's number (`laa note list`)")],
    as_user: AsUserOpt = None,
) -> None:
    """Take a note off the charts (kept in the audit trail)."""
    from dashboard.domain.output import visible_controls
    from dashboard.write.annotations import AnnotationProblem, remove_annotation

    engine = engine_of(ctx)
    try:
        done = remove_annotation(engine, acting_as(engine, as_user), note_id)
    except AnnotationProblem as problem:
        raise UserError(str(problem)) from None
    typer.echo(visible_controls(f"removed {done.sentence()}"))
