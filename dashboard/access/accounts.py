"""Accounts in the store: users with a role, passwords hashed with argon2, chairs' boards, partners' lead partner;
one user per name whatever its case, width or spacing (users.name_key), and the sign-in."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import email_validator
import pandas as pd
from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from dashboard.access import throttle
from dashboard.access.passwords import MAX_PASSWORD, Checked, check_no_password, check_password, hash_password
from dashboard.access.passwords import password_problem as _password_problem
from dashboard.access.permissions import Action, Actor, Role, require
from dashboard.access.throttle import LOCK_FOR, Throttled
from dashboard.domain.fileformat import LIMITS
from dashboard.domain.names import find_name, name_key
from dashboard.store.audit import record
from dashboard.store.engine import as_utc, recording, writing
from dashboard.store.models import Area, SignInSession, Target, ThemeBoard, User, UserBoard
from dashboard.store.schema import require_ready

MAX_NAME = LIMITS["user"]
"""Characters in a username."""
PARTNER_LIMIT = LIMITS["lead_partner"]
"""A partner user speaks for a lead partner, whose name is held as the targets' lead_partner."""


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
    name = _user_name(name)
    chosen, boards, _ = _role_and_scope(role, boards, partner, strict=False)
    password_hash = _hash(password)
    try:
        with writing(engine, figures=False) as conn:
            _name_free(conn, name)
            _email_free(conn, _email(email), name)
            _insert_user(conn, by, name, chosen, password_hash, boards, partner, _email(email))
    except IntegrityError:  # another administrator added the same name at the same moment
        raise AccountProblem(f"there is already a user {name!r}: `laa user list` lists them") from None
    return find_user(engine, name)


def _insert_user(
    conn: Connection,
    by: Actor,
    name: str,
    role: Role,
    password_hash: str,
    boards: list[str],
    partner: str | None,
    email: str | None,
) -> None:
    board_ids = _board_ids(conn, boards)
    user_id = conn.execute(
        insert(User).returning(User.id),
        {
            "name": name,
            "name_key": name_key(name),
            "role": role.value,
            "partner": " ".join(partner.split()) if partner else None,
            "password_hash": password_hash,
            "created_at": datetime.now(UTC),
            "email": email,
        },
    ).scalar_one()
    if board_ids:
        conn.execute(insert(UserBoard), [{"user_id": user_id, "theme_board_id": b} for b in board_ids])
    scope = f"boards {', '.join(boards)}" if boards else f"partner {partner}" if partner else ""
    record(conn, by.name, "add user", field="user", new=name, detail=f"role {role.value} {scope}".strip())


def _role_and_scope(
    role: str, boards: list[str] | None, partner: str | None, *, strict: bool = True
) -> tuple[Role, list[str], str | None]:
    """The role, with the boards a chair needs and the lead partner a partner needs; strict: only a partner has a
    lead partner (add_user has always kept one given to another role)."""
    chosen, boards = _role(role), list(boards or [])
    tidy = " ".join(partner.split()) if partner and partner.strip() else None
    if tidy is not None and len(tidy) > PARTNER_LIMIT:
        raise AccountProblem(
            f"a lead partner is at most {PARTNER_LIMIT} characters, as in the import file: give it as its targets "
            "name it"
        )
    if chosen is Role.CHAIR and not boards:
        raise AccountProblem("a chair needs the boards they chair: give --board BOARD once for each")
    if chosen is Role.PARTNER and tidy is None:
        raise AccountProblem("a partner needs the lead partner it speaks for: give --partner, e.g. 'NHS Haringey'")
    if chosen is not Role.CHAIR and boards:
        raise AccountProblem("only a chair has boards: leave out --board")
    if strict and chosen is not Role.PARTNER and tidy is not None:
        raise AccountProblem("only a partner has a lead partner: leave out --partner")
    return chosen, boards, tidy


def _name_free(conn: Connection, name: str) -> None:
    """One user per name to the sign-in: `ａｄｍｉｎ` or `Admin` beside `admin` would be signed in as one of them."""
    held = conn.scalar(select(User.name).where(User.name_key == name_key(name)))
    if held == name:
        raise AccountProblem(f"there is already a user {name!r}: `laa user list` lists them")
    if held is not None:
        raise AccountProblem(
            f"{name!r} is the same name as the user {held!r} to the sign-in, which takes names whatever their case, "
            "width or spacing: choose another name"
        )


def account_by_email(engine: Engine, email: str) -> Account | None:
    """The enabled account single sign-on's e-mail belongs to (any case), or None."""
    if not email.strip():
        return None
    with engine.connect() as conn:
        names = conn.execute(select(User.name, User.email).where(User.disabled_at.is_(None), User.email.is_not(None)))
        found = next((n for n, e in names if e.casefold() == email.strip().casefold()), None)
    return None if found is None else find_user(engine, found)


