"""Streamlit glue shared by the pages: the one cached engine, cached reads, pickers and empty states.
Every rule and number lives in the dashboard package; this file only caches and lays out."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit import config as st_config
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.accounts import Account, account_by_email
from dashboard.breakdown import COUNT_COLUMNS
from dashboard.charts import ChartText, status_tint
from dashboard.logs import log
from dashboard.names import find_name
from dashboard.periods import Period
from dashboard.permissions import Action, Actor, PermissionDenied, allows
from dashboard.position import NoData, NoSuchArea, Position, load_position, target_history
from dashboard.rules import Status
from dashboard.sessions import COOKIE, end_session, session_account
from dashboard.settings import Settings
from dashboard.signoff import SignOffProblem
from dashboard.statement import STATEMENT
from dashboard.store import queries
from dashboard.store.engine import make_engine
from dashboard.store.schema import data_version
from dashboard.views import (
    BASIS_LABELS,
    NO_DATA_MESSAGE,
    NO_DATA_YET_MESSAGE,
    breakdown_cell_status,
    echoed,
    literal_cells,
    md_escape,
    no_page_sentence,
    signed,
    tile_label,
)
from laa_app.sso import identity_token, single_sign_on

HELICOPTER = "helicopter.py"
BOARD = "board.py"
TARGET = "target.py"
UPLOAD = "upload.py"
QUALITY = "quality.py"
MY_TARGETS = "entry.py"
AUDIT = "audit.py"
INDICATORS = "indicators.py"
TARGETS = "targets.py"
USERS = "users.py"

STYLESHEET = Path(__file__).resolve().with_name("accessible.css")
"""The app's own few styles (a visible focus ring): CSS only, a file of the package, never data."""

# Light tints of the palette for table cells, so the numbers stay readable; the header names the status.
CELL_TINT = {status: f"background-color: {status_tint(status)}" for status in Status}


def settings() -> Settings:
    """The settings, read once a session (the app is the entry point: it passes them on)."""
    if _SETTINGS not in st.session_state:
        st.session_state[_SETTINGS] = Settings()
    return st.session_state[_SETTINGS]


_SETTINGS = "_settings"


def database_url() -> str:
    return settings().resolved_database_url()


@st.cache_resource(show_spinner=False)
def _engine(url: str, busy_timeout_ms: int):
    """One engine per database URL for the whole server: the app is the entry point that makes it."""
    return make_engine(url, busy_timeout_ms)


def engine():
    return _engine(database_url(), settings().sqlite_busy_timeout_ms)


# Every cached read is keyed by the store's data version, read afresh at the top of each run (app.py): a write
# from any process or dashboard server moves it on, so the next interaction reads again. The ttl is a backstop.
CACHED = {"ttl": 600, "max_entries": 64}


def read_data_version() -> int:
    """The store's data version for this run: one cheap query, never cached. Raises SchemaNotReady (run
    `laa init`) on a database without the newest schema."""
    version = data_version(engine())
    st.session_state[_VERSION] = version
    return version


_VERSION = "_data_version"


def data_version_now() -> int:
    """The data version this run read (app.py reads it first), the key of every cached read."""
    return st.session_state[_VERSION] if _VERSION in st.session_state else read_data_version()


@st.cache_data(show_spinner=False, **CACHED)
def _areas(url: str, version: int) -> list[str]:
    with engine().connect() as conn:
        return queries.area_names(conn)


@st.cache_data(show_spinner="Reading the partnership's figures…", **CACHED)
def _position(url: str, area: str | None, version: int) -> Position | None:
    try:
        return load_position(engine(), area)
    except (NoData, NoSuchArea):  # nothing stored yet, or an area an upload would create
        return None


@st.cache_data(show_spinner=False, **CACHED)
def _history(url: str, area: str | None, code: str, version: int):
    position = _position(url, area, version)
    return target_history(engine(), position, code)


@st.cache_data(show_spinner=False, **CACHED)
def _batches(url: str, version: int) -> pd.DataFrame:
    with engine().connect() as conn:
        return queries.batches_frame(conn)


def area_names() -> list[str]:
    return _areas(database_url(), data_version_now())


