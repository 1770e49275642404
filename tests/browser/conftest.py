"""A real dashboard for the browser tests: `streamlit run laa_app/server.py` on a free loopback port over a
temporary demo database, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.access.permissions import Role
from dashboard.access.sessions import COOKIE
from tests.conftest import free_port, unavailable
from tests.fixtures import new_store, session_token

try:
    from playwright.sync_api import expect

    # A page's first run on a freshly started server imports the whole package; on a busy two-core machine
    # that takes more than Playwright's default five seconds. Conditions are still awaited, never slept on.
    expect.set_options(timeout=20_000)
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    pass

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "laa_app"
"""The app's folder: `laa serve` runs the server there, where its .streamlit/config.toml is."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def screenshots_dir() -> Path:
    """Where the browser tests save their page screenshots. The README's pictures in docs/screenshots/ are
    tracked, so they are rewritten only on purpose (LAA_UPDATE_SCREENSHOTS=1); any other run writes them to a
    git-ignored folder, so that running the tests leaves `git status` clean."""
    if os.environ.get("LAA_UPDATE_SCREENSHOTS") == "1":
        return ROOT / "docs" / "screenshots"
    return ROOT / "tests" / "browser" / "screenshots"


SCREENSHOTS = screenshots_dir()
VIEWPORT = {"width": 1400, "height": 900}


@contextlib.contextmanager
def running_dashboard(
    database_url: str,
    log: Path,
    *,
    port: int | None = None,
    options: tuple[str, ...] = (),
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """`streamlit run laa_app/server.py` (app.py behind its security headers, as `laa serve` runs it) on a free loopback
    port (or port) over database_url, with Streamlit's command line options and the dashboard's LAA_ settings
    added; yields its address once it answers."""
    port = port or free_port()
    env = {**os.environ, **(settings or {}), "LAA_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP / "server.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options,
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=APP, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _answers(f"{base}/_stcore/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> str:
    """The demo partnership in a SQLite file of the test session."""
    db = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    url = f"sqlite:///{db}"
    new_store(url, demo=True)
    return url


@pytest.fixture(scope="session")
def dashboard_url(demo_database, tmp_path_factory) -> Iterator[str]:
    """The running dashboard's address; its log is printed if it never answers."""
    with running_dashboard(demo_database, tmp_path_factory.mktemp("server") / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() or not shutil.which(str(CHROMIUM)):
        unavailable(f"Debian chromium is not installed at {CHROMIUM}", "LAA_REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is not installed", "LAA_REQUIRE_BROWSER")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def new_tab(browser, base: str, database_url: str | None = None, role: Role | None = Role.ANALYST, **options):
    """A tab in a browser context of its own on the dashboard at base, signed in as the test user of role (its
    session cookie is set before the first request), or not signed in when role is None. Every JavaScript dialog
    it opens is recorded (and dismissed) in tab.dialogs; tab.database_url is the store it reads."""
    context = browser.new_context(base_url=base, **{"viewport": VIEWPORT, **options})
    if role is not None:
        assert database_url is not None, "signing in needs the dashboard's database"
        context.add_cookies([{"name": COOKIE, "value": session_token(database_url, role), "url": base}])
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.dialogs = []

    def on_dialog(dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.database_url = database_url
    return tab


@pytest.fixture
def role() -> Role | None:
    """Who the page and writing_page fixtures sign in as: the analyst, unless a test asks otherwise with
    @pytest.mark.parametrize("role", [Role.PARTNER]) (None: not signed in)."""
    return Role.ANALYST


@pytest.fixture
def open_tab(browser, request):
    """A factory of tabs, each in a context of its own, closed after the test: open_tab(Role.CHAIR) is the chair
    on the shared dashboard, open_tab(None) a browser that has not signed in, open_tab(role, writing_dashboard)
    a tab on another dashboard."""
    contexts = []

    def open_(role: Role | None = Role.ANALYST, dashboard: tuple[str, str] | None = None, **options):
        if dashboard is None:  # the shared dashboard starts only for a test that uses it
            dashboard = request.getfixturevalue("dashboard_url"), request.getfixturevalue("demo_database")
        base, database_url = dashboard
        tab = new_tab(browser, base, database_url, role, **options)
        contexts.append(tab.context)
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_tab, role):
    """A fresh tab on the shared dashboard, signed in (as the analyst unless the test's role says otherwise)."""
    return open_tab(role)


@pytest.fixture
def signed_out_page(open_tab):
    """A fresh tab on the shared dashboard in a context that has never signed in."""
    return open_tab(None)


@pytest.fixture
def writing_dashboard(tmp_path) -> Iterator[tuple[str, str]]:
    """A dashboard of its own over a fresh demo store, for a test that writes: the shared dashboard's figures
    stay the demo's for every other test, whatever order they run in. Yields its address and database URL."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    new_store(url, demo=True)
    with running_dashboard(url, tmp_path / "streamlit.log") as base:
        yield base, url


@pytest.fixture
def writing_page(open_tab, writing_dashboard, role):
    """A signed-in tab (the analyst unless the test's role says otherwise) on writing_dashboard."""
    return open_tab(role, writing_dashboard)


# Streamlit marks its root with the state of the script run; skeletons stand where elements are still to come.
SETTLED = """() => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
                  && !document.querySelector('[data-testid="stSkeleton"]')"""


def idle(page) -> None:
    """Wait until the script run has finished and the browser has painted what it drew (two animation frames)."""
    page.wait_for_function(SETTLED)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def screenshot(page, name: str, *, whole_page: bool = True) -> None:
    """The whole page at 1400px wide: the viewport grows to the height of Streamlit's scrolling main area.
    whole_page=False: what the viewport shows at its own size (a phone's screen)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if not whole_page:
        idle(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        return
    with _whole_page_in_view(page):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def screenshot_of(part, name: str) -> None:
    """Only part of the page (a locator: a keyed container, a table), as the whole page at the tab's width shows it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with _whole_page_in_view(part.page, part.page.viewport_size["width"]):
        part.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


@contextlib.contextmanager
def _whole_page_in_view(page, width: int = VIEWPORT["width"]) -> Iterator[None]:
    """The viewport at that width grown to the height of Streamlit's scrolling main area, then set back."""
    before = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']
              .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight), 900)"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
    idle(page)
    try:
        yield
    finally:
        page.set_viewport_size(VIEWPORT if width == VIEWPORT["width"] else before)


JOINER = "\u2060"
"""md_escape puts an invisible word joiner after a colon (so that no address is made a link)."""


def said(text: str, *, whole: bool = True) -> re.Pattern:
    """The text as the page shows it, a word joiner or none after each colon."""
    pattern = re.escape(text).replace(":", f":{JOINER}?")
    return re.compile(f"^{pattern}$" if whole else pattern)


def section_table(page, key: str):
    """The st.dataframe drawn with the given key (Streamlit marks its container st-key-<key>), once it has rows."""
    table = page.locator(f".st-key-{key} [data-testid='stDataFrame']")
    table.scroll_into_view_if_needed()  # Glide draws a table (and its accessible copy) once it is in view
    table.locator('[data-testid="glide-cell-1-0"]').wait_for(state="attached")  # column 0: the row's tick box
    return table


def cell(table, column: int, row: int):
    """A cell of the table's accessible copy (column 0 is the row's tick box)."""
    return table.locator(f'[data-testid="glide-cell-{column}-{row}"]')
