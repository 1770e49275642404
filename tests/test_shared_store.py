"""One store, many people: a page session sees another process's write on its next run, and reading never waits
for an import under way. On SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from dashboard.store.engine import make_engine
from dashboard.write.importer import import_file
from tests.conftest import BACKENDS, ROOT, postgres_database
from tests.fixtures import acting, app_test, new_store
from tests.test_app_pages import no_exception, use_database

# NI 151 (Enterprise, higher is better, target 65.5) is red at 2009/10 Q3 in the demo: this turns it green.
TURNS_NI_151_GREEN = b"indicator_code,theme_board,period,actual\nNI 151,Enterprise,2009/10 Q3,66.6\n"
ANOTHER_FILE = b"indicator_code,theme_board,period,actual\nNI 152,Enterprise,2009/10 Q3,70\n"

# `laa import FILE` as the command line runs it, held open inside its write transaction: the rows are written
# but not committed until the test says so on stdin.
HOLD_IMPORT = """
import sys
from dashboard.write import importer
from dashboard.cli import main

_write_plan = importer.write_plan

def held(conn, plan, uploaded_by):
    batch = _write_plan(conn, plan, uploaded_by)
    print("holding", flush=True)
    sys.stdin.readline()
    return batch

importer.write_plan = held
sys.argv = ["laa", *sys.argv[1:]]
main()
"""


@pytest.fixture(params=BACKENDS)
def demo_url(request, tmp_path) -> Iterator[str]:
    """The demo store, as `laa init && laa demo` leave it, on each backend."""
    if request.param == "sqlite":
        yield new_store(f"sqlite:///{tmp_path / 'shared.sqlite3'}", demo=True)
        return
    server = request.getfixturevalue("postgres_server")
    with postgres_database(server, f"laa_shared_{os.getpid()}_{tmp_path.name[-12:]}") as url:
        yield new_store(url, demo=True)
        make_engine(url).dispose()


def laa_process(url: str, *args: str, script: str | None = None, **popen) -> subprocess.Popen:
    env = {**os.environ, "LAA_DATABASE_URL": url}
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "dashboard.cli", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True, **popen)


def red_tile(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label.startswith("✖ Red"))


def test_a_page_session_sees_another_process_import_on_its_next_run(demo_url, tmp_path, monkeypatch):
    use_database(monkeypatch, demo_url)
    at = no_exception(app_test().run())
    assert red_tile(at) == "18"
    again = no_exception(at.run())  # nothing written: the cached figures are the same
    assert red_tile(again) == "18"

    path = tmp_path / "q3_fix.csv"
    path.write_bytes(TURNS_NI_151_GREEN)
    importer = laa_process(demo_url, "import", str(path), stdout=subprocess.PIPE)
    out, _ = importer.communicate(timeout=120)
    assert importer.returncode == 0, out

    at = no_exception(at.run())  # the same session, no restart, no cache cleared by hand
    assert red_tile(at) == "17"
    fresh = no_exception(app_test().run())  # and a new session
    assert red_tile(fresh) == "17"


class HeldImport:
    """Another process in the middle of `laa import`: its rows written, its transaction not yet committed."""

    def __init__(self, url: str, path: Path):
        self.url = url
        self.process = laa_process(
            url, "import", str(path), script=HOLD_IMPORT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        line = self.process.stdout.readline()
        assert line == "holding\n", line + self.process.stderr.read()

    def release(self) -> str:
        """Let the import commit; returns what it printed."""
        out, err = self.process.communicate("go\n", timeout=60)
        assert self.process.returncode == 0, err
        return out

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def held(demo_url, tmp_path) -> Iterator[HeldImport]:
    path = tmp_path / "held.csv"
    path.write_bytes(TURNS_NI_151_GREEN)
    holding = HeldImport(demo_url, path)
    try:
        yield holding
    finally:
        holding.kill()


def ni_151_actual(url: str) -> float:
    engine = make_engine(url)
    with engine.connect() as conn:
        actual = conn.execute(
            text(
                "SELECT v.actual FROM period_values v JOIN targets t ON t.id = v.target_id "
                "WHERE t.indicator_code = 'NI 151' AND v.period_label = '2009/10 Q3' AND v.is_current"
            )
        ).scalar_one()
    engine.dispose()
    return actual


LIVENESS = 60
"""Seconds a read beside a held import may take before the test takes it to be waiting for the import: an
answer, not a speed (benchmarks/ measures speed)."""


def test_a_dry_run_answers_while_another_import_is_held_open(held, tmp_path):
    path = tmp_path / "other.csv"
    path.write_bytes(ANOTHER_FILE)
    engine = make_engine(held.url)
    # The held import commits only when released, after this: a dry run that waited for it would never answer
    # (PostgreSQL) or fail on the busy timeout (SQLite). Bounded, so a wait fails the test instead of hanging it.
    with ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(import_file, engine, path, acting(), dry_run=True).result(timeout=LIVENESS)
    engine.dispose()
    assert outcome.summary()["rows_changed"] == 1
    assert ni_151_actual(held.url) != 66.6  # it read the store as committed, not the figure still being written
    assert "stored as batch 3" in held.release()
    assert ni_151_actual(held.url) == 66.6
    if held.url.startswith("sqlite"):
        engine = make_engine(held.url)
        with engine.connect() as conn:
            assert [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")] == ["ok"]
        engine.dispose()


@pytest.fixture
def analyst_app(demo_url, monkeypatch):
    """An AppTest signed in before the held import starts (a sign-in is a write: it would wait for the import)."""
    use_database(monkeypatch, demo_url)
    return app_test()


def test_the_upload_preview_answers_while_another_import_is_held_open(analyst_app, held, monkeypatch):
    at = no_exception(analyst_app.run())
    at.switch_page("upload.py").run()
    at.file_uploader[0].upload("other.csv", ANOTHER_FILE, "text/csv")
    # As the dry run: a preview that waited for the held import would time out this run (an error, no metrics).
    at = no_exception(at.run(timeout=LIVENESS))
    assert [m.value for m in at.metric][:4] == ["1", "0", "1", "0"]
    assert at.button(key="commit")
    assert "stored as batch 3" in held.release()
