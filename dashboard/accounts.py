"""Accounts in the store: users with a role, passwords hashed with argon2, chairs' boards, partners' lead partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard.audit import record
from dashboard.names import find_name, name_key
from dashboard.passwords import Checked, check_password, hash_password, password_problem
from dashboard.permissions import Action, Actor, Role, require
from dashboard.store.engine import as_utc, recording, writing
from dashboard.store.models import Area, SignInSession, ThemeBoard, User, UserBoard
from dashboard.store.schema import require_ready

MAX_FAILED = 5
"""Wrong passwords in a row before the account is locked for LOCK_FOR."""
LOCK_FOR = timedelta(minutes=15)


class AccountProblem(ValueError):
    """A user that cannot be added or changed as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    boards: tuple[str, ...]
    partner: str | None
    disabled: bool
    email: str | None = None

    def actor(self) -> Actor:
        return Actor(self.name, self.role, frozenset(self.boards), self.partner)

    def scope(self) -> str:
        """'chair of Children's Trust', 'for NHS Haringey', or '' for the other roles."""
        if self.boards:
            return f"chair of {', '.join(self.boards)}"
        return f"for {self.partner}" if self.partner else ""


def add_user(
    engine: Engine,
    by: Actor,
    name: str,
    role: str,
    password: str,
    boards: list[str] | None = None,
    partner: str | None = None,
    email: str | None = None,
) -> Account:
    """A new user; a chair needs at least one board, a partner its lead partner. email is the address single
    sign-on reports for them (optional)."""
    require(by, Action.MANAGE_USERS)
    require_ready(engine)
    name, chosen = _user_name(name), _role(role)
    boards = boards or []
    if chosen is Role.CHAIR and not boards:
        raise AccountProblem("a chair needs the boards they chair: give --board BOARD once for each")
    if chosen is Role.PARTNER and not (partner or "").strip():
        raise AccountProblem("a partner needs the lead partner it speaks for: give --partner, e.g. 'NHS Haringey'")
    if chosen not in (Role.CHAIR,) and boards:
        raise AccountProblem("only a chair has boards: leave out --board")
    with writing(engine, figures=False) as conn:
        if conn.scalar(select(User.id).where(User.name == name)) is not None:
            raise AccountProblem(f"there is already a user {name!r}: `laa user list` lists them")
        _email_free(conn, _email(email), name)
        board_ids = _board_ids(conn, boards)
        user_id = conn.execute(
            insert(User).returning(User.id),
            {
                "name": name,
                "role": chosen.value,
                "partner": " ".join(partner.split()) if partner else None,
                "password_hash": _hash(password),
                "created_at": datetime.now(UTC),
                "failed_sign_ins": 0,
                "email": _email(email),
            },
        ).scalar_one()
        if board_ids:
            conn.execute(insert(UserBoard), [{"user_id": user_id, "theme_board_id": b} for b in board_ids])
        scope = f"boards {', '.join(boards)}" if boards else f"partner {partner}" if partner else ""
        record(conn, by.name, "add user", field="user", new=name, detail=f"role {chosen.value} {scope}".strip())
    return find_user(engine, name)


def account_by_email(engine: Engine, email: str) -> Account | None:
    """The enabled account single sign-on's e-mail belongs to (any case), or None."""
    if not email.strip():
        return None
    with engine.connect() as conn:
        names = conn.execute(select(User.name, User.email).where(User.disabled_at.is_(None), User.email.is_not(None)))
        found = next((n for n, e in names if e.casefold() == email.strip().casefold()), None)
    return None if found is None else find_user(engine, found)


def find_user(engine: Engine, name: str) -> Account:
    """The account of one user (any case); raises AccountProblem when there is none."""
    found = [a for a in list_users(engine) if name_key(a.name) == name_key(name)]
    if not found:
        raise AccountProblem(f"there is no user {name!r}: `laa user list` lists them")
    return found[0]


def list_users(engine: Engine) -> list[Account]:
    require_ready(engine)
    with engine.connect() as conn:
        users = conn.execute(select(User).order_by(User.name)).all()
        boards = conn.execute(
            select(UserBoard.user_id, ThemeBoard.name).join(ThemeBoard, ThemeBoard.id == UserBoard.theme_board_id)
        ).all()
    chaired: dict[int, list[str]] = {}
    for user_id, board in boards:
        chaired.setdefault(user_id, []).append(board)
    return [
        Account(u.name, Role(u.role), tuple(chaired.get(u.id, [])), u.partner, u.disabled_at is not None, u.email)
        for u in users
    ]


def users_frame(engine: Engine) -> pd.DataFrame:
    rows = [
        {
            "name": a.name,
            "role": a.role.value,
            "boards": ", ".join(a.boards),
            "partner": a.partner or "",
            "email": a.email or "",
            "disabled": a.disabled,
        }
        for a in list_users(engine)
    ]
    return pd.DataFrame(rows, columns=["name", "role", "boards", "partner", "email", "disabled"])


def disable_user(engine: Engine, by: Actor, name: str) -> None:
    """The user can no longer sign in; what they recorded stays, with their name."""
    require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    with writing(engine, figures=False) as conn:
        conn.execute(update(User).where(User.name == account.name).values(disabled_at=datetime.now(UTC)))
        record(conn, by.name, "disable user", field="user", old=account.name, detail="can no longer sign in")


