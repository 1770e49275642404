"""The LAA performance dashboard: `streamlit run app.py` (or `laa serve`). Page config and navigation only."""

import streamlit as st

from pages import _ui

st.set_page_config(page_title="LAA performance dashboard", page_icon=":material/monitoring:", layout="wide")

page = _ui.navigation()

# Bookmarks such as /?target=NI+117 or /?board=Children%27s+Trust open the page they name.
if page.url_path == "":
    for name, destination in (("target", _ui.TARGET), ("board", _ui.BOARD)):
        if name in st.query_params:
            st.switch_page(destination, query_params=st.query_params.to_dict())

page.run()
