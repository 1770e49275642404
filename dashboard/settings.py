"""Configuration from the environment (LAA_*), one place for every default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = PROJECT_ROOT / "sample_data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAA_", env_file=".env", extra="ignore")

    database_url: str | None = None
    """Any SQLAlchemy URL; unset means the embedded SQLite file db/laa.sqlite3."""
    default_area: str = "Haringey"
    """The partnership area for files with no area column, when the store does not already name one."""
    sqlite_busy_timeout_ms: int = 30_000
    first_year: int = 1990
    """The earliest year a period may be in: an older one is a typo (LAAs began in 2007)."""
    years_ahead: int = 10
    """How many years after this one a period may be in: targets are set a few years ahead, not a century."""

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = PROJECT_ROOT / "db" / "laa.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
