"""Who a page run is for: the sign-in its own connection presents, and signing out."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import streamlit as st
from streamlit import config as st_config

from dashboard.access.accounts import Account
from dashboard.access.permissions import Actor
from dashboard.access.sessions import COOKIE, end_session, session_account
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
