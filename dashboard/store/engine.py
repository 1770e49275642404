"""One engine per database URL, with SQLite set up for several readers and writers (WAL, busy timeout)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, event

from dashboard.settings import get_settings

WRITE = {"laa_write": True}


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The engine for url (default: LAA_DATABASE_URL or the embedded SQLite file)."""
    settings = get_settings()
    url = url or settings.resolved_database_url()
    if url.startswith("sqlite"):
        return _sqlite_engine(url, settings.sqlite_busy_timeout_ms)
    return create_engine(url, pool_pre_ping=True)


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
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction that holds the database's write lock (SQLite) or import lock (PostgreSQL)."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7412001)")
        yield conn
