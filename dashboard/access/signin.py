"""Signing in to the served dashboard: the sign-in page and its form (plain HTTP, before any of Streamlit, read
no further than MAX_FORM), the sign-out (a form posted with its token: a link from another site signs nobody
out), and the gate that keeps every page, link, download and websocket closed until a sign-in.

Nothing of the partnership is sent before a sign-in: the gate answers a page with a redirect to /signin, any
other request with 401, and refuses the websocket that would carry the figures."""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, quote, urlsplit

import jinja2
import markupsafe
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard.access.accounts import MAX_NAME, Account, SignInRefused, sign_in
from dashboard.access.passwords import MAX_PASSWORD
from dashboard.access.permissions import landing
from dashboard.access.sessions import COOKIE, end_session, session_account, start_session
from dashboard.access.statement import STATEMENT
from dashboard.store.engine import DatabaseUnusable, describe_database_error

log = logging.getLogger("dashboard")

SIGN_IN = "/signin"
SIGN_OUT = "/signout"
FORM_COOKIE = "laa_signin_form"
"""A random value the sign-in form carries back: a form posted from another site cannot know it."""
SIGN_OUT_COOKIE = "laa_signout_form"
"""The same for the sign-out form: a link or form on another site cannot sign anyone out."""
MAX_FORM = 16 * 1024
"""Bytes of a sign-in or sign-out form: its fields percent-encoded (a 1024-character password of any script, a
100-character name, the link to return to) fit; anything longer is refused before it is read whole."""
MAX_NEXT = 2000
"""Characters of the link to return to after signing in."""
TOO_LARGE = (
    f"The form was too large: a username is at most {MAX_NAME} characters and a password at most {MAX_PASSWORD}. "
    "Sign in again."
)
SLOW_DOWN = 0.5
"""Seconds a refused sign-in waits for each wrong password in a row (up to MAX_WAIT)."""
MAX_WAIT = 3.0
pause = asyncio.sleep
"""How a refused sign-in waits (tests note the waits instead of sitting through them)."""
# Open without signing in: the sign-in itself, the health check, and the Streamlit front end's own files,
# which hold no partnership data. Single sign-on adds Streamlit's /auth/ routes and its callback.
OPEN_PATHS = (SIGN_IN, SIGN_OUT, STATEMENT, "/_stcore/health", "/_stcore/host-config", "/favicon.png")
OPEN_PREFIXES = ("/static/",)
SSO_CALLBACK = "/oauth2callback"
SSO_PREFIXES = ("/auth/", SSO_CALLBACK)
# Requests that are not a page: refused with 401 rather than sent to the sign-in page.
NOT_PAGES = ("/_stcore/", "/media/", "/component/", "/app/static/")


_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "assets" / "pages"),
    autoescape=True,  # every value a page shows is escaped: a name or a link typed by anyone stays text
    finalize=lambda value: markupsafe.Markup(html.escape(str(value))),  # quotes as &quot; and &#x27;, as ever
    undefined=jinja2.StrictUndefined,
)


def sign_in_page(
    *, problem: str | None = None, username: str = "", next_url: str = "/", form_token: str, sso: bool = False
) -> str:
    """The sign-in page's HTML: every value in it escaped."""
    return _render(
        "signin.html",
        "Sign in",
        "Sign in to see the partnership's targets.",
        problem,
        action=SIGN_IN,
        form_token=form_token,
        next_url=next_url,
        username=username,
        max_name=MAX_NAME,
        max_password=MAX_PASSWORD,
        sso=sso,
    )


def sign_out_page(*, form_token: str, problem: str | None = None) -> str:
    """The page at /signout: signing out is a button (a form posted with its token), never a link to follow."""
    return _render(
        "signout.html", "Sign out", "Sign out of the dashboard in this browser?", problem, action=SIGN_OUT,
        form_token=form_token,
    )  # fmt: skip


def _render(template: str, title: str, lead: str, problem: str | None, **values: object) -> str:
    """One of the pages the gate serves itself, with its title, lead line, any problem and the statement's link."""
    page = _PAGES.get_template(template)
    return page.render(title=title, lead=lead, problem=problem, statement=STATEMENT, **values)


def sign_in_address(asked: str) -> str:
    """The sign-in page's address that returns to `asked` (a path and query on this server) once signed in."""
    return SIGN_IN + ("" if asked == "/" else "?next=" + quote(asked, safe=""))


