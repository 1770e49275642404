"""The one fixture factory: a store at the newest schema for any database URL, empty or holding the Haringey demo
exactly as `laa init && laa demo` leave it."""

from __future__ import annotations

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
