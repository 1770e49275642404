"""E-mail from the command line: `laa digest` and `laa remind`, each with --dry-run to print what would be sent
(run them from cron: a digest also sends the letters waiting to be tried again)."""

from typing import TYPE_CHECKING, Annotated

import typer

from dashboard.cli.base import UserError, engine_of, quarter_option

if TYPE_CHECKING:
    from dashboard.mail.letters import Letter
    from dashboard.mail.outbox import Delivery

DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="print what would be sent; send and record nothing")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of the letters' text")]


def digest(ctx: typer.Context, dry_run: DryRunOpt = False, json: JsonOpt = False) -> None:
    """E-mail each chair and lead partner the targets newly red, escalated or recognised since their last digest
    (the dashboard does this after every change when LAA_SMTP_URL is set), and send the letters waiting to be
    tried again."""
    from dashboard.mail.server import mail_status
    from dashboard.mail.service import digests, send_due

    settings, engine = ctx.obj.settings, engine_of(ctx)
    not_set_up = mail_status(settings)
    if not_set_up and not dry_run:
        raise UserError(f"{not_set_up}: set it to your mail server, or add --dry-run to see what would be sent")
    found = digests(engine, settings, dry_run=dry_run)
    letters = [letter for d in found for letter in d.letters]
    notes = []
    for d in found:
        if d.first:
            notes.append(f"{d.area}: the first digest records what stands now ({len(d.standing)} notices) and "
                         "tells nothing")  # fmt: skip
        else:
            notes.append(f"{d.area}, as at {d.as_at.label if d.as_at else '-'}: {len(d.news)} new, "
                         f"{len(d.letters)} letter(s)")  # fmt: skip
    if not found:
        notes.append("no area has a chair or partner with an e-mail address: nobody to tell")
    delivery = None if dry_run else send_due(engine, settings)
    _print(letters, notes, delivery, dry_run, json, not_set_up)


def remind(
    ctx: typer.Context,
    quarter: Annotated[
        str | None, typer.Option(help="the quarter whose figures to remind of (default: those due next)")
    ] = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
) -> None:
    """E-mail each partner the targets it leads whose figures for the quarter are still to be entered, with a link
    to My targets: from LAA_REMIND_DAYS_BEFORE days before they are due (LAA_FIGURES_DUE_DAYS after the quarter
    ends), once a quarter; with --quarter, now."""
    from datetime import date

    from dashboard.mail.reminders import day, due_of, next_due
    from dashboard.mail.server import mail_status
    from dashboard.mail.service import reminders, send_due

    settings, engine = ctx.obj.settings, engine_of(ctx)
    not_set_up = mail_status(settings)
    if not_set_up and not dry_run:
        raise UserError(f"{not_set_up}: set it to your mail server, or add --dry-run to see what would be sent")
    today = date.today()
    days = settings.figures_due_days, settings.remind_days_before
    due = due_of(quarter_option(ctx, quarter, "--quarter"), *days) if quarter else next_due(today, *days)
    if quarter is None and today < due.remind_from:
        _print([], [f"{due.sentence()}: reminders go out from {day(due.remind_from)} (give --quarter to send "
                    "them now)"], None, dry_run, json, not_set_up)  # fmt: skip
        return
    found = reminders(engine, settings, due, today, dry_run=dry_run)
    notes = [f"{due.sentence()}: {len(found.letters)} reminder(s)"]
    if found.already:
        notes.append(f"already reminded of {due.quarter.label}: {', '.join(found.already)}")
    delivery = None if dry_run else send_due(engine, settings)
    _print(found.letters, notes, delivery, dry_run, json, not_set_up)


def _print(
    letters: "list[Letter]",
    notes: list[str],
    delivery: "Delivery | None",
    dry_run: bool,
    json: bool,
    not_set_up: str | None,
) -> None:
    from dataclasses import asdict

    from dashboard.domain.output import to_json, visible_controls

    if delivery is not None:
        notes.append(f"sent {len(delivery.sent)}; not sent {len(delivery.failed)}")
        notes += [f"not sent: {failure}" for failure in delivery.failed]
    if dry_run:
        notes.append("dry run: nothing sent or recorded" + (f" ({not_set_up})" if not_set_up else ""))
    if json:
        payload = {"dry_run": dry_run, "letters": [asdict(x) for x in letters], "notes": notes}
        typer.echo(to_json(payload))
        return
    for letter in letters:
        head = f"To: {letter.user_name} <{letter.address}>\nSubject: {letter.subject}\n\n"
        typer.echo(visible_controls(head + letter.body, keep="\n") + "-" * 72)
    for note in notes:
        typer.echo(visible_controls(note), err=True)
