"""Reporting periods: UK financial quarters and years, months and plain end dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from dashboard.settings import Settings

# Years of five digits are read too, so that a typo like 20099 is refused as out of range, not as "not a period".
_Y = r"\d{4,5}"
_QUARTER = re.compile(rf"^({_Y})\s*/\s*(\d{{2}}|{_Y})\s*q\s*([1-4])$")
_QUARTER_FIRST = re.compile(rf"^q\s*([1-4])\s*({_Y})\s*/\s*(\d{{2}}|{_Y})$")
_BARE_QUARTER = re.compile(rf"^(?:q\s*([1-4])\s*({_Y})|({_Y})\s*q\s*([1-4]))$")
_YEAR = re.compile(rf"^({_Y})\s*/\s*(\d{{2}}|{_Y})$")
_MONTH = re.compile(rf"^({_Y})-(\d{{1,2}})$")
_MIDNIGHT = r"(?:[ t]00:00(?::00)?)?"
_DATE = re.compile(rf"^({_Y})-(\d{{1,2}})-(\d{{1,2}}){_MIDNIGHT}$")
# Day first, as British spreadsheets write dates; never month first.
_UK_DATE = re.compile(rf"^(\d{{1,2}})([/.-])(\d{{1,2}})\2({_Y}){_MIDNIGHT}$")

PERIOD_FORMATS = (
    "a quarter like 2009/10 Q3, a year like 2008/09, a month like 2009-11 or an end date like 31/12/2009 or 2009-11-30"
)
DATE_FIX = "write a real date such as 31/12/2009 (day first) or 2009-12-31"


@dataclass(frozen=True, order=True)
class Period:
    end: date
    label: str


class BadPeriod(ValueError):
    """A cell or option that is not a period; problem and fix say why and what to write instead."""

    def __init__(self, problem: str, fix: str = f"use {PERIOD_FORMATS}"):
        super().__init__(f"{problem}: {fix}")
        self.problem = problem
        self.fix = fix


def parse_period(text: str | date | datetime, window: YearWindow | None = None) -> Period:
    """'2009/10 Q3', '31/12/2009', '2009-12' → Period(2009-12-31, '2009/10 Q3'); raises BadPeriod, also for a year
    outside the window (the entry point's settings; the defaults when none is given)."""
    window = window or YearWindow.default()

    def check_year(year: int) -> None:
        window.check(year)

    if isinstance(text, datetime):
        text = text.date()
    if isinstance(text, date):
        check_year(text.year)
        return end_date_period(text)
    raw = " ".join(str(text).split()).lower()
    if m := _QUARTER.match(raw) or _QUARTER_FIRST.match(raw):
        if m.re is _QUARTER_FIRST:
            quarter, first, second = int(m.group(1)), int(m.group(2)), m.group(3)
        else:
            first, second, quarter = int(m.group(1)), m.group(2), int(m.group(3))
        check_year(first)
        _check_years(first, second)
        return quarter_period(first, quarter)
    if m := _BARE_QUARTER.match(raw):
        check_year(int(m.group(2) or m.group(3)))
        raise _ambiguous_quarter(int(m.group(1) or m.group(4)), int(m.group(2) or m.group(3)))
    if m := _YEAR.match(raw):
        first = int(m.group(1))
        check_year(first)
        _check_years(first, m.group(2))
        return Period(date(first + 1, 3, 31), f"{first}/{(first + 1) % 100:02d}")
    if m := _MONTH.match(raw):
        year, month = int(m.group(1)), int(m.group(2))
        check_year(year)
        if not 1 <= month <= 12:
            raise BadPeriod(f"month {month} is not 1 to 12")
        return end_date_period(date(year, month, calendar.monthrange(year, month)[1]), f"{year}-{month:02d}")
    if m := _DATE.match(raw):
        check_year(int(m.group(1)))
        return end_date_period(_real_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), "not a real date"))
    if m := _UK_DATE.match(raw):
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        check_year(year)
        return end_date_period(_real_date(year, month, day, "not a real date (dates are read day/month/year)"))
    raise BadPeriod("not a period")


