"""One engine per database URL, with SQLite set up for several readers and writers (WAL, busy timeout)."""

from __future__ import annotations

import logging
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

WRITE = {"laa_write": True}


URL_EXAMPLES = "sqlite:///db/laa.sqlite3 or postgresql+psycopg://user@host/laa"


class DatabaseUnusable(Exception):
    """The database cannot be used at all; the message says what is wrong and what to do, in one sentence."""


def make_engine(url: str, busy_timeout_ms: int = 30_000) -> Engine:
    """An engine for url, made by an entry point (the `laa` command, the dashboard's app) and passed down.

    Raises DatabaseUnusable for a URL that is not one, names an unknown database or a driver not installed."""
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url, busy_timeout_ms)
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnusable(describe_database_error(exc, url)) from exc


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        _use_wal(cur, busy_timeout_ms)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that later writes can fail with "database is locked" without waiting;
        # BEGIN IMMEDIATE waits for the write lock under busy_timeout instead.
        immediate = conn.get_execution_options().get("laa_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(cur, busy_timeout_ms: int) -> None:
    """Switch a new database file to WAL once; the mode is kept in the file.

    Switching needs the file to itself and does not wait on the busy timeout, so two processes opening a
    brand-new file at the same moment retry here instead of failing."""
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return  # switched, or a database that cannot use WAL (in memory) and says which mode it kept
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def writing(engine: Engine, *, figures: bool = True, news: bool | None = None) -> Iterator[Connection]:
    """The one way to change the store: a transaction that holds the database's write lock (SQLite) or import
    lock (PostgreSQL) and moves the data version on as it commits, so every dashboard server reads again.

    A block that rolls back (nothing to store) leaves the version as it was, and so does one that changes no
    figure the pages show (figures=False: an account, a sign-in), which would otherwise empty every cache.

    news: whether the change may be news for the e-mailed digests (default: when it changes figures); once it has
    committed, whatever watches the engine (on_news) is told."""
    with locked(engine) as conn:
        yield conn
        committing = conn.in_transaction()
        if figures and committing:
            conn.exec_driver_sql(BUMP_VERSION)
    if committing and (figures if news is None else news):
        _tell(engine)


_WATCHERS: weakref.WeakKeyDictionary[Engine, list[Callable[[], None]]] = weakref.WeakKeyDictionary()


def on_news(engine: Engine, watcher: Callable[[], None]) -> None:
    """Call watcher after each committed change that may be news (writing's news): the entry point that makes
    the engine sets up the e-mails this way, so that every write path tells them and none can go round."""
    _WATCHERS.setdefault(engine, []).append(watcher)


def _tell(engine: Engine) -> None:
    for watcher in _WATCHERS.get(engine, []):
        try:
            watcher()
        except Exception:  # the change has committed: a watcher's failure is logged, never the writer's
            logging.getLogger(__name__).exception("a watcher of the store's changes failed")


BUMP_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the write lock, without moving the data version (migrations: the table may not be
    there yet)."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7412001)")
        yield conn


@contextmanager
def recording(engine: Engine) -> Iterator[Connection]:
    """A small write that changes no figure (a sign-in, a session): on PostgreSQL a plain transaction, never queued
    behind an import's lock; SQLite has one write lock for the file, so there it waits like any write."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn, conn.begin():
            yield conn
    else:
        with locked(engine) as conn:
            yield conn


def write_if_free(engine: Engine, statement) -> bool:
    """Run one statement that notes use rather than changes anything (a session's last use) unless another write
    holds SQLite's lock: it never waits for an import under way. Returns whether it ran."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                conn.execute(statement)
            return True
        raw = conn.connection.dbapi_connection
        waits = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout=0")
        try:
            with conn.begin():
                conn.execute(statement)
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(waits)}")
    return True


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent view of the store that never waits for an import under way
    (SQLite's WAL readers do not block on a writer; PostgreSQL readers never do).

    On PostgreSQL it is REPEATABLE READ, so every statement sees the store as the first one did: at the default
    READ COMMITTED each statement sees the latest commit, and an import committing between two of them showed an
    all-areas read the old targets with the new batch's figures. Writes stay READ COMMITTED: they must see what
    the import before them committed once they hold the lock."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def check_intact(engine: Engine) -> None:
    """Raises DatabaseUnusable when a SQLite file is damaged: a damaged page is otherwise found only when read.

    quick_check reads every page but skips the slow index cross-checks of integrity_check."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        found = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
    if found != ["ok"]:
        raise DatabaseUnusable(_damaged(engine.url))


def describe_database_error(exc: BaseException, url: str | URL | None = None) -> str:
    """One plain sentence for any error from the database: what is wrong and what to do (no driver jargon).

    url is the database's URL; it names the file or the server."""
    if isinstance(exc, DatabaseUnusable):
        return str(exc)
    if isinstance(exc, (ArgumentError, ImportError)):
        return _bad_url(exc, str(url or ""))
    where = _parsed(url)
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.Error) and where is not None and where.get_backend_name() == "sqlite":
        return _sqlite_problem(orig, where)
    detail = _first_line(orig)
    postgresql = where is not None and where.get_backend_name() == "postgresql"
    if postgresql and (sentence := _postgresql_problem(exc, detail, where)):
        return sentence
    kind = type(exc).__name__
    return f"the database refused the request ({kind}: {detail}): check LAA_DATABASE_URL, or run `laa init`"


