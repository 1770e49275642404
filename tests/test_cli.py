"""The command line as a user meets it: usage mistakes, --as-at outside the periods held, tables that fit a
100-column terminal and are whole in a pipe, the ranking's two orders side by side, and `laa serve` stopping when
it is told to."""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard.cli import serving
from dashboard.domain.output import to_table
from tests.conftest import ROOT, free_port, laa
from tests.test_haringey import RANKING

RATED_RANKING = [
    "Integrated Housing",
    "Wellbeing",
    "Safer Communities",
    "Better Places",
    "Children's Trust",
    "Enterprise",
    "PMG",
]


# --- Usage mistakes: click's own message, exit 2 ---


@pytest.mark.parametrize(
    ("args", "usage", "error"),
    [
        (["summary", "extra"], "laa summary [OPTIONS]", "Got unexpected extra argument(s) (extra)"),
        (
            ["summary", "--format", "xml"],
            "laa summary [OPTIONS]",
            "Invalid value for '--format' / '-f': Value error, 'xml' is not one of 'table', 'csv', 'json'.",
        ),
        (["history"], "laa history [OPTIONS] {code}", "Missing argument 'code'."),
        (["nosuch"], "laa [OPTIONS] COMMAND [ARGS]...", "No such command 'nosuch'."),
        (["ranking", "--bogus"], "laa ranking [OPTIONS]", "No such option: --bogus"),
    ],
    ids=["extra argument", "bad option value", "missing argument", "unknown command", "unknown option"],
)
def test_a_usage_mistake_shows_the_usage_and_exits_2(args, usage, error):
    run = laa(*args)
    command = usage.split(" [")[0]
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Usage: {usage}\nTry '{command} --help' for help.\n\nError: {error}\n"


# --- A number out of range is refused (exit 2), never an OverflowError from the driver (exit 3) ---

HUGE = "99999999999999999999"


@pytest.mark.parametrize("batch", [HUGE, "2147483648", "0", "-1"])
def test_rolling_back_a_batch_no_store_can_hold_says_there_is_no_such_batch(engine, batch):
    run = laa("rollback", "--", batch)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"error: there is no upload batch {batch}; `laa batches` lists them\n"


def _never_exec(*_args) -> None:
    raise AssertionError("laa serve started the server")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["audit", "--limit", HUGE], "Invalid value for '--limit': Input should be less than or equal to 1000000"),
        (["audit", "--limit", "-1"], "Invalid value for '--limit': Input should be greater than or equal to 0"),
        (["serve", "--port", HUGE], "Invalid value for '--port': Input should be less than or equal to 65535"),
        (["serve", "--port", "0"], "Invalid value for '--port': Input should be greater than or equal to 1"),
    ],
    ids=["huge limit", "negative limit", "huge port", "port 0"],
)
def test_a_number_option_out_of_range_is_a_usage_mistake(tmp_path, monkeypatch, args, error):
    monkeypatch.setenv("LAA_DATABASE_URL", f"sqlite:///{tmp_path / 'laa.sqlite3'}")
    monkeypatch.chdir(tmp_path)  # a port let through would change directory and start Streamlit in this process
    monkeypatch.setattr(os, "execv", _never_exec)
    run = laa(*args)
    command = f"laa {args[0]}"
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Usage: {command} [OPTIONS]\nTry '{command} --help' for help.\n\nError: {error}\n"


# --- --as-at outside the periods held ---


@pytest.mark.parametrize("command", ["summary", "ranking", "exceptions"])
def test_as_at_before_the_first_period_held_says_nothing_is_held(demo, command):
    run = laa(command, "--as-at", "2001/02 Q1")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "error: --as-at '2001/02 Q1': nothing is held for 2001/02 Q1 in Haringey: the first period held is 2006/07 Q1\n"
    )


@pytest.mark.parametrize("command", ["summary", "ranking", "exceptions"])
def test_as_at_after_the_last_period_held_warns_and_labels_the_figures_with_it(demo, command):
    run = laa(command, "--as-at", "2015/16 Q1", "--format", "json")
    assert run.code == 0
    assert run.err == "warning: nothing is held after 2009/10 Q3 in Haringey: the figures are as at 2009/10 Q3\n"
    latest = laa(command, "--format", "json")
    assert run.json() == {**latest.json(), "as_at": "2009/10 Q3"}
    table = laa(command, "--as-at", "2015/16 Q1")
    assert "2015/16" not in table.out


