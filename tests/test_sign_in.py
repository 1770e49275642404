"""The sign-in page and the gate in front of the served dashboard, over HTTP (Starlette's test client): what a
browser that has not signed in is sent, what a wrong password, a locked account and a forged form get."""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from dashboard.access.accounts import AccountProblem, add_user, disable_user
from dashboard.access.permissions import LOCAL_ADMIN, Role
from dashboard.access.sessions import COOKIE, session_account
from dashboard.access.signin import SignIn, SignInGate, gate_account, local_path, sign_in_link, sign_in_page
from tests.fixtures import PASSWORD, user_of

DATA = "NI 56 Obesity among primary school age children: 24.6"
IDLE = timedelta(minutes=30)


async def _page(request):
    return PlainTextResponse(DATA)


async def _stream(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text(DATA)
    await websocket.close()


STAND_INS = [
    Route("/", _page),
    Route("/board", _page),
    Route("/media/{name}", _page),
    WebSocketRoute("/_stcore/stream", _stream),
]
"""Stand-ins for the app's pages, media and websocket."""


def gated(demo, routes: list, address: str = "testclient", **gate) -> TestClient:
    """A client, from that address, of the routes behind the gate (gate: SignInGate's other arguments, such as
    sso)."""
    app = Starlette(
        routes=routes, middleware=[Middleware(SignInGate, account=gate_account(lambda: demo, IDLE), **gate)]
    )
    return TestClient(app, base_url="http://127.0.0.1", client=(address, 50000))


def served(demo, address: str = "testclient") -> TestClient:
    """A browser at that address on the sign-in routes and the gate in front of the stand-ins."""
    return gated(demo, [*SignIn(lambda: demo).routes(), *STAND_INS], address)


@pytest.fixture
def client(demo):
    with served(demo) as test_client:
        yield test_client


PAGE = {"accept": "text/html"}


def form_token(page) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: TestClient, name: str, password: str, next_url: str = "/"):
    token = form_token(client.get(f"/signin?next={next_url}", headers=PAGE))
    return client.post(
        "/signin",
        data={"form_token": token, "next": next_url, "username": name, "password": password},
        follow_redirects=False,
    )


def sign_out(client: TestClient):
    """The sign-out page's button, pressed."""
    token = form_token(client.get("/signout", headers=PAGE))
    return client.post("/signout", data={"form_token": token}, follow_redirects=False)


def problem(page) -> str:
    """The sign-in page's alert, as shown."""
    found = re.search(r'<p class="problem" role="alert">(.*?)</p>', page.text, flags=re.DOTALL)
    return html.unescape(found.group(1)) if found else ""