def set_password(engine: Engine, by: Actor, name: str, password: str) -> None:
    """A new password (an administrator's, or the user's own); unlocks the account."""
    if by.name != name:
        require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    with writing(engine, figures=False) as conn:
        conn.execute(
            update(User)
            .where(User.name == account.name)
            .values(password_hash=_hash(password), failed_sign_ins=0, locked_until=None)
        )
        record(conn, by.name, "set password", field="user", new=account.name, detail="password changed")


def set_email(engine: Engine, by: Actor, name: str, email: str | None) -> str | None:
    """The e-mail single sign-on reports for the user (None: none, so they sign in with their password only);
    returns it as stored. The user's open sign-ins end."""
    require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    tidy = _email(email)
    with writing(engine, figures=False) as conn:
        _email_free(conn, tidy, account.name)
        user_id = conn.scalar(select(User.id).where(User.name == account.name))
        conn.execute(update(User).where(User.id == user_id).values(email=tidy))
        # whoever signed in with the old e-mail is signed out, as a wrongly given address must not keep its access
        ended = update(SignInSession).where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
        conn.execute(ended.values(ended_at=datetime.now(UTC)))
        record(conn, by.name, "set e-mail", field="e-mail", old=account.email, new=tidy, detail=f"user {account.name}")
    return tidy


def _email_free(conn: Connection, email: str | None, name: str) -> None:
    """One e-mail opens one account: single sign-on could not tell two users apart."""
    if email is None:
        return
    holders = conn.execute(select(User.name, User.email).where(User.email.is_not(None), User.name != name))
    holder = next((n for n, e in holders if e.casefold() == email), None)
    if holder is not None:
        raise AccountProblem(f"{email} is already the e-mail of user {holder!r}")


class SignInRefused(PermissionError):
    """Wrong name or password, a disabled account or a locked one; the message says which may be told.
    failures is the account's wrong passwords in a row (0 for an unknown name), so a sign-in page can slow down."""

    def __init__(self, message: str, failures: int = 0) -> None:
        super().__init__(message)
        self.failures = failures


def sign_in(engine: Engine, name: str, password: str, now: datetime | None = None) -> Account:
    """The account when name and password match; raises SignInRefused. MAX_FAILED wrong passwords in a row lock
    the account for LOCK_FOR (and say so); a right password resets the count."""
    now = now or datetime.now(UTC)
    require_ready(engine)
    failed = 0
    with recording(engine) as conn:
        user = conn.execute(select(User).where(User.name == " ".join(name.split()))).one_or_none()
        refused, checked = _refusal(user, password, now)
        if user is not None and refused is not None and refused.startswith("the username"):
            failed = user.failed_sign_ins + 1
            locked = now + LOCK_FOR if failed >= MAX_FAILED else None
            conn.execute(update(User).where(User.id == user.id).values(failed_sign_ins=failed, locked_until=locked))
            if locked is not None:
                refused = (
                    f"too many wrong passwords: the account is locked for {int(LOCK_FOR.total_seconds() // 60)} minutes"
                )
        elif refused is None:
            reset = {"failed_sign_ins": 0, "locked_until": None}
            # made with weaker parameters than today's: the password is at hand to hash again
            if checked is not None and checked.rehash:
                reset["password_hash"] = hash_password(password)
            conn.execute(update(User).where(User.id == user.id).values(**reset))
    if refused is not None:  # raised once the count of failures is stored
        raise SignInRefused(refused, failed)
    return find_user(engine, user.name)


def _refusal(user, password: str, now: datetime) -> tuple[str | None, Checked | None]:
    """Why this sign-in is refused, or None when it is not; and the password's check, when it was checked."""
    if user is None:
        hash_password("a password nobody has")  # the same time as a wrong password: no hint that the name is unknown
        return "the username or password is not right", None
    if user.disabled_at is not None:
        return "this account is disabled: ask an administrator", None
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        minutes = max(1, round((as_utc(user.locked_until) - now).total_seconds() / 60))
        return f"too many wrong passwords: the account is locked for {minutes} more minute(s)", None
    checked = check_password(user.password_hash, password)
    return (None if checked.right else "the username or password is not right"), checked


def _user_name(name: str) -> str:
    tidy = " ".join(str(name).split())
    if not tidy or len(tidy) > 100:
        raise AccountProblem("a username is 1 to 100 characters")
    return tidy


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    tidy = email.strip().lower()
    if "@" not in tidy or " " in tidy or len(tidy) > 320:
        raise AccountProblem(f"{email!r} is not an e-mail address")
    return tidy


def _role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise AccountProblem(f"{role!r} is not a role: use one of {', '.join(r.value for r in Role)}") from None


def _hash(password: str) -> str:
    problem = password_problem(password)
    if problem is not None:
        raise AccountProblem(problem)
    return hash_password(password)


def _board_ids(conn, boards: list[str]) -> list[int]:
    held = conn.execute(select(ThemeBoard.id, ThemeBoard.name, Area.name).join(Area)).all()
    names = [name for _, name, _ in held]
    ids = []
    for board in boards:
        found = find_name(names, board)
        if found is None:
            raise AccountProblem(f"there is no theme board {board!r} (boards: {', '.join(dict.fromkeys(names))})")
        ids.extend(i for i, name, _ in held if name == found)
    return sorted(set(ids))