@pytest.mark.parametrize("as_at", ["2008/09 Q4", "2009-11", "2009/10 Q3"])
def test_as_at_within_the_periods_held_is_quiet(demo, as_at):
    run = laa("summary", "--as-at", as_at)
    assert (run.code, run.err) == (0, "")
    assert run.out.endswith(f"\nHaringey, as at {as_at}\n")


# --- Tables fit the terminal; piped, every column in full ---


class Terminal:
    """What `laa` prints on, as output.py sees it: a terminal (the runner's own stdout is a pipe)."""

    def isatty(self) -> bool:
        return True


def on_a_terminal(monkeypatch, columns: int) -> None:
    monkeypatch.setattr("dashboard.domain.output.sys", SimpleNamespace(stdout=Terminal()))
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(100, 24): os.terminal_size((columns, 24)))


def test_every_table_fits_a_100_column_terminal(demo, monkeypatch):
    on_a_terminal(monkeypatch, 100)
    for args in (
        ["exceptions"],
        ["exceptions", "--status", "amber"],
        ["history", "NI 117"],
        ["summary"],
        ["ranking"],
        ["ranking", "--basis", "rated"],
        ["batches"],
        ["audit"],
    ):
        run = laa(*args)
        assert (run.code, run.err) == (0, ""), args
        assert [line for line in run.out.splitlines() if len(line) > 100] == [], args
    # Variation and assurance sit after the figures; the text columns give way (piped, the table is whole).
    assert "NI 151  Overall …  Enterpri…  2009/10…    66.5    61.1  ▼ specia…  ↕ hit an…  Jobcentre…  Off track…" in (
        laa("exceptions").out.splitlines()
    )
    # A date is kept whole, like a figure: the text columns give way.
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d  demo  upload  NI 39   2009/10 Q2  actual +1546 +1496 +batch 2: \S+…",
        laa("audit", "--target", "NI 39").out.splitlines()[2],
    )


NI_59 = "Percentage of initial assessments for children's social care carried out within 7 working days of referral"
NI_59_COMMENTARY = (
    "Off track at 2009/10 Q3: the new duty and assessment team has started to clear the backlog, but timeliness is "
    "still well short."
)


def test_piped_exceptions_give_the_indicator_and_commentary_in_full(demo):
    run = laa("exceptions", "--board", "Children's Trust")
    assert (run.code, run.err) == (0, "")
    ni59 = next(line for line in run.out.splitlines() if line.startswith("NI 59 "))
    assert NI_59 in ni59 and ni59.endswith(NI_59_COMMENTARY)
    assert "…" not in run.out


def test_piped_audit_gives_the_date_old_and_new_commentary_and_detail_in_full(demo):
    run = laa("audit", "--target", "NI 39")
    assert (run.code, run.err) == (0, "")
    commentary = next(line for line in run.out.splitlines() if " commentary " in line)
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d  demo  upload  NI 39   2009/10 Q2  commentary +Off track", commentary)
    assert "the new HES coding counts more alcohol-attributable conditions.  Corrected after" in commentary
    assert commentary.endswith(
        "not the provisional 1,546, so amber rather than red.  batch 2: haringey_corrections.csv"
    )
    assert "…" not in run.out


def test_a_table_shortens_its_widest_text_and_never_a_number():
    note = "Off track: the recession has cut the jobs and apprenticeships open to 16-18 year olds."
    frame = pd.DataFrame({"code": ["NI 117", "NI 1"], "note": [note, "On track."], "value": [1234567.5, 2.0]})
    assert to_table(frame, width=40).splitlines() == [
        "code    note                       value",
        "------  ---------------------  ---------",
        "NI 117  Off track: the reces…  1234567.5",
        "NI 1    On track.                      2",
    ]
    # Nothing to shorten when it fits; a table of figures that cannot fit is left whole.
    assert to_table(frame, width=200).splitlines()[2] == f"NI 117  {note}  1234567.5"
    figures = pd.DataFrame({"a": [123456789012], "b": [987654321098]})
    assert to_table(figures, width=10).splitlines()[2] == "123456789012  987654321098"


def test_a_table_fits_the_terminal_it_is_printed_on_and_is_whole_in_a_pipe(monkeypatch):
    frame = pd.DataFrame({"code": ["NI 117"], "note": ["x" * 180]})
    assert [len(line) for line in to_table(frame).splitlines()] == [12, 188, 188]  # pytest's stdout is no terminal
    on_a_terminal(monkeypatch, 30)
    assert [len(line) for line in to_table(frame).splitlines()] == [12, 30, 30]


