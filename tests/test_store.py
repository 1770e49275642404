"""The store: migrations match the models, `laa init` is repeatable, SQLite is set up for several users."""

import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from dashboard.store.models import Base
from dashboard.store.schema import head_revision, is_ready
from tests.conftest import ROOT, laa


def test_init_creates_the_schema_and_can_run_again(bare_engine):
    engine = bare_engine
    assert not is_ready(engine)
    first = laa("init")
    assert first.code == 0 and f"schema {head_revision()}" in first.out
    assert laa("init").code == 0
    assert is_ready(engine)
    assert set(inspect(engine).get_table_names()) >= {
        "areas",
        "theme_boards",
        "targets",
        "period_values",
        "upload_batches",
        "target_changes",
        "alembic_version",
    }


def test_migrations_build_exactly_the_models(engine):
    laa("init")
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path):
    env = {**os.environ, "LAA_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    run = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "summary"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 3
    assert run.stderr.startswith("error: cannot reach the database at 127.0.0.1:1: ")
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_the_installed_command_runs(tmp_path):
    env = {**os.environ, "LAA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    laa_command = os.path.join(os.path.dirname(sys.executable), "laa")
    run = subprocess.run([laa_command, "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0
    for command in (
        "init",
        "demo",
        "import",
        "summary",
        "ranking",
        "exceptions",
        "history",
        "batches",
        "rollback",
        "serve",
    ):
        assert command in run.stdout
