"""Wording every message, page and paper shares."""

from __future__ import annotations

from datetime import timedelta


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 red target', '9 red targets' ('1 entry', '2 entries' with many='entries')."""
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"


def duration(span: timedelta) -> str:
    """'30 minutes', '1 minute', '30 seconds': whole minutes as minutes, anything else in seconds."""
    seconds = int(span.total_seconds())
    return plural(seconds // 60, "minute") if seconds % 60 == 0 else plural(seconds, "second")
