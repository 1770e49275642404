"""Create or upgrade the database with Alembic; tell whether it is ready."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from dashboard.store.engine import BUMP_VERSION, DatabaseUnusable, locked

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def head_revision() -> str:
    """The newest revision this code knows (read from the migration files once per process)."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it. Safe to run again, and from two processes at once.

    Only `laa init`, `laa serve` and the Quick start call this: every other command and page only reads the
    revision (require_ready)."""
    head = head_revision()
    if current_revision(engine) == head:
        return head
    with locked(engine) as conn:
        # Another process may have migrated while this one waited for the lock.
        if MigrationContext.configure(conn).get_current_revision() != head:
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.exec_driver_sql(BUMP_VERSION)  # a new schema: every cached read is stale
    return head


def is_ready(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


class SchemaNotReady(DatabaseUnusable):
    """The database has no tables yet, or an older schema than this version of the dashboard reads."""


def require_ready(engine: Engine) -> None:
    """Raises SchemaNotReady, saying in one line to run `laa init`, unless the schema is the newest."""
    with engine.connect() as conn:
        _check_revision(MigrationContext.configure(conn).get_current_revision())


def _check_revision(found: str | None) -> None:
    head = head_revision()
    if found == head:
        return
    if found is None:
        raise SchemaNotReady("the database has no tables yet: run `laa init` to create them")
    raise SchemaNotReady(
        f"the database's schema (revision {found}) is older than this dashboard's ({head}): "
        "run `laa init` to upgrade it"
    )


def data_version(engine: Engine) -> int:
    """The store's data version, read afresh (never cached): it moves on with every write. Raises
    SchemaNotReady first when the schema is not the newest."""
    with engine.connect() as conn:
        _check_revision(MigrationContext.configure(conn).get_current_revision())
        return int(conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one())
