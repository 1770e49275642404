"""Who a page run is for: the sign-in its own connection presents, and signing out."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from streamlit import config as st_config

from dashboard.access.accounts import Account
from dashboard.access.permissions import Actor
from dashboard.access.sessions import (
    COOKIE,
    end_session,
    keep_session,
    session_account,
    session_ends_at,
    timed_out,
    timeout_warning,
    warning_lead,
)
from dashboard.domain.words import duration
from dashboard.logs import log
from laa_app.sso import identity_token, single_sign_on
from laa_app.ui.reads import engine, settings

# --- Signing in: the served app's gate (dashboard/access/signin.py) lets a browser in with a session cookie; each run
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
    idle = _idle()
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


def _idle() -> timedelta:
    return timedelta(minutes=settings().idle_timeout_minutes)


# --- Before an unused sign-in ends (WCAG 2.2.1 Timing adjustable): a fragment of the page, timed by the browser to
# run when the warning is due, opens a dialog (which takes the keyboard focus, as GOV.UK's timeout warning does)
# saying when the sign-in ends; its button, or closing it, keeps the sign-in. The fragment's runs read the session
# and never mark it used.


def warn_before_sign_in_ends() -> None:
    """Time the warning from this run (app.py calls it on every page, after signed_in found this run's sign-in)."""
    idle = _idle()
    ends = session_ends_at(engine(), st.session_state.get(_TOKEN), idle)
    if ends is None:
        return
    due = ends - warning_lead(idle) - datetime.now(UTC)
    # A later run (any use, in any tab) times it again. Use in another tab since this run moves the end on: that
    # tab's own warning comes when due, and this one says nothing early.
    st.fragment(_sign_in_clock, run_every=max(due, _SOONEST))()


_SOONEST = timedelta(seconds=5)


def _sign_in_clock() -> None:
    idle = _idle()
    token, ends = _this_sign_in(idle)
    if ends is None:  # it ended while the page stood open: the whole page runs again, and asks for a sign-in
        st.session_state[_TIMED_OUT] = timed_out(engine(), token, idle)
        st.rerun()
    if ends - datetime.now(UTC) <= warning_lead(idle):
        _about_to_end(ends)


def _stay() -> None:
    """Keep the sign-in: the dialog's button, or closing the dialog (Esc, its X, a click beside it)."""
    idle = _idle()
    st.session_state[_TIMED_OUT] = not keep_session(engine(), _this_sign_in(idle)[0], idle)


@st.dialog("Your sign-in is about to end", on_dismiss=_stay)
def _about_to_end(ends: datetime) -> None:
    st.markdown(timeout_warning(ends, _browser_zone()))
    if st.button("Stay signed in", key="stay_signed_in", icon=":material/login:", type="primary"):
        _stay()
        st.rerun()  # the whole page: the dialog closes, and the warning is timed again from now


_TIMED_OUT = "_timed_out"


def timed_out_after() -> str | None:
    """The idle timeout in words ("30 minutes") when this browser's sign-in has just ended unused (not signed out or
    disabled), said once; else None."""
    return duration(_idle()) if st.session_state.pop(_TIMED_OUT, False) else None


def _this_sign_in(idle: timedelta) -> tuple[str | None, datetime | None]:
    """This connection's sign-in token (its session cookie, or single sign-on's identity cookie), read afresh as
    signed_in reads it (a fragment's run has no signed_in before it), and when it ends unused (None: it has
    ended)."""
    token = _presented_token()
    ends = session_ends_at(engine(), token, idle)
    if ends is None and single_sign_on():
        token = identity_token()
        ends = session_ends_at(engine(), token, idle)
    return token, ends


def _browser_zone() -> ZoneInfo | None:
    try:
        return ZoneInfo(st.context.timezone) if st.context.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None
