"""The `laa user ...` commands: accounts, who may sign in, with which role."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass

from dashboard.cli.base import Command, CommandGroup, Format, FormatOpt, UserError, emit, engine_of

user_app = typer.Typer(cls=CommandGroup, help="Accounts: who may sign in, with which role.", no_args_is_help=True)
RoleOpt = Annotated[str, typer.Option("--role", help="executive, chair, partner, analyst or admin")]
BoardsOpt = Annotated[list[str] | None, typer.Option("--board", help="a board a chair chairs (again for more)")]
PartnerOpt = Annotated[str | None, typer.Option("--partner", help="the lead partner a partner speaks for")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="read the password from the first line of standard input")
]


@user_app.command("add", cls=Command)
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the username they sign in with")],
    role: RoleOpt,
    board: BoardsOpt = None,
    partner: PartnerOpt = None,
    email: Annotated[str | None, typer.Option("--email", help="their e-mail, for single sign-on")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user (the command line acts as the local administrator)."""
    from dashboard.access.accounts import add_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    password = _password(password_stdin)
    account = add_user(engine_of(ctx), LOCAL_ADMIN, name, role, password, board or [], partner, email)
    typer.echo(visible_controls(f"user {account.name} added as {account.role.value}{_scope(account)}"))


@user_app.command("list", cls=Command)
def user_list(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Every user: role, boards, lead partner, e-mail, last sign-in, whether locked or disabled."""
    from dashboard.access.accounts import users_frame
    from dashboard.domain.output import records

    frame = users_frame(engine_of(ctx))
    headers = {"name": "User", "role": "Role", "boards": "Boards", "partner": "Partner", "email": "E-mail",
               "last_sign_in": "Last sign-in", "locked": "Locked", "disabled": "Disabled"}  # fmt: skip
    emit(fmt, {"users": records(frame, list(frame.columns))}, frame, headers)


@user_app.command("disable", cls=Command)
def user_disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """The user can no longer sign in; what they recorded keeps their name."""
    from dashboard.access.accounts import disable_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account = disable_user(engine_of(ctx), LOCAL_ADMIN, name)
    typer.echo(visible_controls(f"user {account.name} disabled"))


@user_app.command("enable", cls=Command)
def user_enable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """A disabled user may sign in again (audited)."""
    from dashboard.access.accounts import enable_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account, was_disabled = enable_user(engine_of(ctx), LOCAL_ADMIN, name)
    typer.echo(visible_controls(f"user {account.name} {'enabled' if was_disabled else 'was not disabled'}"))


@user_app.command("role", cls=Command)
def user_role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the username")],
    role: RoleOpt,
    board: BoardsOpt = None,
    partner: PartnerOpt = None,
) -> None:
    """Change a user's role, boards or lead partner (audited); their open sign-ins end."""
    from dashboard.access.accounts import set_role
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account = set_role(engine_of(ctx), LOCAL_ADMIN, name, role, board or [], partner)
    typer.echo(visible_controls(f"user {account.name} is now {account.role.value}{_scope(account)}; signed out"))


@user_app.command("unlock", cls=Command)
def user_unlock(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """Let the user sign in again now, from every address, after too many wrong passwords (audited)."""
    from dashboard.access.accounts import unlock_user
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account, was_locked = unlock_user(engine_of(ctx), LOCAL_ADMIN, name)
    done = "unlocked" if was_locked else "was not locked (its count of wrong passwords starts again)"
    typer.echo(visible_controls(f"user {account.name} {done}"))


@user_app.command("email", cls=Command)
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
    stored = set_email(engine_of(ctx), LOCAL_ADMIN, name, address)
    typer.echo(visible_controls(f"e-mail of {name} set to {stored}" if stored else f"e-mail of {name} removed"))


@user_app.command("passwd", cls=Command)
def user_passwd(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="the username")], password_stdin: PasswordStdin = False
) -> None:
    """Set a new password (and unlock the account)."""
    from dashboard.access.accounts import set_password
    from dashboard.access.permissions import LOCAL_ADMIN
    from dashboard.domain.output import visible_controls

    account = set_password(engine_of(ctx), LOCAL_ADMIN, name, _password(password_stdin))
    typer.echo(visible_controls(f"password of {account.name} changed"))


def _password(from_stdin: bool) -> str:
    """The password from standard input (never an argument: it would show in the process list and history)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _scope(account) -> str:
    return f", {account.scope()}" if account.boards else f" {account.scope()}" if account.partner else ""