def sign_in_link(asked: str) -> str:
    """The signed-out page's way to sign in and return to `asked`, as markup (a Markdown link would open a new tab):
    the address percent-encoded by sign_in_address, then escaped, so nothing the browser asked for is markup."""
    return f'<p><a href="{html.escape(sign_in_address(asked))}">Sign in</a></p>'


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    if not target or len(target) > MAX_NEXT:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class SignIn:
    """The /signin and /signout endpoints, over the store the dashboard serves."""

    def __init__(self, engine: Callable[[], Engine], sso: bool = False) -> None:
        self.engine, self.sso = engine, sso

    def routes(self) -> list[Route]:
        return [
            Route(SIGN_IN, self.show, methods=["GET"]),
            Route(SIGN_IN, self.submit, methods=["POST"]),
            Route(SIGN_OUT, self.sign_out_form, methods=["GET"]),
            Route(SIGN_OUT, self.sign_out, methods=["POST"]),
        ]

    async def show(self, request: Request) -> Response:
        return self._page(request, next_url=local_path(request.query_params.get("next")))

    async def submit(self, request: Request) -> Response:
        form = await read_form(request)
        if form is None:
            return _closing(self._page(request, TOO_LARGE, status=413))
        next_url = local_path(form.get("next"))
        username, password = form.get("username", "").strip(), form.get("password", "")
        echoed = username if len(username) <= MAX_NAME else ""  # never a megabyte of someone's typing back
        if not _token_matches(request.cookies.get(FORM_COOKIE), form):
            return self._page(request, "The sign-in form had expired: sign in again.", echoed, next_url, 400)
        client = client_address(request)
        try:
            account = await run_in_threadpool(sign_in, self.engine(), username, password, client=client)
            token = await run_in_threadpool(start_session, self.engine(), account)
        except SignInRefused as refused:
            await pause(min(MAX_WAIT, SLOW_DOWN * max(1, refused.failures)))
            problem = str(refused)
            return self._page(request, problem[0].upper() + problem[1:] + ".", echoed, next_url, 401)
        except (SQLAlchemyError, DatabaseUnusable) as exc:
            log.exception("sign-in could not use the database")
            return self._page(request, describe_database_error(exc, self._url()), echoed, next_url, 503)
        response = RedirectResponse(
            landing(account.role, account.boards) if next_url == "/" else next_url, status_code=303
        )
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=_https(request), path="/")
        response.delete_cookie(FORM_COOKIE, path=SIGN_IN)
        log.info("%s signed in", account.name)
        return response

    def _url(self):
        try:
            return self.engine().url
        except DatabaseUnusable:
            return None

    async def sign_out_form(self, request: Request) -> Response:
        """A link to /signout (from any site) signs nobody out: it shows the button that does."""
        return self._sign_out_page(request)

    async def sign_out(self, request: Request) -> Response:
        form = await read_form(request)
        if form is None:
            return _closing(self._sign_out_page(request, "The form was too large: sign out again.", 413))
        if not _token_matches(request.cookies.get(SIGN_OUT_COOKIE), form):
            return self._sign_out_page(request, "The sign-out form had expired: sign out again.", 400)
        await run_in_threadpool(end_session, self.engine(), request.cookies.get(COOKIE))
        response = RedirectResponse(SIGN_IN, status_code=303)
        response.delete_cookie(COOKIE, path="/")
        response.delete_cookie(SIGN_OUT_COOKIE, path=SIGN_OUT)
        return response

    def _page(
        self, request: Request, problem: str | None = None, username: str = "", next_url: str = "/", status: int = 200
    ) -> Response:
        # One token a browser keeps: a second tab, or a stray request sent here, must not void the first form.
        form_token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
        page = sign_in_page(problem=problem, username=username, next_url=next_url, form_token=form_token, sso=self.sso)
        return _with_form_cookie(request, HTMLResponse(page, status), FORM_COOKIE, form_token, SIGN_IN)

    def _sign_out_page(self, request: Request, problem: str | None = None, status: int = 200) -> Response:
        form_token = request.cookies.get(SIGN_OUT_COOKIE) or secrets.token_urlsafe(24)
        page = sign_out_page(form_token=form_token, problem=problem)
        return _with_form_cookie(request, HTMLResponse(page, status), SIGN_OUT_COOKIE, form_token, SIGN_OUT)


def _with_form_cookie(request: Request, response: Response, name: str, token: str, path: str) -> Response:
    response.headers["cache-control"] = "no-store"
    # SameSite=strict: a form posted from another site does not carry it, so cannot match its token.
    response.set_cookie(name, token, httponly=True, samesite="strict", secure=_https(request), path=path)
    return response


def _token_matches(expected: str | None, form: Mapping[str, str]) -> bool:
    return bool(expected) and secrets.compare_digest(expected, form.get("form_token", ""))


def _closing(response: Response) -> Response:
    """The client may still be sending the rest of a body that was not read: end the connection after this."""
    response.headers["connection"] = "close"
    return response


