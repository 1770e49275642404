"""Response headers that keep the dashboard's pages to its own origin: a Content-Security-Policy that allows
only the app's own scripts, styles, images, fonts and websocket, no framing by other sites, and no guessing
of content types. Plain ASGI middleware, so the Streamlit server (server.py) wraps the app in it."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

# Streamlit's front end styles its components inline and draws charts into blobs and data URLs; everything
# else comes from the app's own origin. 'self' covers the app's own websocket (CSP level 3).
POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "media-src": "'self' blob: data:",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
OTHER_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def inline_script_hashes(html: str) -> list[str]:
    """CSP hashes of a page's inline scripts, so those exact scripts run and no other inline script can."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def security_headers(script_hashes: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    policy = dict(POLICY)
    if script_hashes:
        policy["script-src"] = " ".join([policy["script-src"], *script_hashes])
    return {"content-security-policy": "; ".join(f"{k} {v}" for k, v in policy.items()), **OTHER_HEADERS}


class SecurityHeaders:
    """Adds the security headers to every HTTP response (websocket messages carry no headers)."""

    def __init__(self, app: ASGIApp, script_hashes: list[str] | tuple[str, ...] = ()) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in security_headers(script_hashes).items()]

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
