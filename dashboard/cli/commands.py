"""The `laa` command: set up the store, import files, and read the partnership's position. Here, every command in
the order --help lists them; each is written in the module of its kind (setup, reads, users, boards, serve), and
what they share in base.

`laa --help` and a usage mistake answer at once: these modules load only Typer and the standard library, and each
command imports what it works with (pandas, SQLAlchemy, the importer, the reports) when it runs. The settings are
read, and the log set up, when a command first needs them.

No `from __future__ import annotations` here: Typer would compile every command's annotations from their text at
each start (a tenth of Python's own start). The few annotations naming what is imported only for type checkers
are quoted instead."""

from dashboard.cli import boards, escalate, mailing, notes, reads, serve, setup, users
from dashboard.cli.base import Command, app
from dashboard.logs import quiet_driver_logs

# Every command, in the order --help lists them.
app.command(cls=Command)(setup.init)
app.command(cls=Command)(setup.demo)
app.command("import", cls=Command)(setup.import_)
app.command(cls=Command)(reads.summary)
app.command(cls=Command)(reads.ranking)
app.command("exceptions", cls=Command)(reads.exceptions_)
app.command("escalations", cls=Command)(escalate.escalations_)
app.command(cls=Command)(escalate.rules)
app.add_typer(escalate.report_app, name="report")
app.command(cls=Command)(reads.history)
app.command(cls=Command)(reads.spc)
app.command(cls=Command)(reads.benchmark)
app.command(cls=Command)(reads.areas)
app.command(cls=Command)(setup.groups)
app.command(cls=Command)(reads.batches)
app.command("rollback", cls=Command)(setup.rollback_)
app.add_typer(users.user_app, name="user")
app.command("signoff", cls=Command)(boards.signoff_)
app.command("reopen", cls=Command)(boards.reopen_)
app.command("audit", cls=Command)(boards.audit_)
app.add_typer(notes.note_app, name="note")
app.command(cls=Command)(mailing.digest)
app.command(cls=Command)(mailing.remind)
app.command(cls=Command)(serve.serve)


def main() -> None:
    """The `laa` command (LaaCommands turns known problems into one line and an exit status)."""
    quiet_driver_logs()
    app(prog_name="laa")
