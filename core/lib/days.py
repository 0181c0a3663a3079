"""Counting days for legal deadlines: calendar days, or Thai working days (no weekends, no
public holidays, from the maintained `holidays` package)."""

from datetime import date, datetime, timedelta
from functools import cache

import holidays

CALENDAR = "calendar"
WORKING = "working"


@cache
def _thai_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("TH", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def add_days(start: date, days: int, unit: str) -> date:
    """The due date `days` days after `start` (the day of receipt does not count)."""
    if unit == CALENDAR:
        return start + timedelta(days=days)
    if unit != WORKING:
        raise ValueError(f"unknown day unit {unit!r}")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def add_years(moment: datetime, years: int) -> datetime:
    """The same local date and time `years` calendar years later; 29 February becomes the
    28th in a year without it."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)
