"""Signing in to the served dashboard, in headless Debian chromium: nothing of the partnership reaches a browser
that has not signed in; the form refuses a wrong password and lands each role on its page; an executive's
navigation has no Upload and no My targets; a partner's entry moves the helicopter view's counts; two people at
once keep their own sign-ins; commentary and filter values that look like code stay data; Streamlit's XSRF
protection stays on; a reload keeps the sign-in and the sidebar's Sign out ends it; a browser that presents
another person's Streamlit session id gets none of that person's sign-in or state."""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import urllib.error
import urllib.request
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import func, select

from dashboard.access.permissions import Actor, Role
from dashboard.access.sessions import COOKIE
from dashboard.store.engine import make_engine
from dashboard.store.models import PeriodValue, Target, ThemeBoard, UploadBatch
from dashboard.write.entry import column_order
from dashboard.write.importer import import_bytes
from tests.browser.conftest import APP, SCREENSHOTS, idle, screenshot
from tests.fixtures import PASSWORD, USERS, acting, session_token, user_of

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under LAA_REQUIRE_BROWSER) without Playwright
    expect = PlaywrightError = None

pytestmark = pytest.mark.browser

# Names and figures of the demo partnership: none may reach a browser that has not signed in.
PARTNERSHIP_DATA = [
    "Children's Trust", "Wellbeing", "Enterprise", "Safer Communities", "Better Places", "Integrated Housing", "PMG",
    "Under 18 conception rate", "Overall employment rate", "NI 56", "NI 151", "-25.9", "NHS Haringey",
]  # fmt: skip
HOSTILE_COMMENTARY = "<script>window.pwned=1</script> <b>bold</b> **not bold** [link](http://example.com)"
SQL = "' OR 1=1 --"
SQL_IN_URL = "%27+OR+1%3D1+--"
# The partner's My targets rows in the grid: NI 150 is the 7th.
NI_150_ROW = 6


# --- Helpers -------------------------------------------------------------------------------------------------


def add_test_user(database_url: str, role: Role) -> str:
    """The test user of that role in that store (added on first use); returns their username."""
    engine = make_engine(database_url)
    try:
        return user_of(engine, role).name
    finally:
        engine.dispose()


