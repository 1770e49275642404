"""Streamlit glue the pages share: cached reads, who is signed in, the sidebar, pickers and widgets. Every rule
and number lives in the dashboard package; these modules only cache and lay out."""
