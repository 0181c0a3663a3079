"""The public ITA complaint statistics of one organisation (its own complaints: the agencies
below it publish their own). The totals are published in full, without suppression, as the
assessment asks; the page suppresses small counts in the months."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F

from core.lib.fiscal import BANGKOK, FiscalYear
from core.models import Organisation
from indicators.facts import SOURCES, Fact, when
from indicators.tallies import received_between
from indicators.tally import month_key


@dataclass(frozen=True)
class ItaStatistics:
    fiscal_year: FiscalYear
    as_of: datetime  # the figures count what had happened before this moment
    total: int
    completed: int
    months: list[tuple[date, int]]  # the months of the year before `as_of`

    @property
    def in_progress(self) -> int:
        return self.total - self.completed


def ita_published_moment(now: datetime) -> datetime:
    """The first instant of this month in Bangkok. Figures that moved from day to day would
    tell a watcher the day a complaint came in, and in a small organisation who made it; they
    move once a month instead."""
    local = now.astimezone(BANGKOK)
    return datetime(local.year, local.month, 1, tzinfo=BANGKOK)


def ita_statistics(
    organisation: Organisation, fiscal_year: FiscalYear, as_of: datetime | None = None
) -> ItaStatistics:
    """The complaints of the year received before `as_of` (the year's end by default), and of
    those, the ones completed before it."""
    fy = fiscal_year
    as_of = min(as_of or fy.end, fy.end)
    total = completed = 0
    per_month: dict[str, int] = {}
    for source in SOURCES:
        facts = (Fact.RECEIVED, Fact.RECEIVED_MONTH, Fact.REPORT, Fact.COMPLETED_BY_REF)
        rows = source.rows().filter(organisation=organisation)
        complaints = (
            source.facts(rows, as_of, only=facts)
            .filter(received_between(source, fy.start, as_of))
            .filter(when(Fact.REPORT))
        )
        counts = complaints.aggregate(
            total=Count("pk"), completed=Count("pk", filter=when(Fact.COMPLETED_BY_REF))
        )
        total, completed = total + counts["total"], completed + counts["completed"]
        months = complaints.annotate(month=F(Fact.RECEIVED_MONTH)).values("month")
        for row in months.annotate(n=Count("pk")):
            key = month_key(row["month"])
            per_month[key] = per_month.get(key, 0) + row["n"]
    before = as_of.astimezone(BANGKOK).date()
    begun = [month for month in fy.months() if month < before]
    return ItaStatistics(
        fiscal_year=fy,
        as_of=as_of,
        total=total,
        completed=completed,
        months=[(m, per_month.get(month_key(m), 0)) for m in begun],
    )
