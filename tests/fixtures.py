"""The one fixture factory: a store at the newest schema for any database URL, empty or holding the Haringey demo
exactly as `laa init && laa demo` leave it."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from dashboard.access.accounts import AccountProblem, add_user, find_user
from dashboard.access.permissions import LOCAL_ADMIN, Actor, Role
from dashboard.access.sessions import start_session
from dashboard.store.engine import make_engine
from dashboard.store.schema import upgrade
from dashboard.write.demo import load_demo
from dashboard.write.importer import import_bytes

# A second partnership beside Haringey: a county holding several areas.
ENFIELD = (
    b"area,indicator_code,indicator_name,theme_board,lead_partner,period,target,actual\n"
    b"Enfield,NI 1,Cohesion,Stronger Communities,Enfield Council,2009/10 Q3,80,70\n"
    b"Enfield,NI 8,Adult participation in sport,Healthier Enfield,NHS Enfield,2009/10 Q3,25,26\n"
    b"Enfield,NI 39,Alcohol-harm hospital admissions,Healthier Enfield,NHS Enfield,2009/10 Q3,1500,\n"
)


def acting(name: str = "analyst") -> Actor:
    """The local administrator recorded under a name, as the command line records its login."""
    return replace(LOCAL_ADMIN, name=name)


PASSWORD = "correct horse battery"
# One user of each role, for the demo partnership: the chair chairs the Children's Trust, the partner is the lead
# partner of NI 56 (a red target of the Children's Trust) and of 14 other targets.
USERS = {
    Role.ANALYST: ("ann", {}),
    Role.EXECUTIVE: ("eve", {}),
    Role.CHAIR: ("chris", {"boards": ["Children's Trust"]}),
    Role.PARTNER: ("nhs", {"partner": "NHS Haringey"}),
    Role.ADMIN: ("ada", {}),
}


def user_of(engine: Engine, role: Role = Role.ANALYST):
    """The test user of that role (USERS), added on first use."""
    name, extra = USERS[role]
    try:
        return find_user(engine, name)
    except AccountProblem:
        return add_user(engine, LOCAL_ADMIN, name, role.value, PASSWORD, **extra)


def session_token(url: str, role: Role = Role.ANALYST) -> str:
    """A live sign-in of the test user of that role, as the sign-in page would start it: its cookie's value."""
    engine = make_engine(url)
    try:
        return start_session(engine, user_of(engine, role))
    finally:
        engine.dispose()


APP = str(Path(__file__).resolve().parent.parent / "laa_app" / "app.py")


def app_test(role: Role | None = Role.ANALYST):
    """The dashboard in an AppTest over LAA_DATABASE_URL, signed in as the test user of that role (the app reads
    the session's token from its session state); role None: not signed in."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    if role is not None:
        at.session_state["_sign_in_token"] = session_token(os.environ["LAA_DATABASE_URL"], role)
    return at


def new_store(url: str, *, demo: bool = False, second_area: bool = False) -> str:
    """Create the schema in url's (empty) database, with the demo when asked (a copy of a store built once per test
    process and backend, as store_copy makes), and Enfield beside it when asked (3 targets: 1 red, 1 green,
    1 awaiting data); returns url."""
    store_copy(make_engine(url), demo=demo)
    if second_area:
        engine = make_engine(url)
        import_bytes(engine, ENFIELD, "enfield.csv", acting())
        engine.dispose()
    return url


def store_of(path: Path, text: str) -> str:
    """A new SQLite store at path holding an import file's rows (imported by the local administrator); its URL."""
    url = new_store(f"sqlite:///{path}")
    engine = make_engine(url)
    import_bytes(engine, text.encode(), path.with_suffix(".csv").name, acting())
    engine.dispose()
    return url


