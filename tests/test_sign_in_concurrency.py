"""Thirty wrong passwords at once, on SQLite and on PostgreSQL: the account is locked from the guesser's address
once the limit is reached, no more passwords than the limit are ever checked, and the owner still signs in from
another address. Through the package (threads calling sign_in) and over HTTP (the sign-in page, thirty posts at
once)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from dashboard.access.accounts import SignInRefused, add_user, sign_in
from dashboard.access.permissions import LOCAL_ADMIN, Role
from dashboard.access.sessions import COOKIE, session_account
from tests.fixtures import PASSWORD, user_of
from tests.test_sign_in import IDLE, PAGE, form_token, problem, served

PARALLEL = 30
GUESSER, OWNER = "203.0.113.9", "198.51.100.7"
WRONG = "the username or password is not right"
LOCKED_NOW = "too many wrong passwords: the account is locked for 15 minutes"
LOCKED = "too many wrong passwords: the account is locked for 15 more minute(s)"
BUSY = "too many sign-ins at once: try again in a minute"


class CountingHasher(PasswordHasher):
    """argon2 at the tests' cheap parameters (tests/conftest.py), noting each password it checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checked: list[str] = []
        self._lock = threading.Lock()

    def verify(self, hash, password) -> bool:
        with self._lock:
            self.checked.append(password)
        return super().verify(hash, password)


def at_once(work, count: int = PARALLEL) -> list:
    """work(n) for n in range(count), each in its own thread, all let go together."""
    start = threading.Barrier(count)

    def run(n: int):
        start.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_thirty_wrong_passwords_at_once_check_five_and_lock_the_account_from_that_address(demo, monkeypatch):
    add_user(demo, LOCAL_ADMIN, "ada", "admin", PASSWORD)
    hasher = CountingHasher()
    monkeypatch.setattr("dashboard.access.passwords.HASHER", hasher)

    def guess(n: int) -> str:
        with pytest.raises(SignInRefused) as refused:
            sign_in(demo, "ada", f"guess number {n}", client=GUESSER)
        return str(refused.value)

    said = at_once(guess)
    assert len(hasher.checked) == 5  # the limit: the other 25 were refused unchecked
    assert (said.count(WRONG), said.count(LOCKED_NOW)) == (4, 1)
    assert set(said) <= {WRONG, LOCKED_NOW, LOCKED, BUSY}
    with pytest.raises(SignInRefused, match=f"^{LOCKED}$".replace("(", r"\(").replace(")", r"\)")):
        sign_in(demo, "ada", PASSWORD, client=GUESSER)
    assert len(hasher.checked) == 5  # a locked sign-in checks no password
    assert sign_in(demo, "ada", PASSWORD, client=OWNER).name == "ada"


def test_thirty_wrong_passwords_posted_at_once_lock_the_page_for_that_address_only(demo, monkeypatch):
    user_of(demo, Role.ADMIN)

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr("dashboard.access.signin.pause", no_wait, raising=False)
    with served(demo, GUESSER) as guesser, served(demo, OWNER) as owner:
        token = form_token(guesser.get("/signin", headers=PAGE))

        def post(password: str):
            data = {"form_token": token, "next": "/", "username": "ada", "password": password}
            return guesser.post("/signin", data=data, follow_redirects=False)

        answers = at_once(lambda n: post(f"guess number {n}"))
        assert {a.status_code for a in answers} == {401}
        assert problem(post(PASSWORD)) == "Too many wrong passwords: the account is locked for 15 more minute(s)."
        assert COOKIE not in guesser.cookies
        signed = owner.post(
            "/signin",
            data={"form_token": form_token(owner.get("/signin", headers=PAGE)), "next": "/", "username": "ada",
                  "password": PASSWORD},
            follow_redirects=False,
        )  # fmt: skip
        assert signed.status_code == 303
        assert session_account(demo, owner.cookies[COOKIE], IDLE).name == "ada"