def area() -> str | None:
    """The partnership area: the only one held, or the one picked in the sidebar when there are several (kept in
    the URL as ?area= and carried to the other pages, like the other choices)."""
    run = st.session_state.get(_RUN)
    if (drawn := st.session_state.get(_AREA_DRAWN)) and drawn[0] == run:
        return drawn[1]  # the picker is drawn once a run; later calls in the same run get its choice
    names = area_names()
    if len(names) <= 1:
        keep_in_url("area", None)
        chosen = names[0] if names else None
    else:
        with st.sidebar:
            chosen, unknown = choice("Partnership area", names, "area", default=names[0])
        if unknown:
            st.sidebar.warning(f"There is no area {echoed(unknown)}; showing {md_escape(chosen)}.")
    st.session_state[_AREA_DRAWN] = (run, chosen)
    return chosen


_AREA_DRAWN = "_area_drawn"


def position() -> Position | None:
    return position_of(area())


def position_of(name: str | None) -> Position | None:
    """The stored position of one area (None: not held), cached by the data version."""
    return _position(database_url(), name, data_version_now())


def require_position() -> Position:
    """The partnership's figures, or an empty state saying what to do (and the page stops there)."""
    found = position()
    if found is None or found.targets.empty:
        empty_state()
        st.stop()
    return found


def empty_state() -> None:
    if not allows(actor(), Action.UPLOAD):  # a page outside the user's navigation cannot be linked to
        st.info(NO_DATA_YET_MESSAGE, icon=":material/info:")
        return
    st.info(NO_DATA_MESSAGE, icon=":material/info:")
    st.page_link(UPLOAD, label="Upload a file", icon=":material/upload_file:")


def history(code: str):
    return _history(database_url(), area(), code, data_version_now())


def batches() -> pd.DataFrame:
    return _batches(database_url(), data_version_now())


# --- Signing in: the served app's gate (dashboard/signin.py) lets a browser in with a session cookie; each run
# checks that session again, so signing out, a disabled account or the idle timeout ends it at the next click.
#
# Who a run is for comes from the cookie its own connection presents, on every run, never from session state:
# Streamlit lets a new websocket resume an existing session by presenting that session's id (the front end sends
# it as the third Sec-WebSocket-Protocol entry when it reconnects), and with no st.login identity it checks
# nothing else, so a browser that knows another person's session id gets that session, state and all. After such
# a resume st.context.cookies is the new connection's (Runtime.get_client returns the session's new client), so
# the identity is the new browser's own, and the state the session held for another sign-in is cleared unseen.

_TOKEN = "_sign_in_token"
_HELD = "_sign_in_held"
"""SHA-256 of the sign-in token whose state this Streamlit session holds."""


def signed_in() -> Account | None:
    """The account this browser signed in as, or None (never signed in, signed out, idle too long, disabled)."""
    token = _presented_token()
    idle = timedelta(minutes=settings().idle_timeout_minutes)
    account = session_account(engine(), token, idle) if token else None
    if account is None and single_sign_on():  # the provider's callback started a session for its identity
        token = identity_token()
        account = session_account(engine(), token, idle) if token else None
    token = token if account is not None else None
    _hold_state_for(token)
    st.session_state[_TOKEN] = token
    if account is not None:
        st.session_state[_ACTOR] = account.actor()
    else:
        st.session_state.pop(_ACTOR, None)
    return account


_ACTOR = "_actor"


def _presented_token() -> str | None:
    """The sign-in token of the connection this run serves: its session cookie."""
    # AppTest runs the app with no browser connection, so with no cookie: tests/fixtures.app_test hands the token
    # in session state instead. A served app never has this option set (AppTest sets it in streamlit.config only).
    if st_config.get_option("global.appTest"):
        return st.session_state.get(_TOKEN)
    return _cookie()


def _hold_state_for(token: str | None) -> None:
    """Clear the session's state when it was held for another sign-in than this run's (another person's session
    resumed by this browser, or a new sign-in), so no widget, choice or upload of theirs shows."""
    if token is None:
        return  # signed out: nothing of the partnership is drawn, and the next sign-in is compared with the last
    mine = hashlib.sha256(token.encode()).hexdigest()
    held = st.session_state.get(_HELD)
    if held is not None and held != mine:
        log.warning("a Streamlit session held for another sign-in was resumed by this browser: its state is cleared")
        st.session_state.clear()
    st.session_state[_HELD] = mine