def find_user(engine: Engine, name: str) -> Account:
    """The account of one user (any case, width or spacing); raises AccountProblem when there is none."""
    require_ready(engine)
    with engine.connect() as conn:
        user = _user_named(conn, name)
        if user is None:
            raise AccountProblem(f"there is no user {name!r}: `laa user list` lists them")
        return _account(conn, user)


def _user_named(conn: Connection, name: str) -> Row | None:
    """The users row of that name, by its key: one query on the unique index."""
    key = name_key(name)
    return None if len(key) > MAX_NAME else conn.execute(select(User).where(User.name_key == key)).one_or_none()


def _account(conn: Connection, user: Row) -> Account:
    boards = conn.scalars(
        select(ThemeBoard.name)
        .join(UserBoard, UserBoard.theme_board_id == ThemeBoard.id)
        .where(UserBoard.user_id == user.id)
        .order_by(UserBoard.id)
    ).all()
    return Account(user.name, Role(user.role), tuple(boards), user.partner, user.disabled_at is not None, user.email)


@dataclass(frozen=True)
class Listed(Account):
    """An account as the list of users shows it: when it last signed in, and whether wrong passwords lock it now."""

    last_sign_in: datetime | None = None
    locked: bool = False
    """Its name is locked now from some address, or from every one (`laa user unlock` ends it)."""


def list_users(engine: Engine, now: datetime | None = None) -> list[Listed]:
    """Every user by name, with their latest sign-in and whether their name is locked at now."""
    require_ready(engine)
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        users = conn.execute(select(User).order_by(User.name)).all()
        boards = conn.execute(
            select(UserBoard.user_id, ThemeBoard.name)
            .join(ThemeBoard, ThemeBoard.id == UserBoard.theme_board_id)
            .order_by(UserBoard.id)
        ).all()
        started = dict(
            conn.execute(
                select(SignInSession.user_id, func.max(SignInSession.started_at)).group_by(SignInSession.user_id)
            ).all()
        )
        locked = throttle.locked_names(conn, now)
    chaired: dict[int, list[str]] = {}
    for user_id, board in boards:
        chaired.setdefault(user_id, []).append(board)
    return [
        Listed(
            u.name,
            Role(u.role),
            tuple(chaired.get(u.id, [])),
            u.partner,
            u.disabled_at is not None,
            u.email,
            as_utc(started[u.id]) if started.get(u.id) is not None else None,
            throttle.name_hash(name_key(u.name)) in locked,
        )
        for u in users
    ]


USER_COLUMNS = ["name", "role", "boards", "partner", "email", "last_sign_in", "locked", "disabled"]


def users_frame(engine: Engine, now: datetime | None = None) -> pd.DataFrame:
    """Every user: role, boards, lead partner, e-mail, latest sign-in (UTC; NaT for never), locked, disabled."""
    rows = [
        {
            "name": a.name,
            "role": a.role.value,
            "boards": ", ".join(a.boards),
            "partner": a.partner or "",
            "email": a.email or "",
            "last_sign_in": a.last_sign_in,
            "locked": a.locked,
            "disabled": a.disabled,
        }
        for a in list_users(engine, now)
    ]
    frame = pd.DataFrame(rows, columns=USER_COLUMNS)
    frame["last_sign_in"] = pd.to_datetime(frame["last_sign_in"], utc=True)
    return frame


def board_names(engine: Engine) -> list[str]:
    """The store's theme boards by name (each once, whatever the areas holding it): a chair's choices."""
    with engine.connect() as conn:
        return list(conn.scalars(select(ThemeBoard.name).distinct().order_by(ThemeBoard.name)))


def lead_partners(engine: Engine) -> list[str]:
    """The lead partners the store's targets name: a partner's choices."""
    with engine.connect() as conn:
        held = conn.scalars(select(Target.lead_partner).where(Target.lead_partner.is_not(None)).distinct())
        return sorted({" ".join(p.split()) for p in held if p and p.strip()}, key=str.casefold)