def quarters_from(first_year: int, count: int) -> list[str]:
    """'2006/07 Q1', '2006/07 Q2', …: count quarters from the first of first_year's financial year."""
    return [f"{first_year + (i // 4)}/{(first_year + (i // 4) + 1) % 100:02d} Q{i % 4 + 1}" for i in range(count)]


XMR_ACTUALS = [50, 52, 49, 51, 50, 48, 52, 50, 51, 49, 50, 52, 51, 80]
"""NI 1 (People, target 60, higher is better) from 2006/07 Q1 to 2009/10 Q2: 13 quarters around 50, then 80, outside
the limits: variation special cause, improving; assurance hit and miss (60 lies between the limits)."""


def xmr_store(path: Path) -> str:
    """A store (store_of) holding one target with an XmR chart: XMR_ACTUALS; its URL."""
    quarters = quarters_from(2006, len(XMR_ACTUALS))
    rows = "".join(f"NI 1,People,{q},60,{a}\n" for q, a in zip(quarters, XMR_ACTUALS, strict=True))
    return store_of(path, "indicator_code,theme_board,period,target,actual\n" + rows)


def _build(url: str, *, demo: bool = False) -> None:
    """The store as `laa init` (and `laa demo`, when asked) leave it, built from nothing."""
    engine = make_engine(url)
    upgrade(engine)
    if demo:
        load_demo(engine)
    engine.dispose()


_templates: dict[str, object] = {}


def demo_copy(engine: Engine) -> Engine:
    """The demo store, exactly as `laa init && laa demo` leave it, in engine's database (store_copy)."""
    return store_copy(engine, demo=True)


def store_copy(engine: Engine, *, demo: bool) -> Engine:
    """The store as `laa init` (and `laa demo`, when demo) leave it, in engine's database (a SQLite file not yet
    made, or an unused PostgreSQL database), as a copy of one built once per test process and backend: the same
    store, without migrating (and loading 264 rows) for every test."""
    engine.dispose()
    kind = "demo" if demo else "empty"
    if engine.dialect.name == "sqlite":
        key = f"sqlite:{kind}"
        if key not in _templates:
            folder = tempfile.TemporaryDirectory(prefix=f"laa-{kind}-")
            path = Path(folder.name) / f"{kind}.sqlite3"
            _build(f"sqlite:///{path}", demo=demo)
            _templates[key] = (folder, path)
        _, template = _templates[key]
        target = Path(engine.url.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return engine
    server = engine.url.set(database="postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    key = f"postgresql:{engine.url.host}:{engine.url.port}:{kind}"
    name = engine.url.database
    try:
        if key not in _templates:
            template = f"laa_{kind}_template_{os.getpid()}"
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
                conn.execute(text(f'CREATE DATABASE "{template}"'))
            _build(engine.url.set(database=template).render_as_string(hide_password=False), demo=demo)
            _templates[key] = template
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_templates[key]}"'))
    finally:
        admin.dispose()
    return engine


def send_edits(at, edits: dict):
    """Run the page with its one data editor reporting these edits, as a browser (or a hostile client) sends them:
    the widget message carries whatever it likes, locked cells and added rows included."""
    import json

    from streamlit.proto.WidgetStates_pb2 import WidgetState

    (grid,) = at.data_editor
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=grid.id, string_value=json.dumps(edits)))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def cell_edits(rows: dict[int, dict]) -> dict:
    """A data editor's state for these edited cells: row position → {column: value}."""
    return {"edited_rows": {str(r): cells for r, cells in rows.items()}, "added_rows": [], "deleted_rows": []}


def ran(at):
    """Run an AppTest and fail on any exception it drew."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in_page(role: Role, script: str):
    """A page of the dashboard in an AppTest, signed in as the role's test user."""
    at = ran(app_test(role))
    at.switch_page(script)
    return ran(at)


def plain(text) -> str:
    """Text as a reader sees it: without the Markdown escapes the pages put before punctuation."""
    return str(text).replace("\\", "").replace("\u2060", "")
