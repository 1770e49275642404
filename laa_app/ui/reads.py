"""The one cached engine and the cached reads, keyed by the store's data version; the settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandas as pd
import streamlit as st

from dashboard.domain.periods import Period
from dashboard.mail.watch import watch
from dashboard.papers.executive import ExecutivePaper, executive_paper, executive_pdf, executive_stem, executive_xlsx
from dashboard.read.benchmark import AreaQuartiles, Benchmark, NoBenchmark, area_quartiles, benchmark, quartile_choices
from dashboard.read.brief import executive_brief
from dashboard.read.districts import NoDistricts, district_breakdown, district_figures
from dashboard.read.escalations import escalations, rules_of
from dashboard.read.forecast import forecast_mix, forecasts
from dashboard.read.position import NoData, NoSuchArea, Position, every_area_statuses, load_position, target_history
from dashboard.read.spc import spc_as_at
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.store.engine import make_engine
from dashboard.store.schema import data_version


def settings() -> Settings:
    """The settings, read once a session (the app is the entry point: it passes them on)."""
    if _SETTINGS not in st.session_state:
        st.session_state[_SETTINGS] = Settings()
    return st.session_state[_SETTINGS]


_SETTINGS = "_settings"


def database_url() -> str:
    return settings().resolved_database_url()


@st.cache_resource(show_spinner=False)
def _engine(url: str, busy_timeout_ms: int):
    """One engine per database URL for the whole server: the app is the entry point that makes it, and sets up
    its e-mail (digests after each change, reminders when due) when LAA_SMTP_URL is set."""
    made = make_engine(url, busy_timeout_ms)
    watch(made, settings(), remind=True)
    return made


def engine():
    return _engine(database_url(), settings().sqlite_busy_timeout_ms)


# Every cached read is keyed by the store's data version, read afresh at the top of each run (app.py): a write
# from any process or dashboard server moves it on, so the next interaction reads again. The ttl is a backstop.
CACHED = {"ttl": 600, "max_entries": 64}


def read_data_version() -> int:
    """The store's data version for this run: one cheap query, never cached. Raises SchemaNotReady (run
    `laa init`) on a database without the newest schema."""
    version = data_version(engine())
    st.session_state[_VERSION] = version
    return version


_VERSION = "_data_version"


def data_version_now() -> int:
    """The data version this run read (app.py reads it first), the key of every cached read."""
    return st.session_state[_VERSION] if _VERSION in st.session_state else read_data_version()


@st.cache_data(show_spinner=False, **CACHED)
def _areas(url: str, version: int) -> list[str]:
    with engine().connect() as conn:
        return queries.area_names(conn)


@st.cache_data(show_spinner="Reading the partnership's figures…", **CACHED)
def _position(url: str, area: str | None, version: int) -> Position | None:
    try:
        return load_position(engine(), area)
    except (NoData, NoSuchArea):  # nothing stored yet, or an area an upload would create
        return None


@st.cache_data(show_spinner=False, **CACHED)
def _history(url: str, area: str | None, code: str, version: int):
    position = _position(url, area, version)
    return target_history(engine(), position, code)


@st.cache_data(show_spinner=False, **CACHED)
def _batches(url: str, version: int) -> pd.DataFrame:
    with engine().connect() as conn:
        return queries.batches_frame(conn)


def area_names() -> list[str]:
    return _areas(database_url(), data_version_now())


def position_of(name: str | None) -> Position | None:
    """The stored position of one area (None: not held), cached by the data version."""
    return _position(database_url(), name, data_version_now())


def batches() -> pd.DataFrame:
    return _batches(database_url(), data_version_now())


def history_of(area: str | None, code: str):
    """One target's every period and version in an area, cached by the data version."""
    return _history(database_url(), area, code, data_version_now())


@st.cache_data(show_spinner="Reading every area's figures…", **CACHED)
def _every_area(url: str, version: int):
    try:
        return every_area_statuses(engine())
    except NoData:
        return None


