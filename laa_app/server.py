"""The dashboard as it is served (`laa serve`, or `streamlit run laa_app/server.py`): app.py's pages behind the
sign-in (dashboard/access/signin.py) and response headers that keep every page to its own origin
(dashboard/access/security.py)."""

from datetime import timedelta
from functools import cache
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from dashboard.access.security import SecurityHeaders, inline_script_hashes
from dashboard.access.signin import SignIn, SignInGate, gate_account
from dashboard.access.statement import statement_route
from dashboard.logs import setup_logging
from dashboard.settings import Settings
from dashboard.store.engine import make_engine
from laa_app.sso import ProviderSignIn, single_sign_on

# Streamlit's own page carries a small inline script: allow exactly that one, by its hash.
STREAMLIT_PAGE = Path(st.__file__).resolve().parent / "static" / "index.html"
SETTINGS = Settings()
IDLE = timedelta(minutes=SETTINGS.idle_timeout_minutes)
setup_logging(SETTINGS.resolved_log_file(), to_stderr=True)  # here, not only in app.py: sign-ins come first


@cache
def engine():
    return make_engine(SETTINGS.resolved_database_url(), SETTINGS.sqlite_busy_timeout_ms)


SSO = single_sign_on()
app = st.App(
    str(Path(__file__).resolve().with_name("app.py")),
    routes=[
        *SignIn(engine, SSO).routes(),
        statement_route(SETTINGS.accessibility_contact, SETTINGS.idle_timeout_minutes),
    ],
    middleware=[
        Middleware(SecurityHeaders, script_hashes=inline_script_hashes(STREAMLIT_PAGE.read_text())),
        Middleware(SignInGate, account=gate_account(engine, IDLE), sso=ProviderSignIn(engine, IDLE) if SSO else None),
    ],
)