def actor() -> Actor:
    """Who is signed in on this run (app.py has checked: a page never runs without a sign-in)."""
    return st.session_state[_ACTOR]


def _cookie() -> str | None:
    """The session cookie the browser's websocket brought (the gate let it in with it), if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


def sign_out() -> None:
    # The tokens of this connection, read afresh: the one the session state held may be another browser's.
    end_session(engine(), _presented_token())
    if single_sign_on():
        end_session(engine(), identity_token())
    st.session_state[_TOKEN] = None
    st.session_state["_signed_out"] = True
    if single_sign_on() and st.user.is_logged_in:
        st.logout()


def sign_in_prompt() -> None:
    """What a browser that is not signed in sees: nothing of the partnership, only the way to sign in."""
    st.title("LAA performance dashboard")
    if st.session_state.pop("_signed_out", False):
        st.success("You have signed out.", icon=":material/logout:")
    else:
        st.info("Sign in to see the partnership's targets.", icon=":material/lock:")
    st.markdown("[Sign in](/signin)")
    statement_link()
    if single_sign_on():
        email = str(st.user.get("email") or "") if st.user.is_logged_in else ""
        if email and account_by_email(engine(), email) is None:
            st.warning(
                f"{md_escape(email)} has no dashboard account: ask your partnership's dashboard administrator to "
                "add your e-mail to a user.",
                icon=":material/person_off:",
            )
        elif st.button("Sign in with your work account", key="sso"):
            st.login()


PAGES = {
    HELICOPTER: ("Helicopter view", ":material/travel_explore:", None),
    BOARD: ("Theme board", ":material/groups:", "board"),
    TARGET: ("Target", ":material/query_stats:", "target"),
    MY_TARGETS: ("My targets", ":material/edit_note:", "my-targets"),
    UPLOAD: ("Upload", ":material/upload_file:", "upload"),
    INDICATORS: ("Indicators", ":material/tune:", "indicators"),
    TARGETS: ("Targets for the year", ":material/flag:", "targets"),
    QUALITY: ("Data quality", ":material/rule:", "quality"),
    AUDIT: ("Audit", ":material/history:", "audit"),
    USERS: ("Users", ":material/manage_accounts:", "users"),
}
"""Each page's script: its title, icon and address."""


def signed_out_navigation():
    """Nothing of the partnership, not even the page list: the sign-in prompt alone, hidden, at every page's
    address, so that a bookmark opened before signing in (single sign-on lets pages through the gate) shows the
    prompt rather than Streamlit's "Page not found"."""
    prompts = [st.Page(sign_in_prompt, title="Sign in", url_path="signed-out", default=True)]
    paths = [path for _, _, path in PAGES.values() if path is not None]
    prompts += [st.Page(sign_in_prompt, title="Sign in", url_path=path) for path in paths]
    return st.navigation(prompts, position="hidden")


def navigation(who: Actor):
    """The pages this user's role may use, shown in the sidebar; returns the page this run shows."""
    may = {
        MY_TARGETS: allows(who, Action.ENTER_VALUE) or allows(who, Action.EDIT_COMMENTARY),
        UPLOAD: allows(who, Action.UPLOAD),
        INDICATORS: allows(who, Action.CHANGE_TARGET),
        TARGETS: allows(who, Action.CHANGE_TARGET),
        AUDIT: allows(who, Action.READ_AUDIT),
        USERS: allows(who, Action.MANAGE_USERS),
    }
    made = {
        script: st.Page(script, title=title, icon=icon, url_path=path, default=script == HELICOPTER)
        for script, (title, icon, path) in PAGES.items()
        if may.get(script, True)
    }
    # The address of a page the role lacks (a colleague's link) says so, rather than Streamlit's "Page not found".
    made |= {
        script: st.Page(_not_for_role(title, who), title=title, url_path=path, visibility="hidden")
        for script, (title, _, path) in PAGES.items()
        if not may.get(script, True)
    }
    # Streamlit's own page list puts its group headings straight inside its <ul>, which screen readers cannot
    # follow (WCAG 1.3.1): it is hidden, and the sidebar lists the pages as links, under their groups, instead.
    page = st.navigation([*made.values(), *_no_such_pages()], position="hidden")
    with st.sidebar.container(key="navigation"):
        for group, scripts in NAVIGATION_GROUPS.items():
            if mine := [script for script in scripts if may.get(script, True)]:
                st.markdown(f"**{group}**")
                for script in mine:
                    st.page_link(made[script], label=PAGES[script][0], icon=PAGES[script][1])
    return page


