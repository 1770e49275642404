"""Data-quality lists: what is awaited (the chase list), what is overdue in its own reporting cycle, and what lacks
the settings a status needs."""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum

import pandas as pd

from dashboard.domain.csvsafe import safe_csv_bytes
from dashboard.domain.periods import Period, previous_quarter, quarter_of
from dashboard.domain.rules import Status, pct
from dashboard.read.position import Position

NO_LEAD_PARTNER = "(no lead partner)"

TARGET_COLUMNS = ["indicator_code", "indicator_name", "theme_board", "lead_partner"]


class Frequency(StrEnum):
    """How often a target's figures are due. A target with no frequency stored is quarterly."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


DEFAULT_FREQUENCY = Frequency.QUARTERLY
FREQUENCY_FIX = "use quarterly, annual or monthly, or leave it empty for quarterly"

_FREQUENCY_WORDS = {
    "monthly": Frequency.MONTHLY,
    "month": Frequency.MONTHLY,
    "quarterly": Frequency.QUARTERLY,
    "quarter": Frequency.QUARTERLY,
    "annual": Frequency.ANNUAL,
    "annually": Frequency.ANNUAL,
    "yearly": Frequency.ANNUAL,
    "year": Frequency.ANNUAL,
}

STALENESS_RULE = (
    "Figures are overdue when they are more than one reporting cycle old in the indicator's own frequency. "
    "As at a quarter, a quarterly indicator must have figures for the previous quarter or later; a monthly one "
    "for the last month of the previous quarter or later; an annual one for the previous financial year or later "
    "(so a 2008/09 outturn is not overdue at any quarter of 2009/10: the 2009/10 outturn is not due yet). "
    "An annual target with no figures at all is overdue once the outturn of its first year is due (a target "
    "reporting for 2008/09 from any quarter of 2009/10); a quarterly or monthly one that has never had figures "
    "is listed as awaiting data, not as overdue."
)


def parse_frequency(word: str) -> Frequency | None:
    """'Quarterly', ' ANNUAL ', 'yearly', 'month' … → Frequency; None when the word is not a frequency."""
    return _FREQUENCY_WORDS.get(" ".join(str(word).lower().split()))


def frequency_of(stored: object) -> Frequency:
    """A stored frequency, or the default (quarterly) when none is stored."""
    if isinstance(stored, str):
        found = parse_frequency(stored)
        if found is not None:
            return found
    return DEFAULT_FREQUENCY


def awaited_by(statuses: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per board (or lead partner): targets, how many are data awaited and what share, most awaited first."""
    keys = statuses[column].fillna(NO_LEAD_PARTNER if column == "lead_partner" else "")
    awaited = statuses["status"] == Status.DATA_AWAITED.value
    grouped = pd.DataFrame({column: keys, "awaited": awaited}).groupby(column, sort=False)["awaited"]
    out = pd.DataFrame({"targets": grouped.size(), "data_awaited": grouped.sum().astype(int)}).reset_index()
    out["data_awaited_pct"] = [pct(a, t) for a, t in zip(out["data_awaited"], out["targets"], strict=True)]
    out = out[out["data_awaited"] > 0]
    return out.sort_values(["data_awaited", column], ascending=[False, True], kind="stable").reset_index(drop=True)


def quarters_between(earlier: Period | object, later: Period) -> int:
    """Whole financial quarters from the quarter holding `earlier` (a Period or a date) to `later`'s."""
    start = quarter_of(earlier.end if isinstance(earlier, Period) else earlier)
    end = quarter_of(later.end)
    return (end.end.year - start.end.year) * 4 + (end.end.month - start.end.month) // 3


def cycle_of(day: date, frequency: Frequency) -> Period:
    """The month, financial quarter or financial year (by frequency) that holds a day."""
    if frequency is Frequency.MONTHLY:
        return Period(date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]), f"{day:%Y-%m}")
    if frequency is Frequency.ANNUAL:
        first = day.year if day.month >= 4 else day.year - 1
        return Period(date(first + 1, 3, 31), f"{first}/{(first + 1) % 100:02d}")
    return quarter_of(day)


def due_period(as_at: Period, frequency: Frequency) -> Period:
    """The oldest period whose figures a target must hold as at a quarter, or its figures are overdue.

    The as-at quarter's own figures may still be on their way, so each frequency is allowed one cycle behind:
    - quarterly: the previous quarter (as at 2009/10 Q3, figures for 2009/10 Q2 or later);
    - monthly: the last month of the previous quarter (as at 2009/10 Q3, 2009-09 or later): the same quarter
      of grace, but in whole months, so a monthly return that stopped in July is overdue by December;
    - annual: the previous financial year (as at any quarter of 2009/10, the 2008/09 outturn or later), since
      the outturn of the year in progress cannot be due before the year ends.
    """
    quarter = quarter_of(as_at.end)
    before = previous_quarter(quarter)
    if frequency is Frequency.MONTHLY:
        return cycle_of(before.end, Frequency.MONTHLY)
    if frequency is Frequency.ANNUAL:
        return cycle_of(date(quarter.end.year - 1, quarter.end.month, 1), Frequency.ANNUAL)
    return before