# --- The ranking names the order it lists ---


def _ranks(table: str) -> dict[str, tuple[int, int]]:
    """Board → (rank, rank on the other basis) from `laa ranking`'s table."""
    rows = table.split("\n\n")[0].splitlines()[2:]
    return {" ".join(row.split()[1:-5]): (int(row.split()[0]), int(row.split()[-1])) for row in rows}


def test_ranking_on_all_targets_shows_the_rated_order_beside_it_and_names_it(demo):
    run = laa("ranking")
    assert run.code == 0
    assert run.out.splitlines()[0].endswith("Rank if rated only")
    assert _ranks(run.out) == {board: (RANKING.index(board) + 1, RATED_RANKING.index(board) + 1) for board in RANKING}
    assert run.out.split("\n\n")[1] == (
        "Ranked by % green or amber of all targets; ties by lower red %, then name.\n"
        "On rated targets only (data awaited left out) the order is: Integrated Housing, Wellbeing, Safer\n"
        "Communities, Better Places, Children's Trust, Enterprise, PMG.\n"
    )


def test_ranking_on_rated_targets_shows_the_all_targets_order_beside_it_and_names_it(demo):
    run = laa("ranking", "--basis", "rated")
    assert run.code == 0
    assert run.out.splitlines()[0].endswith("Rank on all targets")
    assert _ranks(run.out) == {board: (RATED_RANKING.index(board) + 1, RANKING.index(board) + 1) for board in RANKING}
    assert run.out.split("\n\n")[1] == (
        "Ranked by % green or amber of rated targets only (data awaited left out); ties by lower red %, then\n"
        "name.\n"
        "On all targets the order is: Wellbeing, Safer Communities, Children's Trust, Integrated Housing,\n"
        "Better Places, PMG, Enterprise.\n"
    )


def test_ranking_json_keeps_its_keys_and_adds_the_other_order(demo):
    got = laa("ranking", "--format", "json").json()
    assert [r["theme_board"] for r in got["ranking"]] == RANKING
    assert got["bases_agree"] is False
    assert got["boards_placed_differently"] == [b for b in RANKING if RANKING.index(b) != RATED_RANKING.index(b)]
    assert got["other_basis"] == "rated"
    assert [(r["rank"], r["theme_board"]) for r in got["other_basis_ranking"]] == list(
        enumerate(RATED_RANKING, start=1)
    )


def test_ranking_says_when_both_bases_give_one_order(engine, tmp_path):
    path = tmp_path / "two_boards.csv"
    path.write_text(
        "indicator_code,theme_board,period,rag\n"
        "LAA 1,Alpha,2009/10 Q3,green\nLAA 2,Alpha,2009/10 Q3,green\n"
        "LAA 3,Beta,2009/10 Q3,red\nLAA 4,Beta,2009/10 Q3,data awaited\n"
    )
    assert laa("import", str(path)).code == 0
    run = laa("ranking")
    assert run.out.endswith("\nOn rated targets only (data awaited left out) the order is the same.\n")


# --- laa serve: stopping the command stops the server ---


def _wait_until_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"laa serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)


