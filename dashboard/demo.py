"""The bundled sample partnership (Haringey, 2008/09 Q4 to 2009/10 Q3): what `laa demo` loads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard.importer import already_loaded, import_bytes
from dashboard.settings import SAMPLE_DATA, Settings

DEMO_FILES = ("haringey_demo.csv", "haringey_corrections.csv")


class DemoMissing(LookupError):
    """The sample files are not where the package expects them."""


@dataclass(frozen=True)
class DemoFileLoaded:
    name: str
    summary: dict | None
    """The import's summary; None when the file was loaded already and nothing changed."""


def load_demo(engine: Engine, by: str = "demo", settings: Settings | None = None) -> list[DemoFileLoaded]:
    """Import the sample files in order; a file already loaded is skipped, so running it again changes nothing."""
    loaded = []
    for name in DEMO_FILES:
        path = SAMPLE_DATA / name
        if not path.is_file():
            raise DemoMissing(f"the sample data is missing ({path}): reinstall the package")
        data = path.read_bytes()
        if already_loaded(engine, data):
            loaded.append(DemoFileLoaded(name, None))
        else:
            loaded.append(DemoFileLoaded(name, import_bytes(engine, data, name, by, settings=settings).summary()))
    return loaded