def is_overdue(last_figures: date | None, frequency: Frequency, as_at: Period, first_row: date | None = None) -> bool:
    """True when the latest figures (their period's end date) are older than due_period allows.

    A target with no figures at all is overdue when it is annual and the outturn of its first year (the year of
    `first_row`, the end of the first period it has a row for) is due; any other is awaiting data (`awaiting`)."""
    if last_figures is None or pd.isna(last_figures):
        return _first_year_missed(first_row, frequency, as_at)
    return cycle_of(last_figures, frequency).end < due_period(as_at, frequency).end


def _first_year_missed(first_row: date | None, frequency: Frequency, as_at: Period) -> bool:
    """An annual target that reported nothing for a year now due has lost that year's outturn: a quarterly one is
    chased again next quarter, but an annual outturn missed stays missing until the next year's is due."""
    if frequency is not Frequency.ANNUAL or first_row is None or pd.isna(first_row):
        return False
    return cycle_of(first_row, frequency).end <= due_period(as_at, frequency).end


def _has_figures(values: pd.DataFrame) -> pd.Series:
    """Rows that carry figures: an actual, or a reported red / amber / green (a data-awaited row carries none)."""
    reported = values["reported_status"]
    rated = reported.notna() & (reported != Status.DATA_AWAITED.value)
    return values["actual"].notna() | rated


def _latest(values: pd.DataFrame) -> pd.DataFrame:
    return values.sort_values("period_end").drop_duplicates("target_id", keep="last").set_index("target_id")


def _with_last_figures(position: Position, as_at: Period) -> pd.DataFrame:
    """Every target with its frequency and the period of its latest figures up to as_at (None: never)."""
    values = position.values[position.values["period_end"] <= as_at.end]
    figures = _latest(values[_has_figures(values)]) if len(values) else values.set_index("target_id")
    out = position.targets[["target_id", *TARGET_COLUMNS, "frequency", "board_position", "position"]].copy()
    out["frequency"] = [frequency_of(f).value for f in out["frequency"]]
    out["last_period"] = out["target_id"].map(figures["period_label"]).astype(object)
    out["last_end"] = out["target_id"].map(figures["period_end"]).astype(object)
    out["last_period"] = out["last_period"].where(out["last_period"].notna(), None)
    out["last_end"] = out["last_end"].where(out["last_end"].notna(), None)
    first = values.groupby("target_id")["period_end"].min() if len(values) else pd.Series(dtype=object)
    out["first_end"] = out["target_id"].map(first).astype(object)
    out["first_end"] = out["first_end"].where(out["first_end"].notna(), None)
    return out


def stale(position: Position, as_at: Period) -> pd.DataFrame:
    """Targets whose latest figures are overdue in their own cycle (see due_period), longest overdue first.

    `due` names the oldest period the figures should cover; `quarters_behind` counts financial quarters from
    the latest figures' quarter to the as-at quarter, whatever the frequency, so that the list sorts as one."""
    out = _with_last_figures(position, as_at)
    overdue = [
        is_overdue(end, Frequency(f), as_at, first)
        for end, f, first in zip(out["last_end"], out["frequency"], out["first_end"], strict=True)
    ]
    out = out[overdue].copy()
    out["due"] = [due_period(as_at, Frequency(f)).label for f in out["frequency"]]
    behind_from = [
        end if end is not None else _year_before(first)
        for end, first in zip(out["last_end"], out["first_end"], strict=True)
    ]
    out["quarters_behind"] = pd.array([quarters_between(end, as_at) for end in behind_from], dtype="Int64")
    out = out.sort_values(["quarters_behind", "board_position", "position"], ascending=[False, True, True])
    columns = ["target_id", *TARGET_COLUMNS, "frequency", "last_period", "due", "quarters_behind"]
    return out[columns].reset_index(drop=True)


def _year_before(first_row: date) -> date:
    """The end of the financial year before the one holding first_row: a target that never had figures is as far
    behind as one whose last figures were for the year before its first."""
    year_end = cycle_of(first_row, Frequency.ANNUAL).end
    return year_end.replace(year=year_end.year - 1)


