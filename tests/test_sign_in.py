"""The sign-in page and the gate in front of the served dashboard, over HTTP (Starlette's test client): what a
browser that has not signed in is sent, what a wrong password, a locked account and a forged form get."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from dashboard.permissions import Role
from dashboard.sessions import COOKIE
from dashboard.signin import SignIn, SignInGate, gate_account, local_path, sign_in_page
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


def gated(demo, routes: list, **gate) -> TestClient:
    """A client of the routes behind the gate (gate: SignInGate's other arguments, such as sso)."""
    app = Starlette(
        routes=routes, middleware=[Middleware(SignInGate, account=gate_account(lambda: demo, IDLE), **gate)]
    )
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture
def client(demo):
    """The sign-in routes and the gate in front of the stand-ins."""
    with gated(demo, [*SignIn(lambda: demo).routes(), *STAND_INS]) as test_client:
        yield test_client


PAGE = {"accept": "text/html"}


def sign_in(client: TestClient, name: str, password: str, next_url: str = "/"):
    form = client.get(f"/signin?next={next_url}", headers=PAGE)
    token = re.search(r'name="form_token" value="([^"]+)"', form.text).group(1)
    return client.post(
        "/signin",
        data={"form_token": token, "next": next_url, "username": name, "password": password},
        follow_redirects=False,
    )


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
    client.get("/signout")
    assert client.get("/", headers=PAGE, follow_redirects=False).status_code == 303


@pytest.mark.parametrize(("role", "landing"), [(Role.CHAIR, "/board?board=Children%27s+Trust"),
                                                (Role.PARTNER, "/my-targets"), (Role.EXECUTIVE, "/")])  # fmt: skip
def test_a_sign_in_lands_on_the_roles_page(client, demo, role, landing):
    account = user_of(demo, role)
    assert sign_in(client, account.name, PASSWORD).headers["location"] == landing


def test_a_wrong_password_is_refused_and_five_lock_the_account(client, demo):
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


def test_the_page_escapes_what_it_echoes():
    page = sign_in_page(problem="<script>x</script>", username='"><img src=x>', next_url="/", form_token="t")
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert '"><img' not in page and "&quot;&gt;&lt;img src=x&gt;" in page


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
