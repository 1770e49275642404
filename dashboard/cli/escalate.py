"""The commands of escalation and recognition: `laa escalations` lists what the rules raise, `laa rules` shows and
sets a partnership's rules."""

from pathlib import Path
from typing import Annotated

import typer

from dashboard.cli.base import (
    AreaOpt,
    AsAtOpt,
    AsUserOpt,
    Command,
    CommandGroup,
    Format,
    FormatOpt,
    UserError,
    acting_as,
    as_at_label,
    as_at_of,
    emit,
    engine_of,
    read_query,
)

HEADINGS = {"kind": "Kind", "rule": "Rule", "since": "Since", "why": "Why", "lead_partner": "Lead partner",
            "remedial_action": "Remedial action"}  # fmt: skip


def escalations_(
    ctx: typer.Context,
    board: Annotated[str | None, typer.Option(help="one theme board (default: all)")] = None,
    kind: Annotated[str | None, typer.Option(help="escalate or recognise (default: both)")] = None,
    fmt: FormatOpt = Format.table,
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
) -> None:
    """The targets the partnership's rules escalate (red two quarters running, green to red, red with no remedial
    action, no figures) and recognise (green four quarters running, most improved), each with why and since when."""
    from dashboard.domain.names import find_name
    from dashboard.domain.output import records
    from dashboard.read.escalations import Kind, escalations, rules_of
    from dashboard.read.position import load_position

    if kind is not None and kind not in {k.value for k in Kind}:
        raise UserError(f"--kind {kind!r}: use escalate or recognise")
    position = load_position(engine_of(ctx), area)
    period = as_at_of(ctx, as_at, position) or position.latest_quarter()
    rows = escalations(position, period, rules_of(engine_of(ctx), position.area_id))
    if board is not None:
        boards = position.targets["theme_board"].unique().tolist()
        found = find_name(boards, board)
        if found is None:
            raise UserError(f"no theme board {board!r} in {position.area}: use one of {', '.join(boards)}")
        rows = rows[rows["theme_board"] == found]
    if kind is not None:
        rows = rows[rows["kind"] == kind]
    rows = rows.drop(columns=["target_id"])
    payload = {"area": position.area, "as_at": as_at_label(period), "escalations": records(rows, list(rows.columns))}
    shown = rows[["kind", "indicator_code", "theme_board", "why", "since", "lead_partner"]]
    footer = f"\n{position.area}, as at {period.label}: {len(rows)} raised by the rules (`laa rules` lists them)"
    emit(fmt, payload, shown, HEADINGS, footer=footer)


def rules(
    ctx: typer.Context,
    rule: Annotated[str | None, typer.Argument(help="a rule to change (without it, every rule is listed)")] = None,
    on: Annotated[bool | None, typer.Option("--on/--off", help="switch the rule on or off")] = None,
    count: Annotated[int | None, typer.Option(help="periods running, or how many targets (most_improved)")] = None,
    area: AreaOpt = None,
    as_user: AsUserOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The escalation and recognition rules of a partnership; with RULE, switch it on or off or tune its count (an
    administrator; audited)."""

    from dashboard.domain.output import records
    from dashboard.read.escalations import rules_frame, rules_of
    from dashboard.store.queries import resolve_area
    from dashboard.write.rules import RuleProblem, parse_rule, set_rule

    engine = engine_of(ctx)
    if rule is not None:
        if on is None and count is None:
            raise UserError("say what to change: --on, --off or --count N")
        try:
            set_rule(engine, acting_as(engine, as_user), area, parse_rule(rule), on=on, count=count)
        except RuleProblem as error:
            raise UserError(str(error)) from None
    found = read_query(engine, lambda conn: resolve_area(conn, area))
    if found is None:
        raise UserError("no partnership is held yet: import its figures first")
    settings = rules_of(engine, found[0])
    table = rules_frame(settings)
    emit(fmt, {"area": found[1], "rules": records(table, list(table.columns))}, table,
         {"rule": "Rule", "kind": "Kind", "on": "On", "count": "Count", "says": "Raises a target that is"})  # fmt: skip


report_app = typer.Typer(cls=CommandGroup, help="Papers for the partnership's boards.", no_args_is_help=True)


@report_app.command(cls=Command)
def executive(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="a .pdf (one A4 page) or .xlsx file to write")],
    area: AreaOpt = None,
    as_at: AsAtOpt = None,
) -> None:
    """The executive paper: the brief, the breakdown, the ranking, what moved, what the rules raise, the forecast."""
    from dashboard.papers.executive import executive_paper, executive_pdf, executive_xlsx
    from dashboard.read.escalations import rules_of
    from dashboard.read.position import load_position

    writers = {".pdf": executive_pdf, ".xlsx": executive_xlsx}
    if output.suffix.lower() not in writers:
        raise UserError(f"--output {output.name}: end the name with .pdf or .xlsx")
    engine = engine_of(ctx)
    position = load_position(engine, area)
    period = as_at_of(ctx, as_at, position) or position.latest_quarter()
    paper = executive_paper(position, period, rules_of(engine, position.area_id))
    try:
        output.write_bytes(writers[output.suffix.lower()](paper))
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror}") from exc
    typer.echo(f"{output}: the executive paper of {position.area} as at {period.label} ({len(paper.brief)} sentences)")