def expect_sign_in_form(page) -> None:
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Fill in the sign-in form the page shows and send it."""
    expect_sign_in_form(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in_as(page):
    return page.locator('[data-testid="stSidebar"]').get_by_text("Signed in as")


def nav_labels(page) -> list[str]:
    links = page.locator(".st-key-navigation a")
    return [text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()]  # after the icon


def tile(page, label: str):
    """The value of a helicopter view tile: "Targets", "Red", "Amber", "Green" or "Awaited"."""
    found = page.locator('[data-testid="stMetric"]', has=page.get_by_text(re.compile(rf"^(\W+ )?{label}( ·|$)")))
    return found.locator('[data-testid="stMetricValue"]')


def expect_tiles(page, **counts: int) -> None:
    for label, count in counts.items():
        expect(tile(page, label.capitalize())).to_have_text(str(count))


def my_targets_column(role: Role, heading: str) -> int:
    """Where My targets shows a column to a user of that role (the cells they may change come first)."""
    return column_order(Actor("someone", role)).index(heading)


def card_captions(page) -> list[str]:
    """The line under each target's name on My targets' cards (drawn at every width, shown on a phone)."""
    return page.locator('.st-key-entry_cards [data-testid="stCaptionContainer"]').all_text_contents()


def grid(page, nth: int = 0):
    """A table drawn by Glide (st.dataframe, st.data_editor), once its hidden accessible table is there."""
    table = page.locator('[data-testid="stDataFrame"]').nth(nth)
    table.locator('[data-testid="glide-cell-0-0"]').wait_for(state="attached")
    return table


def grid_rows(table) -> int:
    """How many rows the table holds (Glide's accessible table names them all, but draws only those in view)."""
    return int(table.locator('table[role="grid"]').get_attribute("aria-rowcount")) - 1


def grid_column(table, column: int) -> list[str]:
    """The texts of one column's cells in view."""
    return table.locator(f'[data-testid^="glide-cell-{column}-"]').all_text_contents()


def grid_row(table, row: int) -> list[str]:
    return table.locator(f'tr[aria-rowindex="{row + 2}"] td').all_text_contents()


def selected(table, column: int, row: int):
    """The cell of the table's accessible copy when it is the selected one."""
    return table.locator(f'[data-testid="glide-cell-{column}-{row}"][aria-selected="true"]')


EDITOR = "#portal textarea, #portal input"
"""The editor a grid opens over a cell (Glide draws it in the page's portal)."""


def enter_in_grid(page, row: int, column: int, value: str) -> None:
    """Type a value into one cell of the page's first table, as a user does with the keyboard."""
    table = grid(page)
    box = table.bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # the first row's first cell
    # Each key moves the selection only once the grid has taken the one before: wait for it to arrive there.
    selected(table, 0, 0).wait_for(state="attached")
    for down in range(1, row + 1):
        page.keyboard.press("ArrowDown")
        selected(table, 0, down).wait_for(state="attached")
    for right in range(1, column + 1):
        page.keyboard.press("ArrowRight")
        selected(table, right, row).wait_for(state="attached")
    page.keyboard.press("Enter")
    editor = page.locator(EDITOR)
    editor.wait_for(state="visible")  # keys typed before the cell's editor opens are lost
    page.keyboard.type(value)
    # The grid takes the typed value from its editor a frame later: an Enter before then stores the old value.
    expect(editor).to_have_value(value)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.keyboard.press("Enter")
    editor.wait_for(state="hidden")
    # The grid's own copy of the cell holds what it stored: the value typed, or the test says so here rather than
    # waiting in vain for the page to react to an edit that never arrived.
    expect(table.locator(f'[data-testid="glide-cell-{column}-{row}"]')).to_have_text(value)
    idle(page)


class Received:
    """Everything a page is sent from now on: each response's body (but a redirect's) and each websocket's frames."""

    def __init__(self, page) -> None:
        self.responses, self.sockets = [], {}
        page.on("response", lambda response: self.responses.append(response))
        page.on("websocket", self._socket)

    def _socket(self, socket) -> None:
        frames = self.sockets.setdefault(socket.url, [])
        socket.on("framereceived", lambda payload: frames.append(payload))

    def texts(self) -> dict[str, str]:
        """url → body of every text-like response and websocket, as received."""
        out = {}
        for response in self.responses:
            kind = response.headers.get("content-type", "")
            if 300 <= response.status < 400 or not re.search(r"text|json|javascript|xml|^$", kind):
                continue
            try:
                out[f"{response.request.method} {response.url}"] = response.body().decode("utf-8", "replace")
            except PlaywrightError:  # no body kept (e.g. a page navigated away from)
                continue
        for url, frames in self.sockets.items():
            texts = (f if isinstance(f, str) else str(f, "utf-8", "replace") for f in frames)
            out[f"websocket {url}"] = " ".join(texts)
        return out

    def leaks(self, words: list[str], asked: str = "") -> list[tuple[str, str]]:
        """(where, word) for each word found. Streamlit's front-end files are left out: they are the same for
        everyone, open before signing in, and happen to hold words such as "Enterprise" and "-25.9". asked: the
        browser's own address as a page echoes it (the sign-in link's return), not counted."""
        found = ((where, body.replace(asked, "") if asked else body) for where, body in self.texts().items())
        return [(where, w) for where, body in found if "/static/" not in where for w in words if w in body]


OPEN_STREAM = """() => new Promise(done => {
    const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/_stcore/stream");
    let opened = false, messages = 0;
    socket.onopen = () => { opened = true; };
    socket.onmessage = () => { messages += 1; };
    socket.onclose = event => done({opened, messages});
    setTimeout(() => socket.close(), 10000);  // an open socket would be closed here, so the answer is 'opened'
})"""


def store_counts(database_url: str) -> dict[str, int]:
    """How many boards, targets, stored values and upload batches the store holds."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = (ThemeBoard, Target, PeriodValue, UploadBatch)
            return {t.__name__: conn.scalar(select(func.count()).select_from(t)) for t in tables}
    finally:
        engine.dispose()


def upload_status(base: str, cookies: dict[str, str], headers: dict[str, str] | None = None) -> int:
    """The status of a PUT of a small file to Streamlit's upload endpoint (for a session that does not exist)."""
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="q3.csv"\r\n\r\nx\r\n--b--\r\n'
    request = urllib.request.Request(
        f"{base}/_stcore/upload_file/no-such-session/file-1",
        data=body,
        method="PUT",
        headers={
            "Content-Type": "multipart/form-data; boundary=b",
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


# --- a. Before signing in ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "asked"),
    [
        ("/", None),
        ("/board?board=PMG", "PMG"),
        ("/target?target=NI+117", "NI 117"),
        ("/upload", None),
        ("/my-targets", None),
    ],
)
def test_before_signing_in_no_partnership_data_reaches_the_browser(signed_out_page, path, asked):
    page = signed_out_page
    received = Received(page)
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/signin(\?next=.*)?$"))
    expect_sign_in_form(page)
    # The page cannot open the websocket that carries the figures either.
    assert page.evaluate(OPEN_STREAM) == {"opened": False, "messages": 0}
    page.wait_for_load_state("networkidle")
    assert received.texts(), "the sign-in page itself was received"
    assert received.leaks([word for word in PARTNERSHIP_DATA if word != asked]) == []
    assert [url for url, frames in received.sockets.items() if frames] == []


# --- b, c, d. The sign-in form and where each role lands ----------------------------------------------------


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(signed_out_page, demo_database):
    page = signed_out_page
    name = add_test_user(demo_database, Role.ANALYST)
    page.goto("/signin")
    expect_sign_in_form(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sign_in.png"), full_page=True)

    sign_in(page, name, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("The username or password is not right.")
    expect(page).to_have_url(re.compile(r"/signin$"))
    assert signed_in_as(page).count() == 0

    sign_in(page, name, PASSWORD)
    expect(signed_in_as(page)).to_have_text("Signed in as ann (analyst)")
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def test_a_chair_lands_on_their_board(signed_out_page, demo_database):
    page = signed_out_page
    name = add_test_user(demo_database, Role.CHAIR)
    page.goto("/")
    sign_in(page, name)
    expect(page).to_have_url(re.compile(r"/board\?board=Children%27s\+Trust$"))
    expect(page.locator("h1").first).to_have_text("Children's Trust")
    expect(page.get_by_text("Children's Trust 2009/10 Q3 is not signed off yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign off Children's Trust 2009/10 Q3")).to_be_visible()


def test_an_executive_has_no_upload_and_no_my_targets(signed_out_page, demo_database):
    page = signed_out_page
    name = add_test_user(demo_database, Role.EXECUTIVE)
    page.goto("/")
    sign_in(page, name)
    expect(signed_in_as(page)).to_have_text("Signed in as eve (executive)")
    idle(page)
    assert nav_labels(page) == ["Helicopter view", "Theme board", "Target", "Data quality"]

    # A page that is not in their navigation does not open from its address either: it says whose it is.
    page.goto("/upload")
    expect(signed_in_as(page)).to_be_visible()
    expect(page.get_by_text("The Upload page is not open to the executive role.")).to_be_visible()
    idle(page)
    screenshot(page, "not_for_role")
    assert page.get_by_role("dialog").count() == 0  # no "Page not found"
    assert nav_labels(page) == ["Helicopter view", "Theme board", "Target", "Data quality"]
    assert page.locator(".st-key-navigation").get_by_text("Yours").count() == 0  # no empty heading
    page.get_by_role("link", name="Go to the helicopter view").click()
    expect(page.locator("h1").first).to_have_text("Helicopter view · Haringey")
    page.goto("/upload")
    expect(page.get_by_text("The Upload page is not open to the executive role.")).to_be_visible()
    assert page.get_by_text("Quarterly file").count() == 0
    assert page.get_by_text("Upload the quarter's figures").count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 0


# --- e. A partner's entry -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PARTNER])
def test_a_partners_entry_moves_the_helicopter_view(writing_page, role):
    page = writing_page
    page.goto("/")
    expect_tiles(page, targets=74, red=18, amber=7, green=25, awaited=24)

    page.get_by_role("link", name="My targets").click()
    # the helicopter view's own tables stay on screen until the new page replaces them
    expect(page.get_by_role("heading", name="My targets")).to_be_visible()
    idle(page)
    table = grid(page)
    row, actual = grid_row(table, NI_150_ROW), my_targets_column(role, "Actual")
    assert (row[0], row[actual]) == ("NI 150", "")  # data awaited
    enter_in_grid(page, NI_150_ROW, actual, "7")

    expect(page.get_by_text("What saving will do")).to_be_visible()
    assert grid_row(grid(page, 1), 0) == ["NI 150", "2009/10 Q3", "6.5", "7", "✔ green"]
    screenshot(page, "my_targets")
    page.get_by_role("button", name="Save 1 entry").click()
    expect(page.get_by_text("Saved 1 entry for 2009/10 Q3 as batch 3, entered in the browser by nhs.")).to_be_visible()

    page.get_by_role("link", name="Helicopter view").click()
    expect_tiles(page, targets=74, red=18, amber=7, green=26, awaited=23)


PHONE = {"width": 390, "height": 844}
SIDEWAYS = """() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
                    .map(e => e.scrollWidth - e.clientWidth)"""


@pytest.mark.parametrize("role", [Role.PARTNER])
def test_on_a_phone_each_target_is_a_card_with_nothing_scrolled_sideways(open_tab, writing_dashboard, role):
    page = open_tab(role, writing_dashboard, viewport=PHONE)
    page.goto("/my-targets")
    expect(page.get_by_role("heading", name="My targets")).to_be_visible()
    idle(page)
    expect(page.locator(".st-key-entry_grid")).to_be_hidden()
    cards = page.locator('[class*="st-key-entry_card_"]')
    expect(cards).to_have_count(11)
    assert page.evaluate(SIDEWAYS) == [0, 0]
    card = cards.filter(has_text="NI 150 · ")
    where = re.compile(r"^Wellbeing · NHS Haringey · 2009/10 Q3 · ✎ open\. Target 6\.5; status … data awaited\.")
    expect(card.get_by_text(where)).to_be_visible()

    actual = page.get_by_label("Actual · NI 150")
    actual.fill("7")
    actual.press("Enter")
    expect(page.get_by_text("What saving will do")).to_be_visible()
    assert page.evaluate(SIDEWAYS) == [0, 0]
    save = page.get_by_role("button", name="Save 1 entry")
    save.scroll_into_view_if_needed()
    screenshot(page, "my_targets_phone", whole_page=False)
    save.click()
    expect(page.get_by_text("Saved 1 entry for 2009/10 Q3 as batch 3, entered in the browser by nhs.")).to_be_visible()
    idle(page)  # until the run ends, the card typed into is still shown beside its successor
    expect(page.get_by_label("Actual · NI 150")).to_have_value("7")


# --- f. Two people at once ------------------------------------------------------------------------------------


def test_two_people_signed_in_at_once_never_see_each_others_state(open_tab):
    chair, partner = open_tab(Role.CHAIR), open_tab(Role.PARTNER)
    chair.goto("/my-targets")
    partner.goto("/my-targets")
    expect(signed_in_as(chair)).to_have_text("Signed in as chris (chair, chair of Children's Trust)")
    expect(signed_in_as(partner)).to_have_text("Signed in as nhs (partner, for NHS Haringey)")

    theirs = grid(partner)
    assert grid_rows(theirs) == 11
    assert {c.split(" · ")[1] for c in card_captions(partner)} == {"NHS Haringey"}  # lead partner
    assert "NI 39" in grid_column(theirs, 0)  # a Wellbeing target the chair does not see
    board = grid(chair)
    assert grid_rows(board) == 26
    assert {c.split(" · ")[0] for c in card_captions(chair)} == {"Children's Trust"}  # theme board
    assert "NI 39" not in grid_column(board, 0)

    chair.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    expect(chair.get_by_text("You have signed out.")).to_be_visible()
    chair.reload()
    expect_sign_in_form(chair)
    expect(chair).to_have_url(re.compile(r"/signin(\?next=.*)?$"))  # the signed-out page has no address
    partner.reload()
    expect(signed_in_as(partner)).to_have_text("Signed in as nhs (partner, for NHS Haringey)")
    assert grid_rows(grid(partner)) == 11


# --- g, h. Data that looks like code ---------------------------------------------------------------------------


def commentary_file(code: str, board: str, commentary: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["indicator_code", "theme_board", "period", "commentary"],
                               [code, board, "2009/10 Q3", commentary]])  # fmt: skip
    return out.getvalue().encode()


def assert_nothing_ran_or_rendered(page) -> None:
    """The hostile commentary ran no script and became no bold text and no link."""
    assert page.evaluate("() => typeof window.pwned") == "undefined"
    app = page.locator('[data-testid="stApp"]')
    assert app.locator("b, strong", has_text="bold").count() == 0
    assert page.locator('a[href*="example.com"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def test_commentary_with_html_script_or_markdown_shows_as_literal_text(writing_page, open_tab, writing_dashboard):
    engine = make_engine(writing_page.database_url)
    import_bytes(engine, commentary_file("NI 112", "Children's Trust", HOSTILE_COMMENTARY), "q3.csv", acting("ann"))
    engine.dispose()
    page = writing_page
    for path in ("/board?board=Children%27s+Trust", "/target?target=NI+112"):
        page.goto(path)
        expect(page.get_by_text(f"Commentary: {HOSTILE_COMMENTARY}", exact=True).first).to_be_visible()
        idle(page)
        assert_nothing_ran_or_rendered(page)

    # My targets draws its cells on a canvas: the partner's table holds NI 112 in view; its text is as written.
    partner = open_tab(Role.PARTNER, writing_dashboard)
    partner.goto("/my-targets")
    row = next(r for r in range(11) if grid_row(grid(partner), r)[0] == "NI 112")
    assert grid_row(grid(partner), row)[my_targets_column(Role.PARTNER, "Commentary")] == HOSTILE_COMMENTARY
    idle(partner)
    assert_nothing_ran_or_rendered(partner)


def test_a_filter_value_holding_sql_changes_nothing_and_finds_nothing(page, demo_database):
    before = store_counts(demo_database)
    page.goto(f"/board?board={SQL_IN_URL}")
    expect(page.get_by_text(f"There is no theme board “{SQL}”; showing")).to_be_visible()
    page.goto(f"/target?target={SQL_IN_URL}")
    expect(page.get_by_text(f"There is no target “{SQL}” in Haringey; pick one below.")).to_be_visible()
    idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()

    page.goto("/")
    expect_tiles(page, targets=74, red=18, amber=7, green=25, awaited=24)
    assert store_counts(demo_database) == before


# --- i. XSRF --------------------------------------------------------------------------------------------------


def test_streamlit_keeps_its_xsrf_protection(dashboard_url, demo_database):
    config = tomllib.loads((APP / ".streamlit" / "config.toml").read_text())
    assert config.get("server", {}).get("enableXsrfProtection", True) is True

    session = {COOKIE: session_token(demo_database, Role.ANALYST)}
    assert upload_status(dashboard_url, {}) == 401  # the sign-in gate
    assert upload_status(dashboard_url, session) == 403  # signed in, but no XSRF cookie or header
    # With Streamlit's XSRF cookie and the header that matches it, the upload passes that check (and is then
    # refused for its made-up session): so the 403 was the XSRF check.
    with urllib.request.urlopen(f"{dashboard_url}/_stcore/health", timeout=10) as response:
        xsrf = SimpleCookie(response.headers["set-cookie"])["_streamlit_xsrf"].value
    assert upload_status(dashboard_url, {**session, "_streamlit_xsrf": xsrf}) == 403  # the cookie alone
    assert upload_status(dashboard_url, {**session, "_streamlit_xsrf": xsrf}, {"X-Xsrftoken": xsrf}) == 400


# --- j. Reload and sign-out ----------------------------------------------------------------------------------


def test_a_reload_keeps_the_sign_in_and_sign_out_ends_it(signed_out_page, demo_database):
    page = signed_out_page
    name = add_test_user(demo_database, Role.ANALYST)
    page.goto("/quality")
    sign_in(page, name)
    expect(page).to_have_url(re.compile(r"/quality$"))  # the link asked for before signing in
    expect(signed_in_as(page)).to_have_text(f"Signed in as {USERS[Role.ANALYST][0]} (analyst)")
    page.reload()
    expect(signed_in_as(page)).to_be_visible()
    expect(page.get_by_text("Chase list: targets awaiting data as at")).to_be_visible()

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    idle(page)
    assert signed_in_as(page).count() == 0
    left_in_sidebar = nav_labels(page)
    page.reload()
    expect(page).to_have_url(re.compile(r"/signin(\?next=.*)?$"))  # the signed-out page has no address
    expect_sign_in_form(page)
    # Signed out, the page lists no pages (the app draws nothing of the partnership, not even the page list).
    assert left_in_sidebar == [], "the signed-out page still lists the analyst's pages"


# --- k. Another person's Streamlit session id ------------------------------------------------------------------

# Streamlit's front end opens its websocket with the subprotocols ["streamlit", XSRF token] and, when it reconnects,
# the id of the session it had as a third; the server then resumes that session, state and all, when the
# st.login identity of both connections is the same (none, with the dashboard's own sign-in). This stands in for
# a browser that learnt another person's session id: every websocket it opens presents that id.
PRESENT_SESSION_ID = """session_id => {
    const Native = window.WebSocket;
    function Presenting(url, protocols) {
        if (String(url).endsWith("/_stcore/stream") && Array.isArray(protocols)) {
            protocols = [protocols[0], protocols[1] || "", session_id];
        }
        return new Native(url, protocols);
    }
    Presenting.prototype = Native.prototype;
    Object.assign(Presenting, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
    window.WebSocket = Presenting;
}"""


def session_ids(page) -> list[str]:
    """The Streamlit session id of each script run the page is sent, as sent (ForwardMsg new_session)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found: list[str] = []

    def on_frame(payload) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "new_session":
                found.append(message.new_session.initialize.session_id)

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    return found


def as_at(page):
    return page.get_by_role("combobox", name="As at")


def test_a_browser_presenting_another_persons_session_id_gets_nothing_of_theirs(open_tab):
    analyst = open_tab(Role.ANALYST)
    theirs = session_ids(analyst)
    analyst.goto("/?as_at=2009%2F10+Q1")  # the analyst's own choice of quarter, held in their session's state
    expect(signed_in_as(analyst)).to_have_text("Signed in as ann (analyst)")
    expect(as_at(analyst)).to_have_value("2009/10 Q1")
    idle(analyst)
    analyst_session = theirs[-1]
    analyst.close()  # the session waits in Streamlit's storage for its browser to reconnect

    executive = open_tab(Role.EXECUTIVE)
    executive.add_init_script(script=f"({PRESENT_SESSION_ID})({json.dumps(analyst_session)})")
    mine = session_ids(executive)
    executive.goto("/")
    expect(signed_in_as(executive)).to_have_text("Signed in as eve (executive)")
    expect(as_at(executive)).to_have_value("2009/10 Q3")  # the latest quarter: none of the analyst's state
    idle(executive)
    assert mine and set(mine) == {analyst_session}, "Streamlit did not resume the analyst's session"
    assert executive.get_by_text("ann (analyst)").count() == 0
