"""The dashboard as it is served (`laa serve`, or `streamlit run laa_app/server.py`): app.py's pages behind response
headers that keep every page to its own origin (dashboard/security.py)."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from dashboard.security import SecurityHeaders, inline_script_hashes

# Streamlit's own page carries a small inline script: allow exactly that one, by its hash.
STREAMLIT_PAGE = Path(st.__file__).resolve().parent / "static" / "index.html"

app = st.App(
    str(Path(__file__).resolve().with_name("app.py")),
    middleware=[Middleware(SecurityHeaders, script_hashes=inline_script_hashes(STREAMLIT_PAGE.read_text()))],
)