NAVIGATION_GROUPS = {
    "Partnership": [HELICOPTER, BOARD, TARGET],
    "Yours": [MY_TARGETS],
    "Data": [UPLOAD, INDICATORS, TARGETS, QUALITY, AUDIT],
    "Administration": [USERS],
}


_UNKNOWN = "_unknown_addresses"


def _no_such_pages() -> list:
    """A hidden page at each address this browser asked for that is no page of ours (/users), saying so: otherwise
    Streamlit runs the helicopter view there under its own "Page not found". Kept for the session, so that a rerun
    on that page (the sidebar's sign-out) finds it again."""
    known = {path for _, _, path in PAGES.values()}
    ctx = get_script_run_ctx()
    asked = getattr(ctx.pages_manager, "intended_page_name", None) if ctx else None  # no public API tells it
    unknown = st.session_state.setdefault(_UNKNOWN, [])
    # A nested address (/a/b) cannot be a page's: Streamlit's own message stays for those.
    if asked and "/" not in asked and asked not in known and asked not in unknown:
        unknown.append(asked)
    return [
        st.Page(_no_such_page(path), title="Page not found", url_path=path, visibility="hidden") for path in unknown
    ]


def _no_such_page(path: str):
    def page() -> None:
        st.title("Page not found")
        st.warning(no_page_sentence(path) + ".", icon=":material/search_off:")
        st.page_link(HELICOPTER, label="Go to the helicopter view", icon=":material/travel_explore:")

    return page


def _not_for_role(title: str, who: Actor):
    def page() -> None:
        st.title(title)
        st.info(
            f"The {title} page is not open to the {who.role.value} role. Ask your partnership's dashboard "
            "administrator if you need it.",
            icon=":material/block:",
        )
        st.page_link(HELICOPTER, label="Go to the helicopter view", icon=":material/travel_explore:")

    return page


def signed_in_as(account: Account) -> None:
    """The sidebar's line saying who is signed in, and the sign-out."""
    with st.sidebar:
        scope = f", {account.scope()}" if account.scope() else ""
        st.caption(f"Signed in as **{md_escape(account.name)}** ({account.role.value}{md_escape(scope)})")
        st.button("Sign out", key="sign_out", on_click=sign_out, icon=":material/logout:")
        statement_link()


def statement_link() -> None:
    """The accessibility statement, open without signing in (dashboard/statement.py); Streamlit opens a link in a
    new tab, and the link says so."""
    st.caption(f"[Accessibility statement (opens in a new tab)]({STATEMENT})")


_PAGE = "_page_shown"
_ARRIVED = "_arrived"


def note_page(page) -> None:
    """app.py tells which page this run shows, so the pickers know when the user has just arrived at it."""
    st.session_state[_ARRIVED] = st.session_state.get(_PAGE) != page.url_path
    st.session_state[_PAGE] = page.url_path
    st.session_state[_RUN] = st.session_state.get(_RUN, 0) + 1


_RUN = "_run_number"


def arrived() -> bool:
    """True on the first run of a page after another page (or a new session)."""
    return st.session_state.get(_ARRIVED, True)


def choice(
    label: str,
    options: list[str],
    param: str,
    *,
    default: str,
    format_func=str,
    help: str | None = None,
    in_url=lambda value: True,
    find=find_name,
) -> tuple[str, str | None]:
    """A drop-down whose choice is kept in the URL (?param=) and carried to the other pages.

    On arriving at a page the URL decides (a link or a bookmark), else the choice made on another page, else
    the default; after that the widget's own state decides, so every choice shows at once. Returns the choice
    and the URL's value when it names no option (for a warning)."""
    key = f"pick_{param}"
    unknown = None
    # A widget belongs to the page that draws it: on another page the same key is a new widget, so its value is
    # set again from the URL or the remembered choice whenever the user arrives at a page.
    if arrived() or key not in st.session_state or st.session_state[key] not in options:
        asked = st.query_params.get(param)
        wanted = find(options, asked)
        if asked and wanted is None:
            unknown = asked
        remembered = st.session_state.get(_remembered(param))
        st.session_state[key] = wanted or (remembered if remembered in options else default)
    chosen = st.selectbox(label, options, key=key, format_func=format_func, help=help)
    keep_in_url(param, chosen if in_url(chosen) else None)
    st.session_state[_remembered(param)] = chosen
    return chosen, unknown


