"""The commands that set up a store and change its figures: `laa init`, `laa demo`, `laa import`, `laa rollback`."""

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine


from dashboard.cli.base import (
    AreaOpt,
    AsUserOpt,
    Format,
    FormatOpt,
    UserError,
    acting_as,
    emit,
    engine_of,
    read_query,
)


def init(ctx: typer.Context) -> None:
    """Create or upgrade the database (Alembic)."""
    from dashboard.store.engine import check_intact
    from dashboard.store.schema import upgrade

    engine = ctx.obj.creating_engine()
    check_intact(engine)  # a half-damaged SQLite file would otherwise be "ready" until its damaged page is read
    revision = upgrade(engine)
    typer.echo(f"database ready ({engine.url.render_as_string(hide_password=True)}, schema {revision})")


def demo(
    ctx: typer.Context,
    by: Annotated[str, typer.Option(help="recorded as the uploader")] = "demo",
    users: Annotated[bool, typer.Option("--users/--no-users", help="add a demo user of each role")] = True,
) -> None:
    """Load the bundled sample partnership (Haringey, 2008/09 Q4 to 2009/10 Q3) and a user of each role, with
    passwords generated now and shown once. Safe to run again."""
    from dashboard.write.demo import add_demo_users, load_demo

    for loaded in load_demo(engine_of(ctx), by, ctx.obj.settings):
        s = loaded.summary
        if s is None or not s["batch"]:
            typer.echo(f"{loaded.name}: already loaded, nothing changed")
        else:
            typer.echo(
                f"{loaded.name}: {s['rows_new']} new, {s['rows_changed']} changed, {s['rows_unchanged']} unchanged "
                f"(batch {s['batch']})"
            )
    if users:
        _show_demo_users(add_demo_users(engine_of(ctx)))


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
    actor = acting_as(engine_of(ctx), as_user)
    outcome = import_file(
        engine_of(ctx), file, actor, dry_run=dry_run, area=area, settings=ctx.obj.settings, new_boards=new_boards
    )
    s = outcome.summary()
    for warning in s["warnings"]:
        typer.echo(visible_controls(f"warning: {warning}"), err=True)
    changes = moves = None
    if dry_run:
        changes, moves = _dry_run_changes(engine_of(ctx), outcome.plan)
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


def _sheet(name: str | None) -> str:
    """' (sheet 'Q3 figures')' for a workbook, so the analyst knows which sheet was read."""
    return "" if name is None else f" (sheet {name!r})"


def _dry_run_changes(engine: "Engine", plan) -> "tuple[pd.DataFrame, pd.DataFrame]":
    """The figures a file would replace and the latest statuses it would move, in every area it holds."""
    from dashboard.read.position import stored_position
    from dashboard.write import preview

    shown = preview.FilePreview(plan, partial(stored_position, engine))
    return shown.changes, shown.moves


MAX_ID = 2**31 - 1
"""The largest id the store's keys hold (PostgreSQL's integer): a larger batch id cannot exist."""


def rollback_(
    ctx: typer.Context,
    batch: Annotated[int, typer.Argument(help="the batch id from `laa batches`")],
    as_user: AsUserOpt = None,
) -> None:
    """Undo one upload batch: the values it replaced become current again (recorded as --as, or your login)."""
    from dashboard.write.importer import rollback

    if not 1 <= batch <= MAX_ID:  # the driver would overflow on an id no column can hold
        raise UserError(f"there is no upload batch {batch}; `laa batches` lists them")
    result = rollback(engine_of(ctx), batch, acting_as(engine_of(ctx), as_user))
    typer.echo(
        f"batch {batch} rolled back: {result['values_withdrawn']} values withdrawn, "
        f"{result['targets_removed']} targets it created removed"
    )


def groups(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="a CSV of group,area rows; without it, the groups held are listed")
    ] = None,
    as_user: AsUserOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Comparator groups for benchmarking: each group the file names becomes exactly the areas it lists there."""
    from dashboard.domain.output import records, visible_controls
    from dashboard.store.queries import groups_frame

    engine = engine_of(ctx)
    if file is not None:
        from dashboard.write.groups import set_groups

        try:
            data = file.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {file}: {exc.strerror}") from exc
        done = set_groups(engine, data, acting_as(engine, as_user), file.name)
        for group, areas in done.groups.items():
            typer.echo(visible_controls(f"{group}: {len(areas)} areas"))
        return
    held = read_query(engine, groups_frame)
    emit(fmt, {"groups": records(held, list(held.columns))}, held, {"group": "Group", "areas": "Areas"})
