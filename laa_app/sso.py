"""Single sign-on (st.login): whether it is configured, and whether a request carries its signed-in identity.
Shared by the server (its gate) and the app, without the app's cached reads, which must not be made before
Streamlit's runtime is."""

import json
from collections.abc import Callable, Mapping
from datetime import timedelta

import streamlit as st
from sqlalchemy import Engine

# Streamlit's own reading of its identity cookie (signed with [auth] cookie_secret, maybe split in chunks).
from streamlit.auth_util import get_cookie_with_chunks
from streamlit.web.server.server_util import AUTH_COOKIE_NAME, get_cookie_secret
from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

from dashboard.access.accounts import Account, account_by_email
from dashboard.access.sessions import session_account, start_session


def single_sign_on() -> bool:
    """True when Streamlit's secrets have an [auth] section: st.login's OpenID Connect provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def provider_email(cookies: Mapping[str, str]) -> str | None:
    """The e-mail in Streamlit's identity cookie, if the cookie is there and its signature holds."""

    def signed(name: str) -> bytes | None:
        value = cookies.get(name)
        return None if value is None else decode_signed_value(get_cookie_secret(), name, value.encode("latin-1"))

    raw = get_cookie_with_chunks(signed, AUTH_COOKIE_NAME)
    try:
        identity = json.loads(raw) if raw else {}
    except ValueError:
        return None
    email = identity.get("email") if isinstance(identity, dict) and identity.get("is_logged_in") else None
    return email if isinstance(email, str) else None


class ProviderSignIn:
    """Single sign-on behind the gate. The provider's callback starts a sign-in session (dashboard/access/sessions.py)
    whose token is the identity cookie it sets, so the idle timeout, signing out and disabling the user end a
    work account's sign-in as they end a password's, though Streamlit keeps its cookie for 30 days."""

    def __init__(self, engine: Callable[[], Engine], idle: timedelta) -> None:
        self.engine, self.idle = engine, idle

    def started(self, cookies: Mapping[str, str]) -> Account | None:
        """The enabled user whose e-mail the callback's new identity is, now signed in; None for no user's."""
        email = provider_email(cookies)
        account = None if email is None else account_by_email(self.engine(), email)
        if account is not None:
            start_session(self.engine(), account, token=cookies[AUTH_COOKIE_NAME])
        return account

    def account(self, cookies: Mapping[str, str]) -> Account | None:
        """The user whose live sign-in the request's identity cookie is (a forged one matches no session)."""
        return session_account(self.engine(), cookies.get(AUTH_COOKIE_NAME), self.idle)


def identity_token() -> str | None:
    """This browser's identity cookie from the provider, the token of its sign-in session, if any."""
    value = st.context.cookies.get(AUTH_COOKIE_NAME)
    return value if isinstance(value, str) and value else None