def test_nothing_is_sent_before_signing_in(client):
    page = client.get("/board?board=PMG", headers=PAGE, follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/signin?next=%2Fboard%3Fboard%3DPMG")
    assert client.get("/media/paper.pdf", follow_redirects=False).status_code == 401
    assert client.get("/favicon.ico", follow_redirects=False).status_code == 401
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/_stcore/stream"):
        pass
    assert closed.value.code == 1008
    form = client.get("/signin", headers=PAGE)
    assert form.status_code == 200 and DATA not in form.text
    for label in ('<label for="username">Username</label>', '<label for="password">Password</label>'):
        assert label in form.text
    assert '<button type="submit">Sign in</button>' in form.text


def test_a_right_password_opens_everything_and_signing_out_closes_it(client, demo):
    user_of(demo, Role.ANALYST)
    signed = sign_in(client, "ann", PASSWORD, "/board?board=PMG")
    assert (signed.status_code, signed.headers["location"]) == (303, "/board?board=PMG")
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/board", headers=PAGE).text == DATA
    assert client.get("/media/paper.pdf").text == DATA
    with client.websocket_connect(
        "/_stcore/stream", headers={"cookie": f"{COOKIE}={client.cookies[COOKIE]}"}
    ) as stream:
        assert stream.receive_text() == DATA
    signed_out = sign_out(client)
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/signin")
    assert client.get("/", headers=PAGE, follow_redirects=False).status_code == 303


@pytest.mark.parametrize(("role", "landing"), [(Role.CHAIR, "/board?board=Children%27s+Trust"),
                                                (Role.PARTNER, "/my-targets"), (Role.EXECUTIVE, "/")])  # fmt: skip
def test_a_sign_in_lands_on_the_roles_page(client, demo, role, landing):
    account = user_of(demo, role)
    assert sign_in(client, account.name, PASSWORD).headers["location"] == landing


def test_a_wrong_password_is_refused_and_five_lock_the_account(client, demo, waits):
    user_of(demo, Role.PARTNER)
    for _ in range(4):
        refused = sign_in(client, "nhs", "not the password")
        assert refused.status_code == 401
        assert '<p class="problem" role="alert">The username or password is not right.</p>' in refused.text
        assert 'value="nhs"' in refused.text and "not the password" not in refused.text
    locked = sign_in(client, "nhs", "not the password")
    assert "Too many wrong passwords: the account is locked for 15 minutes." in locked.text
    assert "locked for 15 more minute" in sign_in(client, "nhs", PASSWORD).text  # the right one too, for now
    assert client.get("/", headers=PAGE, follow_redirects=False).status_code == 303
    assert waits == [0.5, 1.0, 1.5, 2.0, 2.5, 2.5]  # each refusal waited longer, up to the most


def test_a_form_posted_without_the_pages_token_is_refused(client, demo):
    user_of(demo, Role.ANALYST)
    forged = client.post("/signin", data={"username": "ann", "password": PASSWORD, "form_token": "guessed"})
    assert forged.status_code == 400 and "The sign-in form had expired: sign in again." in forged.text
    assert COOKIE not in forged.headers.get("set-cookie", "")


def test_a_sign_in_never_sends_the_browser_to_another_site():
    assert [local_path(t) for t in ("https://evil.example/", "//evil.example", "/\\evil", "board", "", None)] == [
        "/"
    ] * 6
    assert local_path("/target?target=NI+117") == "/target?target=NI+117"


@pytest.mark.parametrize(
    ("asked", "href"),
    [
        ("/", "/signin"),
        ("/my-targets?quarter=2009/10 Q3", "/signin?next=%2Fmy-targets%3Fquarter%3D2009%2F10%20Q3"),
        ('/board?board="><script>x</script>', "/signin?next=%2Fboard%3Fboard%3D%22%3E%3Cscript%3Ex%3C%2Fscript%3E"),
    ],
)
def test_the_signed_out_pages_link_returns_to_the_page_and_holds_no_markup_of_the_address(asked, href):
    assert sign_in_link(asked) == f'<p><a href="{href}">Sign in</a></p>'


def test_the_page_escapes_what_it_echoes():
    page = sign_in_page(problem="<script>x</script>", username='"><img src=x>', next_url="/", form_token="t")
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert '"><img' not in page and "&quot;&gt;&lt;img src=x&gt;" in page


# --- Issue 14: one user per name, lockouts a stranger cannot cause, nothing told about who exists, a bounded
# form, and a sign-out no other site can trigger ------------------------------------------------------------

WRONG = "The username or password is not right."
LOCKED_NOW = "Too many wrong passwords: the account is locked for 15 minutes."
LOCKED = "Too many wrong passwords: the account is locked for 15 more minute(s)."
TOO_LARGE = "The form was too large: a username is at most 100 characters and a password at most 1024. Sign in again."


def test_a_look_alike_of_a_users_name_is_that_user_at_the_sign_in(client, demo):
    user_of(demo, Role.ADMIN)
    with pytest.raises(AccountProblem, match="^'ａｄａ' is the same name as the user 'ada' to the sign-in"):
        add_user(demo, LOCAL_ADMIN, "ａｄａ", "executive", "its own password")
    refused = sign_in(client, "ａｄａ", "its own password")
    assert (refused.status_code, problem(refused)) == (401, WRONG)
    signed = sign_in(client, "ＡＤＡ", PASSWORD)
    assert signed.status_code == 303
    assert session_account(demo, client.cookies[COOKIE], IDLE).name == "ada"


def test_a_strangers_wrong_passwords_lock_out_their_address_not_the_owners(demo, waits):
    user_of(demo, Role.ADMIN)
    with served(demo, "203.0.113.9") as stranger, served(demo, "198.51.100.7") as owner:
        assert [problem(sign_in(stranger, "ada", "a guess at it")) for _ in range(5)] == [WRONG] * 4 + [LOCKED_NOW]
        assert problem(sign_in(stranger, "ada", PASSWORD)) == LOCKED
        signed = sign_in(owner, "ada", PASSWORD)
        assert signed.status_code == 303 and owner.get("/", headers=PAGE).text == DATA
    assert waits == [0.5, 1.0, 1.5, 2.0, 2.5, 2.5]  # the stranger's six refusals; the owner waited for nothing


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The seconds each refused sign-in waited, noted instead of waited."""
    noted: list[float] = []

    async def note(seconds: float) -> None:
        noted.append(seconds)

    monkeypatch.setattr("dashboard.access.signin.pause", note, raising=False)
    return noted


def test_an_unknown_name_waits_and_locks_exactly_as_a_users_name(client, demo, waits):
    user_of(demo, Role.PARTNER)

    def six_guesses(name: str) -> tuple[list[str], list[float]]:
        waits.clear()
        return [problem(sign_in(client, name, "not the password")) for _ in range(6)], list(waits)

    assert (
        six_guesses("nhs")
        == six_guesses("nobody")
        == (
            [WRONG] * 4 + [LOCKED_NOW, LOCKED],
            [0.5, 1.0, 1.5, 2.0, 2.5, 2.5],
        )
    )


def test_a_disabled_account_is_told_apart_only_by_its_right_password(client, demo, waits):
    account = user_of(demo, Role.EXECUTIVE)
    disable_user(demo, LOCAL_ADMIN, account.name)
    assert problem(sign_in(client, "eve", "not the password")) == problem(sign_in(client, "nobody", "x")) == WRONG
    assert problem(sign_in(client, "eve", PASSWORD)) == "This account is disabled: ask an administrator."
    assert len(waits) == 3  # each refusal waited, the disabled account's too


def test_a_sign_in_form_over_the_size_limit_is_refused_and_not_echoed(client, demo):
    user_of(demo, Role.ANALYST)
    huge = sign_in(client, "x" * 1_000_000, PASSWORD)
    assert (huge.status_code, problem(huge)) == (413, TOO_LARGE)
    assert "x" * 101 not in huge.text and COOKIE not in huge.headers.get("set-cookie", "")
    assert sign_in(client, "ann", PASSWORD).status_code == 303  # the page's form still works


def post_in_chunks(app, chunks: int, headers: list | None = None) -> tuple[int, int]:
    """POST /signin to the app, a body of 64 KB chunks sent as it asks for them; returns the response's status and
    how many chunks the app asked for."""
    asked = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": b"username=" + b"x" * 65536, "more_body": asked < chunks}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/signin", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded"), *(headers or [])],
             "client": ("203.0.113.9", 50000), "server": ("127.0.0.1", 80), "scheme": "http"}  # fmt: skip
    # In a thread of its own: a test before it in the same worker may have left an event loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return sent[0]["status"], asked


def test_the_form_is_read_no_further_than_its_limit(demo):
    app = Starlette(routes=SignIn(lambda: demo).routes())
    assert post_in_chunks(app, 160) == (413, 1)  # 10 MB sent, 64 KB read
    assert post_in_chunks(app, 160, [(b"content-length", b"104857600")]) == (413, 0)  # 100 MB announced


def test_a_name_or_password_over_its_length_is_refused_and_not_echoed(client, demo):
    user_of(demo, Role.ANALYST)
    too_long = "The username or password is too long: a username is at most 100 characters, a password at most 1024."
    name = sign_in(client, "n" * 101, PASSWORD)
    assert (name.status_code, problem(name)) == (401, too_long)
    assert "n" * 101 not in name.text and 'value=""' in name.text
    password = sign_in(client, "ann", "p" * 1025)
    assert (password.status_code, problem(password)) == (401, too_long)


def test_a_link_to_signout_signs_nobody_out_and_the_pages_button_does(client, demo):
    user_of(demo, Role.ANALYST)
    sign_in(client, "ann", PASSWORD)
    page = client.get("/signout", headers=PAGE)
    assert page.status_code == 200
    assert '<form method="post" action="/signout">' in page.text
    assert '<button type="submit">Sign out</button>' in page.text
    assert client.get("/board", headers=PAGE).text == DATA  # still signed in
    forged = client.post("/signout", data={"form_token": "guessed"}, follow_redirects=False)
    assert (forged.status_code, problem(forged)) == (400, "The sign-out form had expired: sign out again.")
    assert client.get("/board", headers=PAGE).text == DATA
    signed_out = client.post("/signout", data={"form_token": form_token(page)}, follow_redirects=False)
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/signin")
    assert client.get("/board", headers=PAGE, follow_redirects=False).status_code == 303


# --- Single sign-on: the gate with a stand-in identity check (the real one, Streamlit's signed cookie, is in
# tests/browser/test_single_sign_on.py) ---------------------------------------------------------------------


async def _callback(request):
    """Streamlit's /oauth2callback: the identity cookie, and back to the helicopter view."""
    response = RedirectResponse("/", status_code=302)
    response.set_cookie("_streamlit_user", request.query_params["who"], httponly=True)
    return response


class StandInProvider:
    """Single sign-on's sign-ins with the identity cookie holding a user's name as is."""

    def __init__(self, accounts: dict) -> None:
        self.accounts, self.live = accounts, set()

    def started(self, cookies):
        account = self.accounts.get(cookies.get("_streamlit_user", ""))
        if account is not None:
            self.live.add(account.name)
        return account

    def account(self, cookies):
        name = cookies.get("_streamlit_user", "")
        return self.accounts[name] if name in self.live else None


@pytest.fixture
def sso_client(demo):
    accounts = {name: user_of(demo, role) for role, name in [(Role.CHAIR, "chris"), (Role.ANALYST, "ann")]}
    routes = [*STAND_INS, Route("/oauth2callback", _callback)]
    with gated(demo, routes, sso=StandInProvider(accounts)) as test_client:
        yield test_client


def test_with_single_sign_on_files_need_a_live_sign_in_from_the_provider(sso_client):
    assert sso_client.get("/media/paper.pdf").status_code == 401
    chris = {"cookie": "_streamlit_user=chris"}
    assert sso_client.get("/media/paper.pdf", headers=chris).status_code == 401  # before the callback
    sso_client.get("/oauth2callback?who=stranger", follow_redirects=False)
    assert sso_client.get("/media/paper.pdf", headers={"cookie": "_streamlit_user=stranger"}).status_code == 401
    sso_client.get("/oauth2callback?who=chris", follow_redirects=False)
    assert sso_client.get("/media/paper.pdf", headers=chris).text == DATA
    # the pages and their websocket open, for the app's own "Sign in with your work account"
    assert sso_client.get("/", headers=PAGE).status_code == 200
    with sso_client.websocket_connect("/_stcore/stream") as stream:
        assert stream.receive_text() == DATA


@pytest.mark.parametrize(
    ("who", "where"),
    [("chris", "/board?board=Children%27s+Trust"), ("ann", "/"), ("stranger", "/")],
)
def test_the_providers_callback_lands_each_role_where_the_sign_in_form_does(sso_client, who, where):
    back = sso_client.get(f"/oauth2callback?who={who}", follow_redirects=False)
    assert (back.status_code, back.headers["location"]) == (302, where)
    assert back.cookies["_streamlit_user"] == who