async def read_form(request: Request, limit: int = MAX_FORM) -> dict[str, str] | None:
    """The form's fields (the first of each name), read as it arrives; None as soon as it is longer than limit
    bytes, before the rest is read (or at once, when its Content-Length says so). Not Starlette's request.form(),
    which reads a urlencoded body whole before any limit applies."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


def client_address(request: Request) -> str | None:
    """The address a request comes from, as the server saw it: behind a reverse proxy on this host (or one named in
    uvicorn's FORWARDED_ALLOW_IPS), the one it forwards in X-Forwarded-For."""
    return request.client.host if request.client else None


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


class SingleSignOn(Protocol):
    """Sign-ins through an identity provider (laa_app/sso.py), by the cookies a request holds or a response sets."""

    def started(self, cookies: Mapping[str, str]) -> Account | None:
        """The provider's callback set these: the user now signed in, or None (no user has that e-mail)."""

    def account(self, cookies: Mapping[str, str]) -> Account | None:
        """The user whose live sign-in the request's cookies hold, or None."""


class SignInGate:
    """ASGI middleware: every request but the open ones needs a live sign-in session (its cookie)."""

    def __init__(
        self,
        app,
        account: Callable[[str | None], Account | None],
        sso: SingleSignOn | None = None,
    ) -> None:
        """account: the user a session token belongs to; sso: single sign-on's sign-ins, when configured."""
        self.app, self.account, self.sso = app, account, sso

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket") or self._open(scope):
            if self.sso is not None and scope["type"] == "http" and scope["path"] == SSO_CALLBACK:
                send = self._landing(send)
            await self.app(scope, receive, send)
            return
        try:
            signed_in = await run_in_threadpool(self._signed_in, _cookies(scope))
        except (SQLAlchemyError, DatabaseUnusable):
            log.exception("the sign-in gate could not use the database")
            signed_in = False
        if signed_in:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        elif not _wants_page(scope):
            await PlainTextResponse("Sign in first.", status_code=401)(scope, receive, send)
        else:
            asked = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope["query_string"] else "")
            await RedirectResponse(sign_in_address(asked), status_code=303)(scope, receive, send)

    def _signed_in(self, cookies: Mapping[str, str]) -> bool:
        token = cookies.get(COOKIE)
        if token is not None and self.account(token) is not None:
            return True
        return self.sso is not None and self.sso.account(cookies) is not None

    def _landing(self, send):
        """The provider's callback sends the browser to the helicopter view: send a chair to their board and a
        partner to My targets instead, as the sign-in form does (the identity is in the cookie it sets)."""

        async def send_to_landing(message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = message.get("headers", [])
                try:
                    account = await run_in_threadpool(self.sso.started, _set_cookies(headers))
                except (SQLAlchemyError, DatabaseUnusable):
                    log.exception("the sign-in gate could not use the database")
                    account = None
                if account is not None:
                    where = landing(account.role, account.boards).encode("latin-1")
                    headers = [(k, where if k.lower() == b"location" and v == b"/" else v) for k, v in headers]
                    message = {**message, "headers": headers}
            await send(message)

        return send_to_landing

    def _open(self, scope) -> bool:
        path = scope["path"]
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return True
        # With single sign-on the pages and their websocket open, for the app's own sign-in (st.login) to show;
        # the app then shows nothing but that until the provider's e-mail is a user's.
        page = scope["type"] == "websocket" or not path.startswith(NOT_PAGES)
        return self.sso is not None and (path.startswith(SSO_PREFIXES) or page)


def _wants_page(scope) -> bool:
    """A browser asking for a page (sent to the sign-in), not a file, an upload or the favicon (refused)."""
    if scope["path"].startswith(NOT_PAGES) or scope.get("method") not in ("GET", "HEAD"):
        return False
    accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"")
    return b"text/html" in accept


def _set_cookies(headers) -> dict[str, str]:
    """The cookies a response sets, by name; one this gate cannot read is not the identity."""
    found: dict[str, str] = {}
    for key, value in headers:
        if key.lower() == b"set-cookie":
            found |= _jar(value) or {}
    return found


def _cookies(scope) -> dict[str, str]:
    """The request's cookies by name; none from a malformed header (which is no sign-in)."""
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            parsed = _jar(value)
            if parsed is None:
                return {}
            found |= parsed
    return found


def _jar(header: bytes) -> dict[str, str] | None:
    """One Cookie or Set-Cookie header's cookies by name, or None when it cannot be read. SimpleCookie, not
    Starlette's lenient cookie parser: a header this cannot read is no sign-in, never part of one."""
    jar = SimpleCookie()
    try:
        jar.load(header.decode("latin-1"))
    except Exception:
        return None
    return {name: morsel.value for name, morsel in jar.items()}


def gate_account(engine: Callable[[], Engine], idle: timedelta) -> Callable[[str | None], Account | None]:
    """The gate's check: the account a session token opens, or None."""
    return lambda token: session_account(engine(), token, idle)
