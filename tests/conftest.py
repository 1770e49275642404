"""Fixtures: an empty store on SQLite and on a real PostgreSQL server, and the populated demo store."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text

from dashboard.access import passwords
from dashboard.settings import SAMPLE_DATA
from dashboard.store.engine import make_engine
from tests.fixtures import demo_copy, new_store

# No deadline on a generated case: a test asserts behaviour, never time (benchmarks/ measures that), and on a
# loaded 2-core machine one case of the rules' properties took 290 ms against Hypothesis's default 200 ms.
settings.register_profile("laa", deadline=None)
settings.load_profile("laa")

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", "postgresql"]
_db_numbers = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _runuser() -> str | None:
    """util-linux's runuser, also when /usr/sbin is not on PATH (it is not on a normal account's PATH on Debian)."""
    return shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """cmd as the postgres account when the tests run as root (PostgreSQL refuses to run as root; CI and the
    developer machines here are root); as it is for anyone else, who owns the server they start."""
    if os.geteuid() != 0:
        return cmd
    runuser = _runuser()
    assert runuser, "checked by postgres_server"
    return [runuser, "-u", "postgres", "--", *cmd]


def _postgres_missing(bindir: Path | None) -> str | None:
    """Why this account cannot start a server, or None when it can."""
    if bindir is None:
        return "PostgreSQL is not installed: scripts/test installs Debian's postgresql package"
    if os.geteuid() == 0 and _runuser() is None:
        return "runuser is not installed (util-linux), so root cannot start PostgreSQL as the postgres account"
    return None


@pytest.fixture(scope="session", autouse=True)
def log_file(tmp_path_factory) -> Path:
    """The package's log for this test session, outside the checkout (a test run leaves `git status` clean)."""
    path = tmp_path_factory.mktemp("log") / "laa.log"
    os.environ["LAA_LOG_FILE"] = str(path)
    return path


def unavailable(reason: str, required_by: str) -> None:
    """Skip a test whose tool this machine lacks, or fail it when the variable says the full suite must run it
    (scripts/test sets each one, so CI never passes by skipping)."""
    if os.environ.get(required_by):
        pytest.fail(f"{reason} ({required_by} is set, so this test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server of Debian's package on a free loopback port, for this test session only."""
    bindir = _postgres_bin()
    missing = _postgres_missing(bindir)
    if missing:
        unavailable(missing, "LAA_REQUIRE_POSTGRES")
    datadir = Path(tempfile.mkdtemp(prefix="laa-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    port = free_port()
    run = dict(check=True, capture_output=True, cwd="/")
    subprocess.run(
        _as_postgres_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(datadir / "data"),
                "-U",
                "laa",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        **run,
    )
    options = f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        _as_postgres_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir / "data"),
                "-o",
                options,
                "-l",
                str(datadir / "log"),
                "-w",
                "start",
            ]
        ),
        **run,
    )
    try:
        yield f"postgresql+psycopg://laa@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres_user([str(bindir / "pg_ctl"), "-D", str(datadir / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
            cwd="/",
        )
        shutil.rmtree(datadir, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database: a fresh SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'laa.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    with postgres_database(server, f"laa_test_{os.getpid()}_{next(_db_numbers)}") as url:
        yield url


@contextlib.contextmanager
def postgres_database(server: str, name: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards whoever is still connected."""
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def bare_engine(db_url: str, monkeypatch) -> Iterator[Engine]:
    """The engine the package itself uses for db_url (LAA_DATABASE_URL points at it too): no schema yet."""
    monkeypatch.setenv("LAA_DATABASE_URL", db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def engine(bare_engine: Engine, db_url: str) -> Engine:
    """An empty store, as `laa init` leaves it."""
    new_store(db_url)
    return bare_engine


@pytest.fixture
def demo(bare_engine: Engine) -> Engine:
    """The populated store: the Haringey demo partnership as `laa init && laa demo` leave it (tests.fixtures), a
    copy of one built once per test process (no empty store migrated first, only to be overwritten)."""
    return demo_copy(bare_engine)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


def laa(*args: str, input: str | None = None) -> Run:
    """Run the `laa` command in this process through Typer's CliRunner (LAA_DATABASE_URL as the test set it);
    input is what it reads on standard input."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    result = CliRunner().invoke(app, list(args), input=input, prog_name="laa", color=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def sample(name: str) -> Path:
    return SAMPLE_DATA / name


SHIPPED_HASHER = passwords.HASHER
"""The hasher the package builds (argon2's production parameters), before any test swaps it."""
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch) -> None:
    """argon2 at its cheapest in every test of this process (a hash at the shipped cost takes a third of a second,
    and most store tests add a user): a monkeypatch here only, so nothing a deployment sets can pick these
    parameters. A test of the shipped parameters asks for shipped_hashes; processes a test starts (`laa`, the
    server) hash as shipped."""
    monkeypatch.setattr(passwords, "HASHER", CHEAP_HASHER)


@pytest.fixture
def shipped_hashes(monkeypatch) -> PasswordHasher:
    """argon2 with the parameters the package ships, for a test of hashing itself."""
    monkeypatch.setattr(passwords, "HASHER", SHIPPED_HASHER)
    return SHIPPED_HASHER