def one_time_password() -> str:
    """A random password to hand to a new user (or one whose password is reset) once: four groups of four letters
    and digits from `secrets`, that passwords.py's rules let through."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: it is read out or copied by hand
    while True:
        password = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
        if _password_problem(password) is None:
            return password


def invite_user(
    engine: Engine,
    by: Actor,
    name: str,
    role: str,
    boards: list[str] | None = None,
    partner: str | None = None,
    email: str | None = None,
    *,
    single_sign_on: bool = False,
) -> tuple[Account, str | None]:
    """add_user with a one-time password to pass on, returned (once) beside the account; single_sign_on: the
    user signs in with single sign-on's e-mail alone, so their password is random and nobody is told it (None)."""
    if single_sign_on and _email(email) is None:
        raise AccountProblem("a user who signs in with single sign-on needs their e-mail")
    password = one_time_password()
    account = add_user(engine, by, name, role, password, boards, partner, email)
    return account, None if single_sign_on else password


def reset_password(engine: Engine, by: Actor, name: str) -> tuple[Account, str]:
    """A new one-time password for the user (set_password's checks, audit and unlocking); returned once."""
    password = one_time_password()
    return set_password(engine, by, name, password), password


def set_role(
    engine: Engine,
    by: Actor,
    name: str,
    role: str,
    boards: list[str] | None = None,
    partner: str | None = None,
) -> Account:
    """A new role, with a chair's boards or a partner's lead partner (as add_user checks them). Their open
    sign-ins end, since their rights changed. Returns the account as changed."""
    require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    chosen, boards, tidy = _role_and_scope(role, boards, partner)
    if name_key(account.name) == name_key(by.name) and chosen is not account.role:
        raise AccountProblem("you cannot change your own role: ask another administrator")
    with writing(engine, figures=False) as conn:
        user_id = conn.scalar(select(User.id).where(User.name == account.name))
        board_ids = _board_ids(conn, boards)
        conn.execute(update(User).where(User.id == user_id).values(role=chosen.value, partner=tidy))
        conn.execute(delete(UserBoard).where(UserBoard.user_id == user_id))
        if board_ids:
            conn.execute(insert(UserBoard), [{"user_id": user_id, "theme_board_id": b} for b in board_ids])
        _end_sign_ins(conn, user_id)
        changed = find_user_in(conn, account.name)
        record(
            conn,
            by.name,
            "set role",
            field="role",
            old=_role_text(account),
            new=_role_text(changed),
            detail=f"user {account.name}; signed out",
        )
    return changed


def _role_text(account: Account) -> str:
    return f"{account.role.value} {account.scope()}".strip()


def find_user_in(conn: Connection, name: str) -> Account:
    user = _user_named(conn, name)
    if user is None:
        raise AccountProblem(f"there is no user {name!r}: `laa user list` lists them")
    return _account(conn, user)


def _end_sign_ins(conn: Connection, user_id: int) -> None:
    ended = update(SignInSession).where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
    conn.execute(ended.values(ended_at=datetime.now(UTC)))


def enable_user(engine: Engine, by: Actor, name: str) -> tuple[Account, bool]:
    """A disabled user may sign in again; returns the account and whether it was disabled."""
    require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    if account.disabled:
        with writing(engine, figures=False) as conn:
            conn.execute(update(User).where(User.name == account.name).values(disabled_at=None))
            record(conn, by.name, "enable user", field="user", new=account.name, detail="may sign in again")
    return find_user(engine, account.name), account.disabled


def disable_user(engine: Engine, by: Actor, name: str) -> Account:
    """The user can no longer sign in; what they recorded stays, with their name. Returns the account."""
    require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    if name_key(account.name) == name_key(by.name):
        raise AccountProblem("you cannot disable your own account: ask another administrator")
    with writing(engine, figures=False) as conn:
        conn.execute(update(User).where(User.name == account.name).values(disabled_at=datetime.now(UTC)))
        record(conn, by.name, "disable user", field="user", old=account.name, detail="can no longer sign in")
    return account


def set_password(engine: Engine, by: Actor, name: str, password: str) -> Account:
    """A new password (an administrator's, or the user's own); unlocks the account. Returns the account."""
    if name_key(by.name) != name_key(name):
        require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    password_hash = _hash(password)
    with writing(engine, figures=False) as conn:
        conn.execute(update(User).where(User.name == account.name).values(password_hash=password_hash))
        throttle.unlock(conn, name_key(account.name), datetime.now(UTC))
        record(conn, by.name, "set password", field="user", new=account.name, detail="password changed")
    return account


def unlock_user(engine: Engine, by: Actor, name: str, now: datetime | None = None) -> tuple[Account, bool]:
    """Forget the user's wrong passwords from every address, so a lockout ends now; returns the account and
    whether it was locked anywhere."""
    require(by, Action.MANAGE_USERS)
    account = find_user(engine, name)
    with writing(engine, figures=False) as conn:
        was_locked = throttle.unlock(conn, name_key(account.name), now or datetime.now(UTC))
        detail = "sign-in unlocked" if was_locked else "was not locked; wrong passwords forgotten"
        record(conn, by.name, "unlock user", field="user", new=account.name, detail=detail)
    return account, was_locked


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
        _end_sign_ins(conn, user_id)
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
    failures is the wrong passwords in a row for that name from that client address, counted alike for a user's
    name and an unknown one, so a sign-in page can slow down without telling which names are users'."""

    def __init__(self, message: str, failures: int = 0) -> None:
        super().__init__(message)
        self.failures = failures


