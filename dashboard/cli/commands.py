"""The `laa` command: set up the store, import files, and read the partnership's position. Here, every command in
the order --help lists them; each is written in the module of its kind (setup, reads, users, boards, serve), and
what they share in base.

`laa --help` and a usage mistake answer at once: these modules load only Typer and the standard library, and each
command imports what it works with (pandas, SQLAlchemy, the importer, the reports) when it runs. The settings are
read, and the log set up, when a command first needs them.

No `from __future__ import annotations` here: Typer would compile every command's annotations from their text at
each start (a tenth of Python's own start). The few annotations naming what is imported only for type checkers
are quoted instead."""

from dashboard.cli import boards, reads, serve, setup, users
from dashboard.cli.base import app
from dashboard.logs import quiet_driver_logs

# Every command, in the order --help lists them.
app.command()(setup.init)
app.command()(setup.demo)
app.command("import")(setup.import_)
app.command()(reads.summary)
app.command()(reads.ranking)
app.command("exceptions")(reads.exceptions_)
app.command()(reads.history)
app.command()(reads.areas)
app.command()(reads.batches)
app.command("rollback")(setup.rollback_)
app.add_typer(users.user_app, name="user")
app.command("signoff")(boards.signoff_)
app.command("reopen")(boards.reopen_)
app.command("audit")(boards.audit_)
app.command()(serve.serve)


def main() -> None:
    """The `laa` command (LaaCommands turns known problems into one line and an exit status)."""
    quiet_driver_logs()
    app(prog_name="laa")
