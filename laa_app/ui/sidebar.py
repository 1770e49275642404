"""The sidebar and the pages: navigation by role, the signed-in line, unknown addresses, sign-in prompt."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.access.accounts import Account, account_by_email
from dashboard.access.addresses import Page
from dashboard.access.permissions import Actor, may_open
from dashboard.access.signin import sign_in_link
from dashboard.access.statement import STATEMENT
from dashboard.read.views import (
    md_escape,
    no_page_sentence,
)
from laa_app.sso import single_sign_on
from laa_app.ui.people import sign_out, timed_out_after
from laa_app.ui.reads import area_names, engine

HELICOPTER = "helicopter.py"
AREAS = "areas.py"
BOARD = "board.py"
TARGET = "target.py"
UPLOAD = "upload.py"
QUALITY = "quality.py"
MY_TARGETS = "entry.py"
AUDIT = "audit.py"
INDICATORS = "indicators.py"
TARGETS = "targets.py"
USERS = "users.py"


def sign_in_prompt() -> None:
    """What a browser that is not signed in sees: nothing of the partnership, only the way to sign in."""
    st.title("LAA performance dashboard")
    ended = timed_out_after()
    if st.session_state.pop("_signed_out", False):
        st.success("You have signed out.", icon=":material/logout:")
    elif ended:
        st.info(f"Your sign-in ended after {ended} unused. Sign in again to carry on.", icon=":material/timer_off:")
    else:
        st.info("Sign in to see the partnership's targets.", icon=":material/lock:")
    st.html(sign_in_link(_here()))  # and back to this page once signed in
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
    HELICOPTER: ("Helicopter view", ":material/travel_explore:", Page.HELICOPTER),
    AREAS: ("Areas", ":material/map:", Page.AREAS),
    BOARD: ("Theme board", ":material/groups:", Page.BOARD),
    TARGET: ("Target", ":material/query_stats:", Page.TARGET),
    MY_TARGETS: ("My targets", ":material/edit_note:", Page.MY_TARGETS),
    UPLOAD: ("Upload", ":material/upload_file:", Page.UPLOAD),
    INDICATORS: ("Indicators", ":material/tune:", Page.INDICATORS),
    TARGETS: ("Targets for the year", ":material/flag:", Page.TARGETS),
    QUALITY: ("Data quality", ":material/rule:", Page.QUALITY),
    AUDIT: ("Audit", ":material/history:", Page.AUDIT),
    USERS: ("Users", ":material/manage_accounts:", Page.USERS),
}
"""Each page's script: its title, icon and address (the helicopter view's is the root)."""


def _here() -> str:
    """The path and query of the page this browser shows ("/" for the prompt's own address)."""
    path = urlsplit(st.context.url or "").path or "/"
    if path.strip("/") == SIGNED_OUT:
        return "/"
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    return path + (f"?{query}" if query else "")


SIGNED_OUT = "signed-out"


def signed_out_navigation():
    """Nothing of the partnership, not even the page list: the sign-in prompt alone, hidden, at every page's
    address, so that a bookmark opened before signing in (single sign-on lets pages through the gate) shows the
    prompt rather than Streamlit's "Page not found"."""
    prompts = [st.Page(sign_in_prompt, title="Sign in", url_path=SIGNED_OUT, default=True)]
    paths = [path.value for _, _, path in PAGES.values() if path is not Page.HELICOPTER]
    prompts += [st.Page(sign_in_prompt, title="Sign in", url_path=path) for path in paths]
    return st.navigation(prompts, position="hidden")


def navigation(who: Actor):
    """The pages this user's role may use, shown in the sidebar; returns the page this run shows."""
    may = {script: may_open(who, path) for script, (_, _, path) in PAGES.items()}
    made = {
        script: st.Page(script, title=title, icon=icon, url_path=path.value or None, default=script == HELICOPTER)
        for script, (title, icon, path) in PAGES.items()
        if may[script]
    }
    # The address of a page the role lacks (a colleague's link) says so, rather than Streamlit's "Page not found".
    made |= {
        script: st.Page(_not_for_role(title, who), title=title, url_path=path.value, visibility="hidden")
        for script, (title, _, path) in PAGES.items()
        if not may[script]
    }
    # Streamlit's own page list puts its group headings straight inside its <ul>, which screen readers cannot
    # follow (WCAG 1.3.1): it is hidden, and the sidebar lists the pages as links, under their groups, instead.
    page = st.navigation([*made.values(), *_no_such_pages()], position="hidden")
    with st.sidebar.container(key="navigation"):
        # The Areas page is listed once there is more than one area to compare; its address works whatever.
        listed = {**may, AREAS: may[AREAS] and len(area_names()) > 1}
        for group, scripts in NAVIGATION_GROUPS.items():
            if mine := [script for script in scripts if listed[script]]:
                st.markdown(f"**{group}**")
                for script in mine:
                    st.page_link(made[script], label=PAGES[script][0], icon=PAGES[script][1])
    return page


NAVIGATION_GROUPS = {
    "Partnership": [HELICOPTER, AREAS, BOARD, TARGET],
    "Yours": [MY_TARGETS],
    "Data": [UPLOAD, INDICATORS, TARGETS, QUALITY, AUDIT],
    "Administration": [USERS],
}


_UNKNOWN = "_unknown_addresses"


def _no_such_pages() -> list:
    """A hidden page at each address this browser asked for that is no page of ours (/users), saying so: otherwise
    Streamlit runs the helicopter view there under its own "Page not found". Kept for the session, so that a rerun
    on that page (the sidebar's sign-out) finds it again."""
    known = {path.value for _, _, path in PAGES.values()}
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
    """The accessibility statement, open without signing in (dashboard/access/statement.py); Streamlit opens a link in a
    new tab, and the link says so."""
    st.caption(f"[Accessibility statement (opens in a new tab)]({STATEMENT})")


_PAGE = "_page_shown"
_ARRIVED = "_arrived"


def note_page(page) -> None:
    """app.py tells which page this run shows, so the pickers know when the user has just arrived at it: from
    another page, or by a link to this page with other choices in its address (a county's district)."""
    written = st.session_state.get(_IN_URL, {})
    # A run a picker's change started is the user working on the page shown: an address unlike what the pickers
    # wrote is then the browser's, not yet caught up with the last run's writing (two choices in quick
    # succession), never a link followed, which changes no widget.
    picked = st.session_state.pop(_PICKED, False)
    followed = not picked and any(st.query_params.get_all(param) != value for param, value in written.items())
    st.session_state[_ARRIVED] = st.session_state.get(_PAGE) != page.url_path or followed
    # A link to the page shown changes the script's address but not the browser's: the pickers write it once.
    st.session_state[_FOLLOWED] = followed and st.session_state.get(_PAGE) == page.url_path
    if st.session_state[_ARRIVED]:
        st.session_state[_IN_URL] = {}
    st.session_state[_PAGE] = page.url_path
    st.session_state[_RUN] = st.session_state.get(_RUN, 0) + 1


_RUN = "_run_number"
_PICKED = "_picked_this_run"


def picked() -> None:
    """A picker's on_change: the run about to start is a choice made on the page shown."""
    st.session_state[_PICKED] = True


_IN_URL = "_written_to_url"
_FOLLOWED = "_followed_to_same_page"


def address_to_write() -> bool:
    """True once, in the run after a link to the page shown: the browser's address still shows the old choices."""
    return bool(st.session_state.pop(_FOLLOWED, False))


def wrote_to_url(param: str, value: str | list[str] | None) -> None:
    """The pickers say what they put in the address; a widget's change never moves it before the run, so other
    values there at the next run are a link followed (or Back)."""
    values = [] if value is None else [value] if isinstance(value, str) else list(value)
    st.session_state.setdefault(_IN_URL, {})[param] = values


def arrived() -> bool:
    """True on the first run of a page after another page (or a new session)."""
    return st.session_state.get(_ARRIVED, True)


def run_number() -> int | None:
    """Which run of this session this is (note_page counts them): a widget drawn once a run keys on it."""
    return st.session_state.get(_RUN)