def _bad_url(exc: BaseException, url: str) -> str:
    shown = _hide_password(url)
    if isinstance(exc, NoSuchModuleError):
        return f"LAA_DATABASE_URL {shown!r} names a database this dashboard cannot use: write {URL_EXAMPLES}"
    if isinstance(exc, ImportError):
        return (
            f"the driver for LAA_DATABASE_URL {shown!r} is not installed ({exc.name}): "
            f"use {URL_EXAMPLES}, whose drivers are installed"
        )
    return f"LAA_DATABASE_URL {shown!r} is not a database URL: write one such as {URL_EXAMPLES}"


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _parsed(url: str | URL | None) -> URL | None:
    if url is None:
        return None
    try:
        return make_url(url)
    except ArgumentError:
        return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _damaged(url: URL) -> str:
    return (
        f"the database file {url.database} is damaged or is not a SQLite database: restore it from a backup, "
        "or move it aside and run `laa init` to start an empty one"
    )


def _sqlite_problem(error: sqlite3.Error, url: URL) -> str:
    name = getattr(error, "sqlite_errorname", "")
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "malformed" in str(error) or "not a database" in str(error):
        return _damaged(url)
    if name == "SQLITE_CANTOPEN" or "unable to open" in str(error):
        return (
            f"cannot open the database file {url.database}: check that its folder exists and that you may write there"
        )
    if name.startswith("SQLITE_BUSY") or "locked" in str(error):
        return f"the database file {url.database} stayed busy with another upload: try again in a moment"
    if name.startswith("SQLITE_READONLY") or "readonly" in str(error):
        return f"the database file {url.database} cannot be written: give this user write access to it and its folder"
    if name == "SQLITE_FULL":
        return f"the disk holding {url.database} is full: free some space and try again"
    return f"cannot use the database file {url.database} ({_first_line(error)}): run `laa init`, or restore a backup"


# What psycopg says when it cannot reach the server at all, as against a server that answers and refuses.
_UNREACHABLE = ("connection refused", "failed to resolve host", "name or service not known", "timeout", "no route")
_LOST = (
    "server closed the connection",
    "terminating connection",
    "consuming input failed",
    "connection is lost",
    "connection is closed",
    "the connection is bad",
    "ssl syscall error",
    "eof detected",
    # A connection that dies inside psycopg's pipeline of inserts fails the next send or the pipeline's end.
    "sending query failed",
    "cannot exit pipeline mode",
)


def _postgresql_problem(exc: BaseException, detail: str, url: URL) -> str | None:
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    text = str(getattr(exc, "orig", exc)).lower()
    if any(word in text for word in _UNREACHABLE):
        return (
            f"cannot reach the database at {server}: is PostgreSQL running? "
            "Start it, or correct the host and port in LAA_DATABASE_URL"
        )
    if getattr(exc, "connection_invalidated", False) or any(word in text for word in _LOST):
        return (
            f"lost the connection to the database at {server}: is PostgreSQL still running? Try again once it is "
            "back (an import is stored whole or not at all)"
        )
    if text.startswith("connection failed") or "authentication failed" in text or "does not exist" in text:
        reason = detail.split(": ")[-1]
        return (
            f"the database at {server} refused the connection ({reason}): "
            "check the user, password and database name in LAA_DATABASE_URL"
        )
    return None


def as_utc(moment: datetime) -> datetime:
    """A moment read back from the store, in UTC: SQLite hands back naive datetimes for what was stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
