"""Logging with the standard library: what went wrong, with its traceback, for whoever runs the server or the
command, never for the user on the page. The entry points (the `laa` command, the Streamlit app) set it up."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger("dashboard")

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_file: Path | None, *, to_stderr: bool) -> None:
    """Send the package's log to log_file (created on the first record, with its folder) and, for a server whose
    stderr is its operator's log, to stderr as well. Safe to call again: the handlers are set once."""
    if getattr(log, "_laa_configured", False):
        return
    log.setLevel(logging.INFO)
    formatter = logging.Formatter(FORMAT)
    if log_file is not None:
        handler = _DelayedFile(log_file)
        handler.setFormatter(formatter)
        log.addHandler(handler)
    if to_stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.setLevel(logging.WARNING)
        log.addHandler(stream)
    log.propagate = False
    log._laa_configured = True  # type: ignore[attr-defined]


# psycopg logs a second line when a connection dies inside a pipeline, and SQLAlchemy's pool logs a traceback when
# it cannot roll back on a dead connection: the error itself is reported already, so these go to the log file only.
DRIVER_LOGS = ("psycopg", "sqlalchemy.pool")


def quiet_driver_logs() -> None:
    """Keep the driver's and the pool's records off the user's terminal: into the package's log file, if any."""
    for name in DRIVER_LOGS:
        driver = logging.getLogger(name)
        driver.addHandler(_PackageLog())
        driver.propagate = False


class _PackageLog(logging.Handler):
    """Hands a record to the package log's own handlers, and drops it when there are none (never to stderr)."""

    def emit(self, record: logging.LogRecord) -> None:
        for handler in log.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)


class _DelayedFile(logging.FileHandler):
    """A file handler that makes its folder when the first record comes (a command that logs nothing writes nothing)."""

    def __init__(self, path: Path):
        super().__init__(path, encoding="utf-8", delay=True)

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()