WRONG = "the username or password is not right"
TOO_LONG = (
    f"the username or password is too long: a username is at most {MAX_NAME} characters, a password at most "
    f"{MAX_PASSWORD}"
)
DISABLED = "this account is disabled: ask an administrator"
BUSY = "too many sign-ins at once: try again in a minute"


def sign_in(
    engine: Engine, name: str, password: str, now: datetime | None = None, *, client: str | None = "local"
) -> Account:
    """The account when name and password match; raises SignInRefused. client is the address the sign-in comes
    from (callers that have none share one): MAX_FAILED wrong passwords in a row lock that address out of that
    name for LOCK_FOR (and say so), while the owner signs in from elsewhere (dashboard/access/throttle.py has every
    limit). A right password resets the count; a right one for a disabled account says it is disabled, and only
    then."""
    now = now or datetime.now(UTC)
    require_ready(engine)
    if len(name) > MAX_NAME or len(password) > MAX_PASSWORD:
        raise SignInRefused(TOO_LONG)  # before any hashing: argon2 would take a 100 MB password too, slowly
    user, reserved = _reserve(engine, name, client, now)
    checked = check_password(user.password_hash, password) if user is not None else check_no_password(password)
    reached = _settle(engine, user, reserved, checked, password, now)
    if not checked.right:
        raise SignInRefused(_locked_now(reached) if reached else WRONG, reserved.place)
    if user.disabled_at is not None:
        raise SignInRefused(DISABLED)
    return find_user(engine, user.name)


def _reserve(engine: Engine, name: str, client: str | None, now: datetime) -> tuple[Row | None, throttle.Reserved]:
    """The user of that name (or None) and the sign-in's places in the counts, taken before any password is
    checked, the same for a user's name as for an unknown one."""
    try:
        with recording(engine) as conn:
            user = _user_named(conn, name)
            return user, throttle.reserve(conn, name_key(name), throttle.client_key(client), now)
    except Throttled as held:  # not checked, so not counted: the rollback gives back the places taken
        raise SignInRefused(_throttled(held, now), held.failures) from None


def _settle(
    engine: Engine, user: Row | None, reserved: throttle.Reserved, checked: Checked, password: str, now: datetime
) -> throttle.Count | None:
    """Count a wrong password (returning the count it brought to its limit, if any), or reset the counts for a
    right one and store its hash again when it was made with weaker parameters than today's."""
    with recording(engine) as conn:
        if not checked.right:
            return throttle.failed(conn, reserved, now)
        throttle.succeeded(conn, reserved)
        if checked.rehash:  # the one moment the password is at hand to hash again
            conn.execute(update(User).where(User.id == user.id).values(password_hash=hash_password(password)))
    return None


def _throttled(held: Throttled, now: datetime) -> str:
    if held.until is None:
        return BUSY
    minutes = max(1, round((held.until - now).total_seconds() / 60))
    if held.address:
        return f"too many wrong passwords from this address: signing in from it is locked for {minutes} more minute(s)"
    return f"too many wrong passwords: the account is locked for {minutes} more minute(s)"


def _locked_now(count: throttle.Count) -> str:
    minutes = int(LOCK_FOR.total_seconds() // 60)
    if count.name_hash == throttle.ANY:
        return f"too many wrong passwords from this address: signing in from it is locked for {minutes} minutes"
    return f"too many wrong passwords: the account is locked for {minutes} minutes"


def _user_name(name: str) -> str:
    tidy = " ".join(str(name).split())
    if not tidy or len(tidy) > MAX_NAME or len(name_key(tidy)) > MAX_NAME:
        raise AccountProblem(f"a username is 1 to {MAX_NAME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn", "Cs") for c in tidy):
        # invisible characters would make a name that looks like another user's and is not the same name
        raise AccountProblem("a username cannot hold control or invisible characters")
    return tidy


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    try:
        checked = email_validator.validate_email(email.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise AccountProblem(f"{email!r} is not an e-mail address") from None
    return checked.normalized.lower()  # an identity provider may report either case


def _role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise AccountProblem(f"{role!r} is not a role: use one of {', '.join(r.value for r in Role)}") from None


def _hash(password: str) -> str:
    problem = _password_problem(password)
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
