"""A stand-in OpenID Connect provider on a loopback port, for single sign-on tests: it signs in, at once and
without asking, whoever `email` names, the way a work account's provider does for a user already signed in
there. Discovery, the authorisation code flow and an RS256-signed ID token, as st.login (Authlib) expects."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_ID = "laa-dashboard"
CLIENT_SECRET = "not a real secret"
KEY_ID = "test-key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _number(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class Provider:
    """Start with `with Provider() as provider:`; set `provider.email` to the account the next sign-in gets."""

    def __init__(self) -> None:
        self.email: str | None = None
        self.sign_ins = 0
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Provider:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def _metadata(self) -> dict:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def _jwks(self) -> dict:
        public = self._key.public_key().public_numbers()
        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID, "n": _number(public.n)}
        return {"keys": [key | {"e": _number(public.e)}]}

    def _id_token(self, claims: dict) -> str:
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": KEY_ID}).encode())
        body = _b64(json.dumps(claims).encode())
        signature = self._key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{body}.{_b64(signature)}"

    def _authorize(self, query: dict[str, str]) -> str:
        """The address the browser is sent back to: the app's redirect_uri with a one-time code."""
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": query.get("nonce"), "email": self.email, "client_id": query["client_id"]}
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def _token(self, form: dict[str, str]) -> dict | None:
        grant = self._codes.pop(form.get("code", ""), None)
        if grant is None:
            return None
        self.sign_ins += 1
        now = int(time.time())
        claims = {
            "iss": self.base,
            "sub": grant["email"],
            "aud": grant["client_id"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": grant["email"],
            "name": grant["email"].split("@")[0],
        }
        return {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300} | {
            "id_token": self._id_token(claims)
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet: the test reports what matters
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, provider._metadata())
                elif url.path == "/jwks":
                    self._json(200, provider._jwks())
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    self.send_response(302)
                    self.send_header("Location", provider._authorize(query))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                token = provider._token(form) if urlparse(self.path).path == "/token" else None
                if token is None:
                    self._json(400, {"error": "invalid_grant"})
                else:
                    self._json(200, token)

        return Handler
