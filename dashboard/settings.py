"""Configuration from the environment (LAA_*), one place for every default."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

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

    idle_timeout_minutes: int = 30
    """A browser's sign-in ends after this many minutes without use (a reload within it stays signed in)."""

    log_file: Path | None = None
    """Where the package logs what went wrong, tracebacks included; unset means db/laa.log under the current
    directory. The dashboard server logs warnings to stderr as well."""
    debug: bool = False
    """LAA_DEBUG=1: the `laa` command lets an unforeseen error raise, traceback and all, instead of one line."""

    def resolved_log_file(self) -> Path:
        return self.log_file or Path.cwd() / "db" / "laa.log"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = Path.cwd() / "db" / "laa.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