def _refuses_connections(port: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except ConnectionRefusedError:
            return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _end_session(server: subprocess.Popen) -> None:
    """Whatever the test started and left behind (the old `laa serve` left its Streamlit child running)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    if server.poll() is None:
        server.wait(timeout=10)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_laa_serve_stops_the_server_and_frees_the_port(tmp_path, stop):
    port = free_port()
    env = {
        **os.environ,
        "LAA_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    command = [str(Path(sys.executable).parent / "laa"), "serve", "--port", str(port), "--address", "127.0.0.1"]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        # A session of its own, so that whatever it leaves behind can be ended by its id afterwards.
        server = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_healthy(port, server, log)
        # Once it answers (not before), one line says where it is: Streamlit's own welcome is not printed.
        ready = f"The dashboard is at http://127.0.0.1:{port} (Ctrl+C stops it)\n"
        deadline = time.monotonic() + 10
        while ready not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert log.read_text().count(ready) == 1
        assert "You can now view" not in log.read_text()
        server.send_signal(stop)
        server.wait(timeout=30)
        assert _refuses_connections(port, within=5), "the dashboard still answers after `laa serve` was stopped"
    finally:
        _end_session(server)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 another program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_laa_serve_refuses_a_port_in_use_and_says_how_to_choose_another(tmp_path, monkeypatch, taken_port):
    monkeypatch.setenv("LAA_DATABASE_URL", f"sqlite:///{tmp_path / 'laa.sqlite3'}")
    monkeypatch.setattr(os, "execve", _never_exec)
    monkeypatch.setattr(serving, "start_announcer", _never_exec)
    for args in (["--port", str(taken_port)], []):  # --port, or LAA_PORT
        monkeypatch.setenv("LAA_PORT", str(taken_port))
        run = laa("serve", *args, "--address", "127.0.0.1")
        assert (run.code, run.out) == (2, "")
        assert run.err == (
            f"error: port {taken_port} is already in use on 127.0.0.1 (another dashboard, or another program, is "
            f"listening there): choose another with LAA_PORT, e.g. `LAA_PORT={taken_port + 1} bash scripts/start`, "
            f"or `laa serve --port {taken_port + 1}`\n"
        )
    assert not (tmp_path / "laa.sqlite3").exists()  # refused before anything was made


def test_the_address_is_announced_only_when_the_server_answers(capsys):
    port = free_port()
    stopped = subprocess.Popen(["true"])  # a server that has stopped: its pid is no longer running
    stopped.wait()
    assert serving._watch("127.0.0.1", port, stopped.pid) == 0  # nothing answers and the server has gone
    assert capsys.readouterr().out == ""

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/_stcore/health" else 404)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_args) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", port), Health) as answering:
        thread = threading.Thread(target=answering.serve_forever, daemon=True)
        thread.start()
        try:
            assert serving._watch("127.0.0.1", port, os.getpid()) == 0
        finally:
            answering.shutdown()
    assert capsys.readouterr().out == f"The dashboard is at http://127.0.0.1:{port} (Ctrl+C stops it)\n"
    assert serving.display_url("0.0.0.0", 8502) == "http://localhost:8502"


# --- Output cut short by its reader (`| head`): the command ends quietly, as one stopped by SIGPIPE ---

LAA = str(Path(sys.executable).parent / "laa")


def _into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """`laa ARGS` writing into a pipe whose reader has already gone, as after `| head -1` has read its line."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([LAA, *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "args", [["history", "NI 150"], ["summary", "--format", "csv"], ["audit", "--help"], ["--help"]]
)
def test_a_command_whose_reader_goes_away_ends_quietly(demo, args):
    run = _into_a_closed_pipe(*args)
    assert (run.returncode, run.stderr) == (141, "")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_long_table_into_head_shows_its_first_line_and_nothing_on_stderr(demo):
    # The demo's whole audit trail is a table of some 70 kB, more than a pipe holds: head has usually gone by the
    # time the command writes the footer (the closed pipe above is the case without a race).
    command = f"{LAA} audit --limit 0 | head -1"
    run = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120, check=True)
    assert run.stdout.split() == ["When", "Who", "Action", "Target", "Period", "Field", "Old", "New", "Detail"]
    assert run.stderr == ""


# --- Files only where the user runs `laa`, and only when something is written ---


