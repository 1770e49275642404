"""Configuration from the environment (LAA_*), one place for every default."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

SAMPLE_DATA = Path(__file__).resolve().parent / "sample"
"""The demo partnership's files, installed with the package."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAA_", env_file=".env", extra="ignore")

    database_url: str | None = None
    """Any SQLAlchemy URL; unset means the embedded SQLite file db/laa.sqlite3 under the current directory."""
    default_area: str = "Haringey"
    """The partnership area for files with no area column, when the store does not already name one."""
    sqlite_busy_timeout_ms: int = 30_000
    first_year: int = 1990
    """The earliest year a period may be in: an older one is a typo (LAAs began in 2007)."""
    years_ahead: int = 10
    """How many years after this one a period may be in: targets are set a few years ahead, not a century."""

    port: int = Field(8501, ge=1, le=65535)
    """The port `laa serve` (and so scripts/start) listens on; `laa serve --port` overrides it."""

    idle_timeout_minutes: int = 30
    """A browser's sign-in ends after this many minutes without use (a reload within it stays signed in)."""

    accessibility_contact: str | None = None
    """Where a user reports an accessibility problem (an e-mail address, a telephone number or a web page), named
    in the accessibility statement at /accessibility; unset means the partnership's dashboard administrator."""

    smtp_url: str | None = None
    """The mail server for reminders and digests: smtp://host:25 (plain, a relay on the local network),
    smtp+starttls://user:password@host:587 (STARTTLS, then the credentials) or smtps://user:password@host:465 (TLS
    from the start); the password percent-encoded. Unset means no e-mail is sent, and the dashboard says so."""
    mail_from: str = "LAA dashboard <laa-dashboard@localhost>"
    """The From of every e-mail."""
    public_url: str | None = None
    """The dashboard's address as its users open it (https://laa.example.org), for the links in e-mails; unset
    means the e-mails name the page instead of linking to it."""
    smtp_timeout_seconds: float = Field(10.0, gt=0, le=300)
    """How long one e-mail waits for the mail server before it is retried later."""
    figures_due_days: int = Field(42, ge=0, le=366)
    """A quarter's figures are due this many days after it ends (six weeks)."""
    remind_days_before: int = Field(7, ge=0, le=90)
    """Partners are reminded of the figures they have still to enter this many days before they are due."""

    log_file: Path | None = None
    """Where the package logs what went wrong, tracebacks included; unset means db/laa.log under the current
    directory. The dashboard server logs warnings to stderr as well."""
    debug: bool = False
    """LAA_DEBUG=1: the `laa` command lets an unforeseen error raise, traceback and all, instead of one line."""

    def resolved_log_file(self) -> Path:
        """The log file as an absolute path: `laa serve` hands it to a server that runs in the app's folder."""
        return (self.log_file or Path("db", "laa.log")).absolute()

    def resolved_database_url(self) -> str:
        """LAA_DATABASE_URL, else the SQLite file db/laa.sqlite3 under the current directory; a SQLite file's path
        made absolute, as the log's is. Nothing is created here: `laa init` makes the file and its folder."""
        url = self.database_url or "sqlite:///db/laa.sqlite3"
        path = sqlite_file(url)
        if path is None or path.is_absolute():
            return url
        return make_url(url).set(database=str(path.absolute())).render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database, one in memory, or a URL that is not one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)