def keep_in_url(param: str, value: str | None) -> None:
    """Put ?param=value in the address (None: take it out), only when it changes: every write makes the browser
    add a history entry, and one made as a link's page arrives can land before the page's own address (at
    /?board=…, which opens the board again), so that Back would not leave the page."""
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def switch_in_url(label: str, param: str, on: str, *, help: str | None = None) -> bool:
    """A toggle kept in the URL as ?param=on while it is on, on this page only (a link or a bookmark opens it as
    it was); on arriving the URL decides, after that the toggle itself."""
    key = f"pick_{param}"
    if arrived() or key not in st.session_state:
        st.session_state[key] = st.query_params.get(param) == on
    chosen = st.toggle(label, key=key, help=help)
    keep_in_url(param, on if chosen else None)
    return chosen


def choices_in_url(label: str, options: list[str], param: str) -> tuple[list[str], list[str]]:
    """A multi-select kept in the URL as ?param=a&param=b, on this page only; on arriving the URL decides, after
    that the widget; a choice that is no longer an option (another board's partner) is dropped. Returns the
    choices and what the URL named that is no option (for a warning)."""
    key = f"pick_{param}"
    unknown: list[str] = []
    if arrived() or key not in st.session_state:
        asked = st.query_params.get_all(param)
        found = [find_name(options, value) for value in asked]
        unknown = [value for value, match in zip(asked, found, strict=True) if match is None and value.strip()]
        st.session_state[key] = list(dict.fromkeys(match for match in found if match is not None))
    st.session_state[key] = [value for value in st.session_state[key] if value in options]
    chosen = st.multiselect(label, options, key=key)
    if not chosen:
        keep_in_url(param, None)
    elif st.query_params.get_all(param) != chosen:  # written only when it changes, as keep_in_url
        st.query_params[param] = chosen
    return chosen, unknown


def table_height(rows: int, most: int = 15) -> int:
    """A table's height in pixels showing every row up to `most`, then scrolling (Glide draws 35 px rows)."""
    return (min(rows, most) + 1) * 35 + 3


LOCKED_LOOK = "background-color: #F3F2F1; color: #505A5F"
"""A locked row's cells: a pale grey with a darker grey text (6.6:1), the look of a disabled field."""


def locked_rows(table: pd.DataFrame, locked: pd.Series, editable: list[str]):
    """The table styled so that rows no one can change here look locked before anyone types (Streamlit styles
    only the columns that are not editable)."""
    look = [LOCKED_LOOK if is_locked else "" for is_locked in locked]
    shown = [c for c in table.columns if c not in editable]
    return table.style.apply(lambda column: look, subset=shown)


def only_cell_edits(key: str, rows: int, editable: list[str]) -> bool:
    """Whether the data editor under key holds only what the browser sends for a table of fixed rows: edits to
    the editable cells of its own rows. A state made by hand (rows added or deleted, a row or column the table
    lacks) would make Streamlit raise or show the table other than it is."""
    state = st.session_state.get(key)
    if state is None:
        return True
    if not isinstance(state, Mapping) or state.get("added_rows") or state.get("deleted_rows"):
        return False
    edited = state.get("edited_rows") or {}
    return isinstance(edited, Mapping) and all(
        str(row).isdecimal() and int(row) < rows and isinstance(cells, Mapping) and set(cells) <= set(editable)
        for row, cells in edited.items()
    )


def _remembered(param: str) -> str:
    return f"chosen_{param}"


LATEST = "latest"


def as_at_picker(position: Position) -> Period:
    """The 'as at' quarter (the latest reported by default), kept in the URL as ?as_at= and across pages."""
    quarters = position.reported_quarters()
    labels = [q.label for q in reversed(quarters)]
    remembered = st.session_state.get(_remembered("as_at"))
    if remembered == LATEST or remembered not in labels:
        st.session_state.pop(_remembered("as_at"), None)
    label, _ = choice(
        "As at",
        labels,
        "as_at",
        default=labels[0],
        help="Each target's most recent figures up to this quarter",
        in_url=lambda chosen: chosen != labels[0],
    )
    if label == labels[0]:
        # 'Latest' follows the data: a newer quarter uploaded later becomes the one shown.
        st.session_state[_remembered("as_at")] = LATEST
    return quarters[len(quarters) - 1 - labels.index(label)]


