"""Slowing down password guessers without letting them lock the owner out: wrong passwords are counted for a name
from one client address, for a name from all addresses, and for an address whatever the names, and each count
at its limit is locked for LOCK_FOR.

A sign-in takes its place in the counts before its password is checked, in one atomic statement per count, so
parallel guesses cannot all be checked before the count reaches its limit; a right password gives the places
back. An unknown name is counted exactly as a user's, so the counts, the waits and the messages never tell
whether an account exists."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, case, delete, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.domain.fileformat import LIMITS
from dashboard.store.engine import as_utc
from dashboard.store.models import SignInThrottle

MAX_FAILED = 5
"""Wrong passwords in a row for one name from one client address before that address is locked out of it."""
NAME_LIMIT = 100
"""Wrong passwords for one name from all addresses together before it is locked everywhere (guesses spread over
many addresses); the owner's own address is locked out far sooner, by MAX_FAILED."""
CLIENT_LIMIT = 30
"""Wrong passwords from one address, whatever the names, before it is locked out (one guesser trying many names)."""
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
"""A count not added to for this long starts again."""
ANY = "*"
"""The name_hash or client of a count over every name or every address."""


@dataclass(frozen=True)
class Count:
    name_hash: str
    client: str
    limit: int


@dataclass(frozen=True)
class Reserved:
    """One sign-in's places in the three counts, taken before its password is checked."""

    pair: Count
    name: Count
    address: Count
    place: int
    """Its place in the count of its name from its address: 1 for the first wrong password in a row."""
    places: dict[Count, int]


class Throttled(Exception):
    """The sign-in is not checked: a count is locked (until), or full of sign-ins under way (until None)."""

    def __init__(self, count: Count, until: datetime | None, failures: int) -> None:
        super().__init__(count)
        self.count, self.until, self.failures = count, until, failures

    @property
    def address(self) -> bool:
        """The address is locked out whatever the name (not only of this name)."""
        return self.count.name_hash == ANY


def name_hash(key: str) -> str:
    """What the store keeps of a name key: never the name typed (it may be a password typed in the wrong box)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def client_key(address: str | None) -> str:
    """How a client address is counted: an IPv6 address by its /64, which one household or server holds whole."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"host {address}"[: LIMITS["client"]]  # not an address (a test client); never ANY
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:203.0.113.9 is 203.0.113.9
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def reserve(conn: Connection, key: str, client: str, now: datetime) -> Reserved:
    """Take this sign-in's place in each count; raises Throttled when one is locked or full (the transaction must
    then roll back, giving back the places already taken)."""
    hashed = name_hash(key)
    counts = Count(hashed, client, MAX_FAILED), Count(hashed, ANY, NAME_LIMIT), Count(ANY, client, CLIENT_LIMIT)
    places: dict[Count, int] = {}
    # Always in this order, so two sign-ins waiting on each other's rows (PostgreSQL) can never deadlock.
    for count in counts:
        place, until = _take_place(conn, count, now)
        places[count] = place
        # a refused sign-in's place is given back, so its name's count from its address is one less
        if until is not None and as_utc(until) > now:
            raise Throttled(count, as_utc(until), places[counts[0]] - 1)
        if place > count.limit:
            raise Throttled(count, None, places[counts[0]] - 1)
    return Reserved(*counts, places[counts[0]], places)


def _take_place(conn: Connection, count: Count, now: datetime) -> tuple[int, datetime | None]:
    """One atomic upsert: the count plus this sign-in (from 1 again when its lock ended or it was forgotten)."""
    t = SignInThrottle.__table__
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stale = or_(and_(t.c.locked_until.is_not(None), t.c.locked_until <= now), t.c.last_attempt_at < now - FORGET_AFTER)
    statement = (
        insert(t)
        .values(name_hash=count.name_hash, client=count.client, failures=1, locked_until=None, last_attempt_at=now)
        .on_conflict_do_update(
            index_elements=[t.c.name_hash, t.c.client],
            set_={
                "failures": case((stale, 1), else_=t.c.failures + 1),
                "locked_until": case((stale, null()), else_=t.c.locked_until),
                "last_attempt_at": now,
            },
        )
        .returning(t.c.failures, t.c.locked_until)
    )
    return tuple(conn.execute(statement).one())


def failed(conn: Connection, reserved: Reserved, now: datetime) -> Count | None:
    """A wrong password: each count at its limit is locked for LOCK_FOR. Returns the count this sign-in brought to
    its limit (the one to tell about), if any."""
    t = SignInThrottle.__table__
    reached = None
    for count, place in reserved.places.items():
        conn.execute(
            update(t)
            .where(_row(count), t.c.failures >= count.limit, or_(t.c.locked_until.is_(None), t.c.locked_until <= now))
            .values(locked_until=now + LOCK_FOR)
        )
        if place == count.limit and reached is None:
            reached = count
    # Counts nobody has added to for a while are forgotten: the table holds only the last hour's guessing.
    conn.execute(delete(t).where(t.c.last_attempt_at < now - FORGET_AFTER, _not_locked(now)))
    return reached


def succeeded(conn: Connection, reserved: Reserved) -> None:
    """A right password: the name's counts start again; the address's count gives back this sign-in's place only,
    so that a guesser who holds one account cannot wipe out its guesses at others."""
    t = SignInThrottle.__table__
    conn.execute(delete(t).where(or_(_row(reserved.pair), _row(reserved.name))))
    conn.execute(update(t).where(_row(reserved.address), t.c.failures > 0).values(failures=t.c.failures - 1))


def unlock(conn: Connection, key: str, now: datetime) -> bool:
    """Forget every count of one name (from every address); returns whether any of them was locked."""
    t = SignInThrottle.__table__
    mine = t.c.name_hash == name_hash(key)
    was_locked = conn.scalar(select(t.c.id).where(mine, t.c.locked_until > now).limit(1)) is not None
    conn.execute(delete(t).where(mine))
    return was_locked


def locked_names(conn: Connection, now: datetime) -> set[str]:
    """The name hashes locked at now, from one address or every one (an address's own lock names no one)."""
    t = SignInThrottle.__table__
    return set(conn.scalars(select(t.c.name_hash).where(t.c.name_hash != ANY, t.c.locked_until > now)))


def _row(count: Count):
    t = SignInThrottle.__table__
    return and_(t.c.name_hash == count.name_hash, t.c.client == count.client)


def _not_locked(now: datetime):
    t = SignInThrottle.__table__
    return or_(t.c.locked_until.is_(None), t.c.locked_until <= now)
