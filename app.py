"""The LAA performance dashboard: `streamlit run app.py` (or `laa serve`). Page config and navigation only."""

import streamlit as st

st.set_page_config(page_title="LAA performance dashboard", page_icon=":material/monitoring:", layout="wide")

home = st.Page("pages/helicopter.py", title="Helicopter view", icon=":material/travel_explore:", default=True)
board = st.Page("pages/board.py", title="Theme board", icon=":material/groups:", url_path="board")
target = st.Page("pages/target.py", title="Target", icon=":material/query_stats:", url_path="target")
upload = st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload")
quality = st.Page("pages/quality.py", title="Data quality", icon=":material/rule:", url_path="quality")

page = st.navigation({"Partnership": [home, board, target], "Data": [upload, quality]})

# Bookmarks such as /?target=NI+117 or /?board=Children%27s+Trust open the page they name.
if page.url_path == home.url_path:
    for name, destination in (("target", target), ("board", board)):
        if name in st.query_params:
            st.switch_page(destination, query_params={name: st.query_params[name]})

page.run()
