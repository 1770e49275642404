"""Sign-in sessions: a browser holds a random token in a cookie, the store only its SHA-256; a session ends when
its user signs out, is disabled, or leaves it idle longer than the idle timeout, of which the pages warn first."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import Engine, insert, select, update

from dashboard.access.accounts import Account, find_user
from dashboard.store.engine import as_utc, recording, write_if_free
from dashboard.store.models import SignInSession, User

COOKIE = "laa_session"
TOUCH_EVERY = timedelta(minutes=1)
"""How stale last_seen may grow before a page run writes it again: not a write on every click."""


def start_session(engine: Engine, account: Account, now: datetime | None = None, token: str | None = None) -> str:
    """A new session for a signed-in account; returns the token for the browser's cookie. token: the one the
    browser already holds (single sign-on's signed identity cookie); a session it already opened stays as it is."""
    now = now or datetime.now(UTC)
    token = token or secrets.token_urlsafe(32)
    with recording(engine) as conn:
        if conn.scalar(select(SignInSession.id).where(SignInSession.token_hash == _hash(token))) is not None:
            return token
        user_id = conn.scalar(select(User.id).where(User.name == account.name))
        conn.execute(
            insert(SignInSession),
            {"token_hash": _hash(token), "user_id": user_id, "started_at": now, "last_seen_at": now},
        )
    return token


def session_account(engine: Engine, token: str | None, idle: timedelta, now: datetime | None = None) -> Account | None:
    """The account signed in with this token, or None: no such session, signed out, idle too long, or disabled.
    Marks the session seen (at most once a TOUCH_EVERY), so the idle timeout counts from the last use."""
    now = now or datetime.now(UTC)
    found = _live(engine, token)
    if found is None:
        return None
    seen = as_utc(found.last_seen_at)
    if now - seen > idle:
        end_session(engine, token, now)
        return None
    # Best effort: a page never waits for an import to note that it was used. Never staler than half the timeout,
    # so any use once the warning shows (warning_lead) keeps the sign-in, however short the timeout is set.
    if now - seen > min(TOUCH_EVERY, idle / 2):
        write_if_free(engine, update(SignInSession).where(SignInSession.id == found.id).values(last_seen_at=now))
    return find_user(engine, found.name)


def session_ends_at(engine: Engine, token: str | None, idle: timedelta, now: datetime | None = None) -> datetime | None:
    """When this sign-in ends if it is not used from now on (None: it has ended, or never was). Asking is not
    use: the session is not marked seen."""
    found = _live(engine, token)
    if found is None:
        return None
    ends = as_utc(found.last_seen_at) + idle
    return ends if ends >= (now or datetime.now(UTC)) else None


def timed_out(engine: Engine, token: str | None, idle: timedelta, now: datetime | None = None) -> bool:
    """Whether this sign-in has ended by going unused (not by signing out, nor its user being disabled)."""
    found = _live(engine, token)
    return found is not None and as_utc(found.last_seen_at) + idle < (now or datetime.now(UTC))


def keep_session(engine: Engine, token: str | None, idle: timedelta, now: datetime | None = None) -> bool:
    """'Stay signed in': the session counts as used now, whatever TOUCH_EVERY says. False when it has already
    ended (it is then ended for good)."""
    now = now or datetime.now(UTC)
    if session_ends_at(engine, token, idle, now) is None:
        end_session(engine, token, now)
        return False
    with recording(engine) as conn:  # waits for an import's lock: the person asked for it
        conn.execute(update(SignInSession).where(SignInSession.token_hash == _hash(token)).values(last_seen_at=now))
    return True


def warning_lead(idle: timedelta) -> timedelta:
    """How long before an unused sign-in ends the dashboard warns of it: WARN_BEFORE, or half the idle timeout
    when that is shorter (WCAG 2.2.1 asks for at least 20 seconds to keep it)."""
    return min(WARN_BEFORE, idle / 2)


WARN_BEFORE = timedelta(minutes=2)


def timeout_warning(ends: datetime, zone: tzinfo | None) -> str:
    """The warning's words, with the time the sign-in ends in the browser's time zone (UTC when not known)."""
    clock = f"{ends.astimezone(zone):%H:%M}" if zone is not None else f"{ends.astimezone(UTC):%H:%M} UTC"
    return (
        f"Your sign-in ends at {clock} unless you use the dashboard before then, and anything typed and not yet "
        "saved would then be lost. Stay signed in, or close this message, to carry on."
    )


def end_session(engine: Engine, token: str | None, now: datetime | None = None) -> None:
    """Signing out: the token no longer opens anything, whichever browser holds it."""
    if not token:
        return
    with recording(engine) as conn:
        conn.execute(
            update(SignInSession)
            .where(SignInSession.token_hash == _hash(token), SignInSession.ended_at.is_(None))
            .values(ended_at=now or datetime.now(UTC))
        )


def _live(engine: Engine, token: str | None):
    """The session's row (id, last_seen_at, name) when it is open and its user not disabled; else None."""
    if not token:
        return None
    with engine.connect() as conn:
        found = conn.execute(
            select(SignInSession.id, SignInSession.last_seen_at, SignInSession.ended_at, User.name, User.disabled_at)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.token_hash == _hash(token))
        ).one_or_none()
    if found is None or found.ended_at is not None or found.disabled_at is not None:
        return None
    return found


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