def end_date_period(end: date, label: str | None = None) -> Period:
    """A date (or month) ending a financial quarter is that quarter, so a quarter has one label only."""
    quarter = quarter_of(end)
    return quarter if quarter.end == end else Period(end, label or end.isoformat())


def _real_date(year: int, month: int, day: int, problem: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BadPeriod(problem, DATE_FIX) from exc


def _ambiguous_quarter(quarter: int, year: int) -> BadPeriod:
    """'Q3 2009' is Q3 of the financial year 2009/10 to some and July to September 2009 to others."""
    financial = quarter_period(year, quarter)
    calendar_quarter = quarter_of(date(year, 3 * quarter, 1))
    return BadPeriod(
        f"ambiguous: Q{quarter} of the financial year {financial.label[:7]} or of the calendar year {year}",
        f"write the financial year and quarter: {financial.label} for {_months(financial)}, "
        f"or {calendar_quarter.label} for {_months(calendar_quarter)}",
    )


def _months(quarter: Period) -> str:
    """'October to December 2009' for 2009/10 Q3."""
    first = calendar.month_name[quarter.end.month - 2]
    return f"{first} to {calendar.month_name[quarter.end.month]} {quarter.end.year}"


def quarter_period(first_year: int, quarter: int) -> Period:
    """Quarter 1..4 of the financial year that starts in April of first_year."""
    month = 3 * quarter + 3  # Q1 ends June, Q4 ends March of the next year
    year = first_year if month <= 12 else first_year + 1
    month = month if month <= 12 else month - 12
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Period(end, f"{first_year}/{(first_year + 1) % 100:02d} Q{quarter}")


def quarter_of(day: date) -> Period:
    """The financial quarter that contains a day."""
    first_year = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    return quarter_period(first_year, quarter)


def previous_quarter(period: Period) -> Period:
    """The quarter before the one that contains period's end."""
    q = quarter_of(period.end)
    first_year, quarter = int(q.label[:4]), int(q.label[-1])
    return quarter_period(first_year - 1, 4) if quarter == 1 else quarter_period(first_year, quarter - 1)


@dataclass(frozen=True)
class YearWindow:
    """The first and last year a period may be in: LAA_FIRST_YEAR to LAA_YEARS_AHEAD years after this one.

    A typo such as 2099/00 Q1 would otherwise become everyone's latest period, and periods centuries apart
    make every quarter between them a column of the helicopter view."""

    first: int
    last: int

    @classmethod
    def of(cls, first_year: int, years_ahead: int) -> YearWindow:
        return cls(first_year, date.today().year + years_ahead)

    @classmethod
    def of_settings(cls, settings: Settings) -> YearWindow:
        return cls.of(settings.first_year, settings.years_ahead)

    @classmethod
    def default(cls) -> YearWindow:
        """The window of the settings' defaults, for a caller that was given no settings."""
        fields = Settings.model_fields
        return cls.of(fields["first_year"].default, fields["years_ahead"].default)

    def check(self, year: int) -> None:
        """Raises BadPeriod for a year outside the window, before any date is built (year 0 or 10000 cannot be)."""
        if not self.first <= year <= self.last:
            raise BadPeriod(
                f"the year {year} is outside the years this dashboard accepts ({self.first} to {self.last})",
                f"correct the year; if the period really is outside {self.first} to {self.last}, "
                "an administrator can widen the window with LAA_FIRST_YEAR and LAA_YEARS_AHEAD",
            )


def _check_years(first: int, second: str) -> None:
    expected = first + 1
    ok = int(second) == expected if len(second) > 2 else int(second) == expected % 100
    if not ok:
        raise BadPeriod(f"{first}/{second} is not a financial year: the second year must follow the first")
