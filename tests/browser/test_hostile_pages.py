"""Every page over a store whose names, units and commentary are hostile: all of it shows as literal text. No
element from data is rendered as markup or a link, the browser asks no host but the app's, and no dialog opens."""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.request
from urllib.parse import quote_plus, urlsplit

import pytest

from dashboard.access.sessions import COOKIE
from dashboard.store.engine import make_engine
from dashboard.write.importer import import_bytes
from tests.browser.conftest import idle, new_tab, running_dashboard
from tests.fixtures import PASSWORD, acting, new_store, session_token

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = None

pytestmark = pytest.mark.browser

EVIL = "evil.example"
LINK_BOARD = f'<a href="http://{EVIL}/">Board</a>'
MARKDOWN_BOARD = f"![x](http://{EVIL}/i.png) **bold** :red[alarm] www.{EVIL}"
PHISHING = f"Session expired - sign in again at https://{EVIL}/login"
HOSTILE_ROWS = [
    # indicator_code, theme_board, indicator_name, unit, lead_partner, commentary, remedial_action, target, actual
    ("NI 1", LINK_BOARD, f"<b>bold</b> <img src=http://{EVIL}/a.png onerror=alert(1)>",
     f'<a href="http://{EVIL}">unit</a>', "=HYPERLINK(\"http://evil.example\")",
     f"<script>alert(1)</script> [click](javascript:alert(1)) https://{EVIL}/c", "**act now** `code`", 10, 5),
    ("NI 2", MARKDOWN_BOARD, f"[name](http://{EVIL}/n) $x^2$ <i>it</i>", "<b>%</b>", "@partner",
     f"![img](http://{EVIL}/p.png) ~~struck~~ <u>under</u>", f"http://{EVIL}/r", 10, 12),
    ("NI 3", PHISHING, "Plain name", "%", "Haringey Council", "", "", 10, None),
]  # fmt: skip
HEADER = [
    "indicator_code", "theme_board", "indicator_name", "unit", "lead_partner", "commentary", "remedial_action",
    "target", "actual", "period", "area",
]  # fmt: skip
PAGE_PATHS = {
    "Theme board": r"/board$",
    "Target": r"/target$",
    "Upload": r"/upload$",
    "Data quality": r"/quality$",
    "Helicopter view": r"/$",
}
PAGES = [
    "/",
    f"/board?board={quote_plus(LINK_BOARD)}",
    f"/board?board={quote_plus(MARKDOWN_BOARD)}",
    f"/board?board={quote_plus(PHISHING)}",
    "/board?board=" + quote_plus(f"Session expired - sign in again at https://{EVIL}/x and www.{EVIL}"),
    "/target?target=NI+1",
    "/target?target=NI+2",
    "/target?target=" + quote_plus(f"[go](http://{EVIL}) https://{EVIL}"),
    "/upload",
    "/quality",
]


def hostile_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for period in ("2009/10 Q2", "2009/10 Q3"):
        for row in HOSTILE_ROWS:
            writer.writerow([*row, period, "<i>Area</i>"])
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def hostile_dashboard(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    url = new_store(f"sqlite:///{folder / 'hostile.sqlite3'}")
    engine = make_engine(url)
    import_bytes(engine, hostile_file(), "hostile.csv", acting("analyst"))
    engine.dispose()
    with running_dashboard(url, folder / "streamlit.log") as base:
        yield base, url


@pytest.mark.parametrize("path", PAGES)
def test_hostile_data_shows_as_literal_text_on_every_page(browser, hostile_dashboard, path):
    page = new_tab(browser, *hostile_dashboard)
    context, dialogs, foreign = page.context, page.dialogs, []
    own = urlsplit(hostile_dashboard[0]).netloc
    page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).netloc not in (own, "") else None)
    try:
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()
        idle(page)
        page.wait_for_load_state("networkidle")  # charts and images that would fetch anything have tried to
        # No link and no image from data: every href and src stays on the app's own origin (the app's own links
        # may carry a hostile name in their query string; that is data going to the app, not a link out).
        targets = page.evaluate(
            """() => [...document.querySelectorAll('a, img, image, iframe, script, link')].map(e => new URL(
                   e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('src') || '',
                   document.baseURI).href)"""
        )
        assert [t for t in targets if urlsplit(t).netloc != own or urlsplit(t).scheme not in ("http", "https")] == []
        # No formatting from data: no bold 'bold', no struck or underlined text, no colour directive.
        for selector in ("strong:has-text('bold')", "b:has-text('bold')", "del", "u", "main i:has-text('it')"):
            assert page.locator(selector).count() == 0, selector
        assert page.locator('[data-testid="stException"]').count() == 0
        assert foreign == []
        assert dialogs == []
    finally:
        context.close()


