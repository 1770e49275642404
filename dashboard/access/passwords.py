"""Passwords: what may be one (NCSC guidance: long enough, and not one that is guessed first), hashing with
argon2, and checking one against its hash (telling when the hash should be made again with today's parameters)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
"""Longer is refused before hashing: argon2 would hash a 100 MB password too, slowly."""
COMMON = Path(__file__).resolve().parent / "assets" / "common_passwords.txt"
TOO_COMMON = (
    "that password is one of the most common passwords, which are guessed first: choose another (three random "
    "words make a good one)"
)
TOO_SIMPLE = (
    "that password is a simple pattern (one character or a few repeated, or a run such as 123456789012), which "
    "is guessed first: choose another (three random words make a good one)"
)

HASHER = PasswordHasher()
"""argon2id with the library's current parameters; a stored hash made with others is made again at a sign-in."""


def password_problem(password: str) -> str | None:
    """Why this cannot be a password, or None when it can."""
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"a password is at most {MAX_PASSWORD} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    plain = _plain(password)
    if plain in common_passwords():
        return TOO_COMMON
    if _repeated(plain) or _run(plain):
        return TOO_SIMPLE
    return None


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@dataclass(frozen=True)
class Checked:
    right: bool
    rehash: bool
    """The password is right and its hash was made with other parameters than today's: store a new one."""


def check_password(stored: str, password: str) -> Checked:
    """Whether password is the one stored (a hash that cannot be read is no password)."""
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return Checked(False, False)
    return Checked(True, HASHER.check_needs_rehash(stored))


def check_no_password(password: str) -> Checked:
    """The same work as check_password, for a name that has no account: its refusal takes as long as a user's."""
    check_password(_nobodys_hash(HASHER), password)
    return Checked(False, False)


@cache
def _nobodys_hash(hasher: PasswordHasher) -> str:
    """A hash made with the parameters of today's hasher, which set how long checking a password takes."""
    return hasher.hash("the password of a user that does not exist")


@cache
def common_passwords() -> frozenset[str]:
    """The deny list shipped with the package, compared as _plain compares."""
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(_plain(line) for line in lines if line.strip() and not line.startswith("#"))


def _plain(password: str) -> str:
    """Case and spaces left out: 'Correct Horse Battery Staple' is the common 'correcthorsebatterystaple'."""
    return "".join(password.split()).casefold()


def _repeated(text: str) -> bool:
    """One character or a few, again and again: 'aaaaaaaaaaaa', 'abcabcabcabc', 'passwordpassword'."""
    sizes = range(1, len(text) // 2 + 1)
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in sizes)


def _run(text: str) -> bool:
    """Each character the next (or the one before) of the last: 'abcdefghijkl', '123456789012', '987654321098'."""
    steps = {_step(a, b) for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1})


DIGITS = "0123456789"


def _step(a: str, b: str) -> int:
    if a in DIGITS and b in DIGITS:  # digits go round: ...8, 9, 0, 1...
        return {1: 1, 9: -1}.get((int(b) - int(a)) % 10, 0)
    return ord(b) - ord(a)
