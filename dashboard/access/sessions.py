"""Sign-in sessions: a browser holds a random token in a cookie, the store only its SHA-256; a session ends when
its user signs out, is disabled, or leaves it idle longer than the idle timeout."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

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
    if not token:
        return None
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        found = conn.execute(
            select(SignInSession.id, SignInSession.last_seen_at, SignInSession.ended_at, User.name, User.disabled_at)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.token_hash == _hash(token))
        ).one_or_none()
    if found is None or found.ended_at is not None or found.disabled_at is not None:
        return None
    seen = as_utc(found.last_seen_at)
    if now - seen > idle:
        end_session(engine, token, now)
        return None
    if now - seen > TOUCH_EVERY:  # best effort: a page never waits for an import to note that it was used
        write_if_free(engine, update(SignInSession).where(SignInSession.id == found.id).values(last_seen_at=now))
    return find_user(engine, found.name)


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


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