def _without_settings() -> dict[str, str]:
    """This environment without LAA_ variables: the database and the log at their defaults, db/ under the cwd."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LAA_")}


@pytest.mark.parametrize("args", [["summary"], ["areas"], ["history", "NI 150"], ["audit"]])
def test_a_read_command_in_a_directory_with_no_database_says_to_run_init_and_creates_nothing(tmp_path, args):
    run = subprocess.run([LAA, *args], cwd=tmp_path, env=_without_settings(), capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (3, "")
    assert run.stderr == f"error: there is no database at {tmp_path}/db/laa.sqlite3: run `laa init` to create it\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("settings", "database", "log"),
    [
        ({}, "db/laa.sqlite3", "db/laa.log"),
        ({"LAA_DATABASE_URL": "sqlite:///laa.sqlite3", "LAA_LOG_FILE": "logs/laa.log"}, "laa.sqlite3", "logs/laa.log"),
    ],
    ids=["defaults", "relative paths"],
)
def test_laa_serve_gives_the_server_absolute_paths_under_the_callers_directory(tmp_path, monkeypatch, settings,
                                                                               database, log):  # fmt: skip
    """The server runs in the app's folder: a path resolved there would put the log inside the installed package."""
    for name in ("LAA_DATABASE_URL", "LAA_LOG_FILE", "LAA_IDLE_TIMEOUT_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # `laa serve` changes directory before it starts Streamlit, here in this process
    (tmp_path / ".env").write_text("LAA_IDLE_TIMEOUT_MINUTES=5\n")  # read here; the server would look in its folder
    started = {}

    def start(_path, args, env=None) -> None:
        started.update(args=args, cwd=Path.cwd(), env=os.environ if env is None else env)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", start)
    monkeypatch.setattr(os, "execve", start)
    monkeypatch.setattr(serving, "start_announcer", lambda *_args: None)  # no watcher forked from the tests
    monkeypatch.setenv("LAA_PORT", str(port := free_port()))  # 8501 may be someone's dashboard on this machine
    assert laa("serve").code == 0
    assert started["args"][started["args"].index("--server.port") + 1] == str(port)
    assert started["cwd"] == ROOT / "laa_app"
    assert started["env"]["LAA_DATABASE_URL"] == f"sqlite:///{tmp_path / database}"
    assert started["env"]["LAA_LOG_FILE"] == str(tmp_path / log)
    assert started["env"]["LAA_IDLE_TIMEOUT_MINUTES"] == "5"
    assert (tmp_path / database).is_file() and not (tmp_path / log).exists()  # logged nothing yet


# --- An unforeseen error: one line for the user, the traceback in the log, LAA_DEBUG=1 raises it ---


def _break_the_summary(monkeypatch) -> None:
    import dashboard.read.breakdown

    def broken(*_args, **_kwargs):
        raise RuntimeError("the breakdown fell over")

    monkeypatch.setattr(dashboard.read.breakdown, "board_breakdown", broken)


def test_an_unforeseen_error_is_one_line_and_its_traceback_goes_to_the_log(demo, monkeypatch, log_file):
    _break_the_summary(monkeypatch)
    run = laa("summary")
    assert (run.code, run.out) == (3, "")
    assert run.err == f"error: RuntimeError: the breakdown fell over (details in {log_file})\n"
    logged = log_file.read_text()
    assert "ERROR dashboard: laa summary failed" in logged
    assert "Traceback (most recent call last):" in logged and "RuntimeError: the breakdown fell over" in logged


def test_laa_debug_lets_the_error_raise(demo, monkeypatch):
    _break_the_summary(monkeypatch)
    monkeypatch.setenv("LAA_DEBUG", "1")
    with pytest.raises(RuntimeError, match="the breakdown fell over"):
        laa("summary")


# --- A command line that starts at once: --help and a usage mistake load no heavy library ---

HEAVY = ("pandas", "numpy", "pyarrow", "sqlalchemy", "alembic", "openpyxl", "fpdf", "plotly", "pydantic_settings")
"""What the commands work with, loaded only by a command that runs (benchmarks/cli_startup.py times the rest)."""
LOADED = """
import sys
from dashboard.cli import main
try:
    main()
finally:
    print(sorted(m for m in {names} if m in sys.modules))
"""
"""`laa ARGS`, then the names it loaded."""


@pytest.mark.parametrize(
    ("args", "code", "names"),
    [
        (None, 0, (*HEAVY, "pydantic")),
        (["--help"], 0, (*HEAVY, "pydantic")),
        (["nosuchcommand"], 2, (*HEAVY, "pydantic")),
        (["user", "nosuchcommand"], 2, (*HEAVY, "pydantic")),
        (["history"], 2, (*HEAVY, "pydantic")),  # named before Typer converts any value through pydantic
        (["user", "add", "bob"], 2, (*HEAVY, "pydantic")),  # a missing option likewise
        # Typer itself loads pydantic to coerce a command's parameters; the settings (pydantic_settings) stay unread.
        (["summary", "extra"], 2, HEAVY),
    ],
    ids=[
        "import dashboard.cli",
        "--help",
        "unknown command",
        "unknown user command",
        "missing argument",
        "missing option",
        "extra",
    ],  # fmt: skip
)
def test_help_and_a_usage_mistake_load_no_heavy_library_and_create_nothing(tmp_path, args, code, names):
    script = f"import dashboard.cli, sys; print(sorted(m for m in {names} if m in sys.modules))"
    command = [sys.executable, "-c", script if args is None else LOADED.format(names=names), *(args or [])]
    run = subprocess.run(command, cwd=tmp_path, env=_without_settings(), capture_output=True, text=True, timeout=120)
    assert run.returncode == code, run.stderr
    assert run.stdout.splitlines()[-1] == "[]"
    assert list(tmp_path.iterdir()) == []
