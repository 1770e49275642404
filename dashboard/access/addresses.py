"""Each page's address on the dashboard's server, the one list that the app's navigation, the sign-in's landing and
the permissions' page rules name pages by."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlencode


class Page(StrEnum):
    """A page's path, without its leading '/': the helicopter view is the server's root."""

    HELICOPTER = ""
    AREAS = "areas"
    BOARD = "board"
    TARGET = "target"
    MY_TARGETS = "my-targets"
    UPLOAD = "upload"
    INDICATORS = "indicators"
    TARGETS = "targets"
    QUALITY = "quality"
    AUDIT = "audit"
    USERS = "users"


def address(page: Page, **query: str) -> str:
    """'/board?board=Children%27s+Trust': the page's address with its query, as a link or redirect gives it."""
    return f"/{page.value}" + (f"?{urlencode(query)}" if query else "")
