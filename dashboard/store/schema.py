"""Create or upgrade the database with Alembic; tell whether it is ready."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from dashboard.store.engine import writing

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it. Safe to run again, and from two processes at once."""
    head = head_revision()
    if current_revision(engine) == head:
        return head
    with writing(engine) as conn:
        # Another process may have migrated while this one waited for the lock.
        if MigrationContext.configure(conn).get_current_revision() != head:
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return head


def is_ready(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
