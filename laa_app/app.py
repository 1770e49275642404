"""The LAA performance dashboard (`laa serve` runs it behind server.py's headers). Page config and navigation only."""

from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.logs import log, setup_logging
from dashboard.read.views import md_escape
from dashboard.store.engine import DatabaseUnusable, describe_database_error
from laa_app.ui import people, reads, sidebar, widgets

# A local icon: a Material icon name would make every visitor's browser fetch it from a font service.
ICON = Path(__file__).resolve().with_name("icon.png")
st.set_page_config(page_title="LAA performance dashboard", page_icon=str(ICON), layout="wide")
st.html(widgets.STYLESHEET)  # a visible focus ring on every page (WCAG 2.4.7)

setup_logging(reads.settings().resolved_log_file(), to_stderr=True)


def refuse(exc: BaseException) -> None:
    """The store is down or damaged: say so in one sentence, never a traceback."""
    log.exception("the database could not be used")
    st.error(md_escape(describe_database_error(exc, reads.database_url())), icon=":material/database:")
    st.stop()


try:
    reads.read_data_version()  # before any cached read: a write from another process shows on this run
    account = people.signed_in()
except (SQLAlchemyError, DatabaseUnusable) as exc:
    refuse(exc)
if account is None:  # nothing of the partnership is drawn, not even the page list (an empty, hidden navigation)
    sidebar.signed_out_navigation().run()
    st.stop()

page = sidebar.navigation(account.actor())
st.set_page_config(page_title=f"{page.title} · LAA performance dashboard")  # each page's own title (WCAG 2.4.2)

# Bookmarks such as /?target=NI+117 or /?board=Children%27s+Trust open the page they name.
if page.url_path == "":
    for name, destination in (("target", sidebar.TARGET), ("board", sidebar.BOARD)):
        if name in st.query_params:
            # Every value of a repeated parameter (?partner=A&partner=B): to_dict() would keep only the last.
            st.switch_page(destination, query_params={k: st.query_params.get_all(k) for k in st.query_params})

sidebar.signed_in_as(account)
sidebar.note_page(page)
people.warn_before_sign_in_ends()
try:
    page.run()
except (SQLAlchemyError, DatabaseUnusable) as exc:
    refuse(exc)
