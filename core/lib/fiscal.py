"""Thai fiscal years: 1 October to 30 September in Asia/Bangkok, named by the Buddhist Era year
in which they end (FY 2569 runs from 1 October 2025 to 30 September 2026)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.lib.dates import BUDDHIST_ERA_OFFSET

BANGKOK = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True)
class FiscalYear:
    be: int  # the Buddhist Era label, e.g. 2569

    @property
    def first_day(self) -> date:
        return date(self.be - BUDDHIST_ERA_OFFSET - 1, 10, 1)

    @property
    def last_day(self) -> date:
        return date(self.be - BUDDHIST_ERA_OFFSET, 9, 30)

    @property
    def start(self) -> datetime:
        """The first instant of the year (inclusive)."""
        return datetime.combine(self.first_day, datetime.min.time(), tzinfo=BANGKOK)

    @property
    def end(self) -> datetime:
        """The first instant of the next year (exclusive)."""
        return datetime.combine(self.last_day + timedelta(days=1), datetime.min.time(), BANGKOK)

    @property
    def previous(self) -> "FiscalYear":
        return FiscalYear(self.be - 1)

    def months(self) -> list[date]:
        """The first day of each of its twelve months, October first."""
        first = self.first_day
        return [
            date(first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1)
            for i in range(12)
        ]

    def __str__(self) -> str:
        return str(self.be)


def fiscal_year_of(moment: date | datetime) -> FiscalYear:
    """The fiscal year a moment (read in Bangkok time) or a calendar date falls in."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(BANGKOK).date()
    year = moment.year + (1 if moment.month >= 10 else 0)
    return FiscalYear(year + BUDDHIST_ERA_OFFSET)
