"""The bundled sample partnership (Haringey, 2008/09 Q4 to 2009/10 Q3): what `laa demo` loads."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy import Engine

from dashboard.access.accounts import AccountProblem, add_user, find_user
from dashboard.access.permissions import LOCAL_ADMIN, Role
from dashboard.settings import SAMPLE_DATA, Settings
from dashboard.write.importer import already_loaded, import_bytes

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
    loaded, actor = [], replace(LOCAL_ADMIN, name=by)
    for name in DEMO_FILES:
        path = SAMPLE_DATA / name
        if not path.is_file():
            raise DemoMissing(f"the sample data is missing ({path}): reinstall the package")
        data = path.read_bytes()
        if already_loaded(engine, data):
            loaded.append(DemoFileLoaded(name, None))
        else:
            loaded.append(DemoFileLoaded(name, import_bytes(engine, data, name, actor, settings=settings).summary()))
    return loaded


# One user of each role for trying the dashboard: the chair chairs the Children's Trust (9 red targets), the
# partner is NHS Haringey, lead partner of 11 targets on two boards.
DEMO_USERS = (
    ("admin", Role.ADMIN, {}),
    ("analyst", Role.ANALYST, {}),
    ("executive", Role.EXECUTIVE, {}),
    ("chair", Role.CHAIR, {"boards": ["Children's Trust"]}),
    ("partner", Role.PARTNER, {"partner": "NHS Haringey"}),
)


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: Role
    scope: str
    password: str | None
    """Generated now and shown once; None for a user that was there already (its password is unchanged)."""


def add_demo_users(engine: Engine) -> list[DemoUser]:
    """The demo's users, each with a password generated at this moment (never a fixed default); a user that exists
    already keeps its password."""
    out = []
    for name, role, extra in DEMO_USERS:
        try:
            account, password = find_user(engine, name), None
        except AccountProblem:
            password = secrets.token_urlsafe(12)
            account = add_user(engine, LOCAL_ADMIN, name, role.value, password, **extra)
        out.append(DemoUser(account.name, account.role, account.scope(), password))
    return out
