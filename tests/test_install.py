"""The package as a partnership installs it: a wheel built from this checkout, installed into a fresh virtualenv,
runs `laa init`, `laa demo`, `laa summary` and `laa serve` from an empty directory (the app, its pages and the demo
data travel in the wheel; the database is db/ under that directory)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from dashboard.store.schema import head_revision
from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.install


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh virtualenv holding the wheel built from this checkout (and nothing else of it)."""
    work = tmp_path_factory.mktemp("install")
    wheels = work / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, cwd=work)
    (wheel,) = wheels.glob("laa_dashboard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for packaged in (
        "laa_app/app.py",
        "laa_app/server.py",
        "laa_app/board.py",
        "laa_app/.streamlit/config.toml",
        "dashboard/sample/haringey_demo.csv",
        "dashboard/access/assets/pages/signin.html",
        "dashboard/store/migrations/versions/0003_data_version.py",
    ):
        assert packaged in names, f"{packaged} is not in {wheel.name}"  # fmt: skip
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(ROOT / "requirements.lock"),
               str(wheel)]  # fmt: skip
    done = subprocess.run(install, capture_output=True, text=True, cwd=work, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


def laa(bin_dir: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAA_")} | {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    return subprocess.run([str(bin_dir / "laa"), *args], cwd=folder, env=env, capture_output=True, text=True)


def test_the_wheel_runs_init_demo_summary_and_serve_from_an_empty_directory(installed, tmp_path):
    folder = tmp_path / "anywhere"
    folder.mkdir()
    init = laa(installed, folder, "init")
    assert init.returncode == 0, init.stderr
    assert init.stdout == f"database ready (sqlite:///{folder}/db/laa.sqlite3, schema {head_revision()})\n"
    demo = laa(installed, folder, "demo")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.splitlines()[0] == "haringey_demo.csv: 264 new, 0 changed, 0 unchanged (batch 1)"
    summary = laa(installed, folder, "summary")
    assert summary.returncode == 0, summary.stderr
    total = next(line for line in summary.stdout.splitlines() if line.startswith("Total"))
    assert total.split() == ["Total", "74", "18", "7", "25", "24", "24.3", "9.5", "33.8", "32.4"]
    assert sorted(p.name for p in folder.iterdir()) == ["db"]

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAA_")} | {"PATH": f"{installed}:/usr/bin:/bin"}
    server = subprocess.Popen(
        [str(installed / "laa"), "serve", "--port", str(port), "--address", "127.0.0.1"],
        cwd=folder, env={**env, "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/_stcore/health", server)
        assert health == "ok"
        base = f"http://127.0.0.1:{port}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        browser.addheaders = [("Accept", "text/html")]
        with browser.open(f"{base}/", timeout=10) as page:  # sent to the sign-in page first
            assert page.url == f"{base}/signin" and "Sign in</button>" in (form := page.read().decode())
            assert "default-src 'self'" in page.headers["Content-Security-Policy"]  # served through server.py
        token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
        password = next(line.split()[1] for line in demo.stdout.splitlines() if line.startswith("  admin "))
        signed = urllib.parse.urlencode({"form_token": token, "next": "/", "username": "admin", "password": password})
        with browser.open(f"{base}/signin", data=signed.encode(), timeout=30) as page:  # the demo's administrator
            assert page.url == f"{base}/" and page.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    assert server.returncode in (0, -signal.SIGTERM), out
    # The server runs in the installed app's folder, but its log is the one under the directory `laa serve` ran in.
    assert "INFO dashboard: admin signed in" in (folder / "db" / "laa.log").read_text()
    assert sorted(p.name for p in folder.iterdir()) == ["db"]
    assert not list(installed.parent.glob("lib/python*/site-packages/laa_app/db")), "the server wrote into the app"


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"laa serve stopped: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")
