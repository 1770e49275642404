"""What `laa serve` checks before it hands over to Streamlit, and the line that tells the user where the dashboard
is, printed only once the server answers its health check."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
import time
import urllib.request

WILDCARDS = {"", "0.0.0.0", "::"}  # noqa: S104 (listening everywhere is the user's choice; here it is only named)
READY_WITHIN_S = 180.0
"""How long the announcer waits for a first answer: a cold start on a busy two-core machine takes a minute."""


def port_in_use(address: str, port: int) -> bool:
    """Whether another program already listens on port at address (any of the addresses a name such as localhost
    stands for), tried as the server will bind: an address this machine lacks, or a name that does not resolve,
    is left for the server to report."""
    try:
        found = socket.getaddrinfo(address or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False
    for family, kind, proto, _, where in found:
        with contextlib.closing(socket.socket(family, kind, proto)) as probe:
            # As the server does: a port left in TIME_WAIT by a server just stopped is free to use again.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(where)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return True
    return False


def busy_port_message(address: str, port: int) -> str:
    """What to do when the port is taken: the two ways to choose another."""
    other = port + 1 if port < 65535 else port - 1
    return (
        f"port {port} is already in use on {address or 'every address'} (another dashboard, or another program, "
        f"is listening there): choose another with LAA_PORT, e.g. `LAA_PORT={other} bash scripts/start`, or "
        f"`laa serve --port {other}`"
    )


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def display_url(address: str, port: int) -> str:
    """The address a person opens: localhost when the server listens on every address."""
    return f"http://{'localhost' if address in WILDCARDS else _host(address)}:{port}"


def health_url(address: str, port: int) -> str:
    """Where the server answers 'ok' once it is ready (Streamlit's health check), reached from this machine."""
    host = "127.0.0.1" if address in WILDCARDS else _host(address)
    return f"http://{host}:{port}/_stcore/health"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a URL of our own making)
            return response.status == 200
    except OSError:
        return False


def start_announcer(address: str, port: int) -> None:
    """Watch, in a process of its own, for this process (about to become the server) to answer its health check,
    then print where the dashboard is; say nothing if the server stops first (it has said why)."""
    server = os.getpid()
    first = os.fork()
    if first == 0:
        os.setsid()  # Ctrl+C is for the server alone: the watcher ends by itself when the server does
        if os.fork() != 0:  # forked twice, so that the watcher is nobody's child: the server never reaps it
            os._exit(0)
        code = 1
        try:
            code = _watch(address, port, server)
        finally:
            os._exit(code)
    os.waitpid(first, 0)


def _watch(address: str, port: int, server_pid: int) -> int:
    deadline = time.monotonic() + READY_WITHIN_S
    url = health_url(address, port)
    while time.monotonic() < deadline:
        if not _alive(server_pid):
            return 0
        if answers(url):
            print(f"The dashboard is at {display_url(address, port)} (Ctrl+C stops it)", flush=True)
            return 0
        time.sleep(0.5)
    print(
        f"The dashboard has not answered at {display_url(address, port)} after {READY_WITHIN_S:.0f} seconds; "
        "it may still be starting, or see its messages above.",
        file=sys.stderr,
        flush=True,
    )
    return 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
