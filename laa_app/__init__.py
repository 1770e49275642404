"""The dashboard's Streamlit app: app.py (navigation), server.py (app.py behind security headers) and one thin
file per page. Layout and widgets only: every rule, query and report is in the dashboard package."""
