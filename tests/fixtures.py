"""The one fixture factory: a store at the newest schema for any database URL, empty or holding the Haringey demo
exactly as `laa init && laa demo` leave it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from dashboard.demo import load_demo
from dashboard.importer import import_bytes
from dashboard.store.engine import make_engine
from dashboard.store.schema import upgrade

# A second partnership beside Haringey: a county holding several areas.
ENFIELD = (
    b"area,indicator_code,indicator_name,theme_board,lead_partner,period,target,actual\n"
    b"Enfield,NI 1,Cohesion,Stronger Communities,Enfield Council,2009/10 Q3,80,70\n"
    b"Enfield,NI 8,Adult participation in sport,Healthier Enfield,NHS Enfield,2009/10 Q3,25,26\n"
    b"Enfield,NI 39,Alcohol-harm hospital admissions,Healthier Enfield,NHS Enfield,2009/10 Q3,1500,\n"
)


def new_store(url: str, *, demo: bool = False, second_area: bool = False) -> str:
    """Create the schema in url's (empty) database, load the demo when asked, and Enfield beside it when asked
    (3 targets: 1 red, 1 green, 1 awaiting data); returns url."""
    engine = make_engine(url)
    upgrade(engine)
    if demo:
        load_demo(engine)
    if second_area:
        import_bytes(engine, ENFIELD, "enfield.csv", "analyst")
    engine.dispose()
    return url


_templates: dict[str, object] = {}


_templates: dict[str, object] = {}


def demo_copy(engine: Engine) -> Engine:
    """new_store(demo=True) in engine's (still unused) database, as a copy of one built once per test process and
    backend: the same store, without loading 209 rows for every test."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        if "sqlite" not in _templates:
            folder = tempfile.TemporaryDirectory(prefix="laa-demo-")
            path = Path(folder.name) / "demo.sqlite3"
            new_store(f"sqlite:///{path}", demo=True)
            _templates["sqlite"] = (folder, path)
        _, template = _templates["sqlite"]
        target = Path(engine.url.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return engine
    server = engine.url.set(database="postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    key = f"postgresql:{engine.url.host}:{engine.url.port}"
    name = engine.url.database
    try:
        if key not in _templates:
            template = f"laa_demo_template_{os.getpid()}"
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
                conn.execute(text(f'CREATE DATABASE "{template}"'))
            new_store(engine.url.set(database=template).render_as_string(hide_password=False), demo=True)
            _templates[key] = template
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_templates[key]}"'))
    finally:
        admin.dispose()
    return engine
