"""The LAA performance dashboard: `streamlit run app.py` (or `laa serve`). Page config and navigation only."""

import logging
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.store.engine import DatabaseUnusable, describe_database_error
from dashboard.views import md_escape
from pages import _ui

# A local icon: a Material icon name would make every visitor's browser fetch it from a font service.
ICON = Path(__file__).resolve().parent / "dashboard" / "assets" / "icon.png"
st.set_page_config(page_title="LAA performance dashboard", page_icon=str(ICON), layout="wide")

page = _ui.navigation()

# Bookmarks such as /?target=NI+117 or /?board=Children%27s+Trust open the page they name.
if page.url_path == "":
    for name, destination in (("target", _ui.TARGET), ("board", _ui.BOARD)):
        if name in st.query_params:
            st.switch_page(destination, query_params=st.query_params.to_dict())

try:
    page.run()
except (SQLAlchemyError, DatabaseUnusable) as exc:  # the store is down or damaged: say so, never a traceback
    logging.getLogger("dashboard").exception("the database could not be used")
    st.error(md_escape(describe_database_error(exc, _ui.database_url())), icon=":material/database:")