def every_area():
    """(statuses of every area's targets, the quarter they are as at), or None on an empty store; cached."""
    return _every_area(database_url(), data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _benchmark(url: str, code: str, period_end, period_label: str, version: int):
    try:
        return benchmark(engine(), code, Period(period_end, period_label))
    except NoBenchmark:
        return None


def benchmark_of(code: str, period: Period) -> Benchmark | None:
    """The indicator across every area that reported it in the period (None: none did); cached."""
    return _benchmark(database_url(), code, period.end, period.label, data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _district_mix(url: str, area: str, period_end, period_label: str, version: int):
    try:
        rows, total, _ = district_breakdown(engine(), area, Period(period_end, period_label))
    except NoDistricts:
        return None
    return rows, total


def district_mix(area: str, period: Period) -> tuple[pd.DataFrame, dict] | None:
    """Each district's mix as at the period, and their total (None: the area has no districts); cached."""
    return _district_mix(database_url(), area, period.end, period.label, data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _district_figures(url: str, area: str, code: str, period_end, period_label: str, version: int):
    try:
        return district_figures(engine(), area, code, Period(period_end, period_label))
    except (NoDistricts, LookupError):
        return None


def district_figures_of(area: str, code: str, period: Period) -> tuple[pd.DataFrame, float | None] | None:
    """A county target's indicator in each district, and the county's target (None: no districts); cached."""
    return _district_figures(database_url(), area, code, period.end, period.label, data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _parents(url: str, version: int) -> dict[str, str | None]:
    with engine().connect() as conn:
        return queries.area_parents(conn)


def county_of(area: str) -> str | None:
    """The county the area is a district of (None: not a district); cached."""
    return _parents(database_url(), data_version_now()).get(area)


@st.cache_data(show_spinner=False, **CACHED)
def _quartile_choices(url: str, area: str, version: int) -> list[str]:
    position = _position(url, area, version)
    return quartile_choices(engine(), position)


def quartile_choices_of(position: Position) -> list[str]:
    """The area's comparator groups by name, then all areas: what its quartiles may be measured within; cached."""
    return _quartile_choices(database_url(), position.area, data_version_now())


@st.cache_data(show_spinner="Ranking the targets among the areas…", **CACHED)
def _quartiles(url: str, area: str, period_end, period_label: str, group: str | None, version: int):
    position = _position(url, area, version)
    return area_quartiles(engine(), position, Period(period_end, period_label), group)


def quartiles_of(position: Position, period: Period, group: str | None) -> AreaQuartiles:
    """Each of the area's targets' quartile in the period within the group (None: all areas); cached."""
    return _quartiles(database_url(), position.area, period.end, period.label, group, data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _escalations(url: str, area: str, period_end, period_label: str, version: int) -> pd.DataFrame:
    position = _position(url, area, version)
    return escalations(position, Period(period_end, period_label), rules_of(engine(), position.area_id))


def escalations_of(position: Position, period: Period) -> pd.DataFrame:
    """What the partnership's rules escalate and recognise as at the period (read.escalations); cached."""
    return _escalations(database_url(), position.area, period.end, period.label, data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _forecasts(url: str, area: str, period_end, period_label: str, version: int) -> pd.DataFrame:
    return forecasts(_position(url, area, version), Period(period_end, period_label))


@st.cache_data(show_spinner=False, **CACHED)
def _spc(url: str, area: str, period_end, period_label: str, version: int) -> pd.DataFrame:
    position = _position(url, area, version)
    return spc_as_at(position, Period(period_end, period_label))


def spc_of(position: Position, period: Period) -> pd.DataFrame:
    """Every target's variation and assurance as at the period (read.spc), limits re-phased at changes of
    process; cached."""
    return _spc(database_url(), position.area, period.end, period.label, data_version_now())


def forecasts_of(position: Position, period: Period) -> pd.DataFrame:
    """Each target's year-end forecast as at the period (read.forecast); cached."""
    return _forecasts(database_url(), position.area, period.end, period.label, data_version_now())


@st.cache_data(show_spinner=False, **CACHED)
def _brief(url: str, area: str, period_end, period_label: str, version: int) -> list[str]:
    position = _position(url, area, version)
    raised = _escalations(url, area, period_end, period_label, version)
    mix = forecast_mix(_forecasts(url, area, period_end, period_label, version))
    return executive_brief(position, Period(period_end, period_label), raised, mix)


def brief_of(position: Position, period: Period) -> list[str]:
    """The executive brief as at the period (read.brief); cached."""
    return _brief(database_url(), position.area, period.end, period.label, data_version_now())


def executive_downloads(position: Position, period: Period) -> tuple[str, Callable[[], bytes], Callable[[], bytes]]:
    """The executive paper's file stem, and the makers of its PDF and workbook: run only when a download is clicked
    (on Streamlit's download thread, so they use what this run read and never the session), the paper written
    once for both."""
    rules = rules_of(engine(), position.area_id)

    @cache
    def paper() -> ExecutivePaper:
        return executive_paper(position, period, rules)

    return executive_stem(position.area, period.label), lambda: executive_pdf(paper()), lambda: executive_xlsx(paper())