def basis_picker() -> str:
    """The ranking basis, kept in the URL as ?basis=rated and across pages (all targets by default)."""
    key = "pick_basis"
    if arrived() or key not in st.session_state or st.session_state[key] not in BASIS_LABELS:
        asked = st.query_params.get("basis")
        remembered = st.session_state.get(_remembered("basis"))
        st.session_state[key] = next((b for b in (asked, remembered) if b in BASIS_LABELS), "all")
    basis = st.segmented_control(
        "Ranking basis", options=list(BASIS_LABELS), format_func=BASIS_LABELS.get, key=key, required=True
    )
    basis = basis or "all"
    keep_in_url("basis", None if basis == "all" else basis)
    st.session_state[_remembered("basis")] = basis
    return basis


def context() -> dict[str, str]:
    """The as-at quarter and ranking basis chosen, for links to other pages."""
    out = {}
    if (held := st.session_state.get(_remembered("area"))) and len(area_names()) > 1:
        out["area"] = held
    as_at = st.session_state.get(_remembered("as_at"))
    if as_at and as_at != LATEST:
        out["as_at"] = as_at
    basis = st.session_state.get(_remembered("basis"))
    if basis and basis != "all":
        out["basis"] = basis
    return out


def targets_table(frame: pd.DataFrame, key: str, code_column: str = "Code", **options) -> None:
    """A table of targets in which selecting a row opens that target, in the same tab, keeping the context."""
    st.caption("Select a row to open that target: its history against target, every version, its commentary.")
    picked = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=key, **options
    )
    if picked.selection.rows:
        code = frame.iloc[picked.selection.rows[0]][code_column]
        st.switch_page(TARGET, query_params={"target": code, **context()})


def target_link(code: str, name: str | None = None) -> None:
    label = md_escape(code) + (f" · {md_escape(name)}" if name else "")
    st.page_link(TARGET, label=label, query_params={"target": code, **context()}, icon=":material/arrow_forward:")


def board_link(board: str, label: str | None = None, icon: str = ":material/groups:") -> None:
    st.page_link(BOARD, label=label or md_escape(board), query_params={"board": board, **context()}, icon=icon)


def status_tiles(tiles: dict[str, dict]) -> None:
    """A mix (movement.headline) as five tiles: the targets, then each status with its share and its change since
    the quarter before; a rise in red or data awaited shows as bad, in green as good."""
    with st.container(horizontal=True):
        for key in ["targets", *COUNT_COLUMNS]:
            tile = tiles[key]
            worse_when_up = key in ("red", "data_awaited")
            st.metric(
                tile_label(key, tile["pct"]),
                tile["value"],
                delta=signed(tile["change"]),
                delta_color="off" if key in ("targets", "amber") else ("inverse" if worse_when_up else "normal"),
                delta_arrow="off" if not tile["change"] else "auto",
                border=True,
                width=150,
            )


def chart(figure, text: ChartText) -> None:
    """A chart with its text alternative: the sentence saying what it shows above it, the table of its figures
    one click away below it."""
    st.caption(md_escape(text.sentence))
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
    with st.expander("The figures in this chart"):
        st.table(literal_cells(text.figures), hide_index=True)


def style_breakdown(frame: pd.DataFrame):
    """Colour each status column of a breakdown table with its tint (its header carries the word)."""
    styles = {c: CELL_TINT[s] for c in frame.columns if (s := breakdown_cell_status(c)) is not None}
    styler = frame.style.format({c: "{:.1f}" for c in frame.columns if c.endswith("%")})
    for column, css in styles.items():
        styler = styler.map(lambda _v, css=css: css, subset=[column])
    return styler.apply(lambda row: ["font-weight: bold" if row.iloc[0] == "Total" else "" for _ in row], axis=1)


def act(change) -> None:
    """Run a change the page offers (a sign-off, a re-opening): refused ones say why on the page, never a
    traceback; a done one reruns the page so it shows the new state."""
    try:
        change()
    except (PermissionDenied, SignOffProblem) as refused:
        st.error(md_escape(refused), icon=":material/block:")
        return
    st.rerun()
