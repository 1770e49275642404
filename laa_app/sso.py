"""Whether single sign-on is configured: shared by the server (its gate) and the app (st.login), without the
app's cached reads, which must not be made before Streamlit's runtime is."""

import streamlit as st


def single_sign_on() -> bool:
    """True when Streamlit's secrets have an [auth] section: st.login's OpenID Connect provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False