def awaiting(position: Position, as_at: Period) -> pd.DataFrame:
    """The chase list: every target whose status as at as_at is data awaited, by lead partner, then in the
    partnership's order. `last_period` is its latest figures (None: never had any); `awaited_period` is the
    period of the data-awaited row that sets its status (None: nothing reported for it at all)."""
    statuses = position.statuses(as_at)
    waiting = statuses.loc[statuses["status"] == Status.DATA_AWAITED.value, ["target_id", "period_label"]]
    out = _with_last_figures(position, as_at)
    out = out[out["target_id"].isin(waiting["target_id"])].copy()
    awaited = waiting.set_index("target_id")["period_label"]
    out["awaited_period"] = out["target_id"].map(awaited).astype(object)
    out["awaited_period"] = out["awaited_period"].where(out["awaited_period"].notna(), None)
    out = out.assign(_no_partner=_blank(out["lead_partner"]), _partner=out["lead_partner"].fillna("").str.casefold())
    out = out.sort_values(["_no_partner", "_partner", "board_position", "position"])
    columns = ["target_id", *TARGET_COLUMNS, "frequency", "last_period", "awaited_period"]
    return out[columns].reset_index(drop=True)


CHASE_HEADINGS = {
    "indicator_code": "Code",
    "indicator_name": "Indicator",
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
    "frequency": "Frequency",
    "last_period": "Last figures for",
    "awaited_period": "Awaiting figures for",
}


NEVER = "none yet"
NOTHING_REPORTED = "nothing reported"


def chase_table(chase: pd.DataFrame) -> pd.DataFrame:
    """The chase list (from `awaiting`) as people read it, on the page and in the CSV: headings in words,
    'none yet' for a target that has never had figures, 'nothing reported' where no row names the period."""
    frame = chase[list(CHASE_HEADINGS)].astype(object)
    frame["last_period"] = frame["last_period"].where(frame["last_period"].notna(), NEVER)
    frame["awaited_period"] = frame["awaited_period"].where(frame["awaited_period"].notna(), NOTHING_REPORTED)
    frame = frame.where(frame.notna(), "")
    return frame.rename(columns=CHASE_HEADINGS).reset_index(drop=True)


STALE_HEADINGS = {
    "indicator_code": "Code",
    "frequency": "Frequency",
    "last_period": "Last figures for",
    "due": "Should have figures for",
    "quarters_behind": "Quarters behind",
    "theme_board": "Theme board",
    "lead_partner": "Lead partner",
    "indicator_name": "Indicator",
}


def stale_table(overdue: pd.DataFrame) -> pd.DataFrame:
    """The overdue list (from `stale`) as people read it: headings in words, 'none yet' for a target that has
    never had figures."""
    frame = overdue[list(STALE_HEADINGS)].copy()
    frame["last_period"] = frame["last_period"].astype(object).where(frame["last_period"].notna(), NEVER)
    return frame.rename(columns=STALE_HEADINGS).reset_index(drop=True)


def chase_list_csv(chase: pd.DataFrame) -> bytes:
    """The chase list (from `awaiting`) as CSV bytes for a spreadsheet: UTF-8 with BOM, one row per target,
    and any text a spreadsheet would run as a formula neutralised (see dashboard.domain.csvsafe)."""
    return safe_csv_bytes(chase_table(chase))


def chase_list_filename(area: str, as_at: Period) -> str:
    """'chase-list-haringey-2009-10-q3.csv'."""
    words = f"chase list {area} {as_at.label}".lower().replace("/", "-")
    slug = "".join(c if c.isalnum() or c == "-" else " " for c in words)
    return "-".join(slug.split()) + ".csv"


def missing_settings(statuses: pd.DataFrame) -> pd.DataFrame:
    """Targets lacking a lead partner, a polarity or a target value (in the row that sets their status)."""
    lacks = {
        "lead partner": _blank(statuses["lead_partner"]),
        "polarity": _blank(statuses["polarity"]),
        "target value": pd.to_numeric(statuses["target_value"], errors="coerce").isna(),
    }
    missing = [", ".join(name for name, mask in lacks.items() if mask.iloc[i]) for i in range(len(statuses))]
    out = statuses[["target_id", *TARGET_COLUMNS]].assign(missing=missing)
    return out[out["missing"] != ""].reset_index(drop=True)


def summary(position: Position, as_at: Period) -> dict[str, int]:
    """How many targets appear on each data-quality list."""
    statuses = position.statuses(as_at)
    return {
        "targets": len(statuses),
        "data_awaited": int((statuses["status"] == Status.DATA_AWAITED.value).sum()),
        "stale": len(stale(position, as_at)),
        "missing_settings": len(missing_settings(statuses)),
    }


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")