def shown(locator) -> str:
    """The text a reader sees: the invisible word joiners that keep addresses from becoming links left out."""
    return locator.inner_text().replace("\u2060", "").strip()


def test_hostile_names_are_shown_as_written(browser, hostile_dashboard):
    page = new_tab(browser, *hostile_dashboard)
    context = page.context
    try:
        page.goto(f"/board?board={quote_plus(MARKDOWN_BOARD)}")
        expect(page.locator("h1").first).to_contain_text("bold")
        assert shown(page.locator("h1").first) == MARKDOWN_BOARD
        page.goto(f"/board?board={quote_plus(LINK_BOARD)}")
        expect(page.locator("h1").first).to_contain_text("Board")
        assert shown(page.locator("h1").first) == LINK_BOARD
        page.get_by_text("Show all statuses", exact=True).click()
        expect(page.get_by_text("Commentary: <script>alert(1)</script> [click](javascript:alert(1))")).to_be_visible()
        page.goto("/")
        expect(page.get_by_text("Boards ranked, best first")).to_be_visible()
        idle(page)
        # The chart's board labels are the names as written, not links or markup.
        page.locator(".ytick text").first.wait_for(state="attached")
        labels = page.evaluate("() => [...document.querySelectorAll('.ytick text')].map(t => t.textContent)")
        assert any(LINK_BOARD in label for label in labels), labels
    finally:
        context.close()


def test_a_database_that_cannot_be_reached_is_one_plain_sentence_at_the_sign_in(browser, tmp_path):
    with running_dashboard("postgresql+psycopg://laa@127.0.0.1:1/laa", tmp_path / "down.log") as base:
        page = new_tab(browser, base, role=None)
        try:
            # No session can be checked without the store: every page asks for a sign-in.
            for path in PAGE_PATHS.values():
                page.goto(path.rstrip("$"))
                expect(page).to_have_url(re.compile(r"/signin"))
            page.get_by_label("Username").fill("ann")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            alert = page.get_by_role("alert")
            expect(alert).to_contain_text("is PostgreSQL running?")
            assert (
                "cannot reach the database at 127.0.0.1:1: is PostgreSQL running? Start it, or correct the host "
                "and port in LAA_DATABASE_URL"
            ) in shown(alert)
            assert "Traceback" not in page.content()
        finally:
            page.context.close()


def response_headers(url: str, headers: dict[str, str]) -> dict[str, str]:
    """The response's headers, lower-cased, whatever its status (a refused request's too)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as refused:
        return {k.lower(): v for k, v in refused.headers.items()}


def test_every_response_carries_the_security_headers(hostile_dashboard):
    base, url = hostile_dashboard
    signed_in = {"Cookie": f"{COOKIE}={session_token(url)}"}
    for path, headers in [
        ("/", signed_in),
        ("/board?board=PMG", signed_in),
        ("/_stcore/health", {}),
        ("/favicon.png", {}),
        ("/signin", {}),
        ("/", {}),  # refused: not signed in
    ]:
        headers = response_headers(base + path, headers)
        policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
        assert policy["default-src"] == "'self'", path
        assert policy["connect-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'", path
        assert "http" not in headers["content-security-policy"], path  # no outside host is allowed anything
        assert (headers["x-frame-options"], headers["x-content-type-options"]) == ("DENY", "nosniff"), path
