"""Wording every message, page and paper shares."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 red target', '9 red targets' ('1 entry', '2 entries' with many='entries')."""
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"
