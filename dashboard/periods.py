"""Reporting periods: UK financial quarters and years, months and plain end dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

_QUARTER = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})\s*q\s*([1-4])$")
_QUARTER_FIRST = re.compile(r"^q\s*([1-4])\s*(\d{4})\s*/\s*(\d{2}|\d{4})$")
_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]00:00(?::00)?)?$")

PERIOD_FORMATS = "a quarter like 2009/10 Q3, a year like 2008/09, a month like 2009-11 or an end date like 2009-11-30"


@dataclass(frozen=True, order=True)
class Period:
    end: date
    label: str


class BadPeriod(ValueError):
    pass


def parse_period(text: str | date | datetime) -> Period:
    """'2009/10 Q3' → Period(2009-12-31, '2009/10 Q3'); raises BadPeriod naming the accepted forms."""
    if isinstance(text, datetime):
        text = text.date()
    if isinstance(text, date):
        return Period(text, text.isoformat())
    raw = " ".join(str(text).split()).lower()
    if m := _QUARTER.match(raw) or _QUARTER_FIRST.match(raw):
        if m.re is _QUARTER_FIRST:
            quarter, first, second = int(m.group(1)), int(m.group(2)), m.group(3)
        else:
            first, second, quarter = int(m.group(1)), m.group(2), int(m.group(3))
        _check_years(first, second)
        return quarter_period(first, quarter)
    if m := _YEAR.match(raw):
        first = int(m.group(1))
        _check_years(first, m.group(2))
        return Period(date(first + 1, 3, 31), f"{first}/{(first + 1) % 100:02d}")
    if m := _MONTH.match(raw):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise BadPeriod(f"month {month} is not 1 to 12")
        return Period(date(year, month, calendar.monthrange(year, month)[1]), f"{year}-{month:02d}")
    if m := _DATE.match(raw):
        try:
            end = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise BadPeriod(f"{text!s} is not a real date") from exc
        return Period(end, end.isoformat())
    raise BadPeriod(f"not a period: use {PERIOD_FORMATS}")


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


def _check_years(first: int, second: str) -> None:
    expected = first + 1
    ok = int(second) == expected if len(second) == 4 else int(second) == expected % 100
    if not ok:
        raise BadPeriod(f"{first}/{second} is not a financial year: the second year must follow the first")
