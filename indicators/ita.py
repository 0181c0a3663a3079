"""The public ITA complaint statistics of one organisation (its own complaints: the agencies
below it publish their own). The totals are published in full, without suppression, as the
assessment asks; the page suppresses small counts in the months."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from cases.models import Case, CaseKind
from core.lib.fiscal import BANGKOK, FiscalYear
from core.models import Organisation
from indicators.engine import COMPLETED
from indicators.historical import register_completed
from indicators.models import HistoricalCase


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
    last_day = min(fy.last_day, as_of.astimezone(BANGKOK).date() - timedelta(days=1))
    live = Case.objects.filter(
        organisation=organisation, kind=CaseKind.REPORT, created__gte=fy.start, created__lt=as_of
    )
    imported = HistoricalCase.objects.filter(
        organisation=organisation,
        kind=CaseKind.REPORT,
        received_date__gte=fy.first_day,
        received_date__lte=last_day,
    )
    done_live = Q(state__in=COMPLETED, ended_at__lt=as_of)
    a = live.aggregate(total=Count("pk"), completed=Count("pk", filter=done_live))
    done = register_completed(by=last_day)
    b = imported.aggregate(total=Count("pk"), completed=Count("pk", filter=done))
    per_month: dict[tuple[int, int], int] = {}
    for rows in (
        live.annotate(month=TruncMonth("created", tzinfo=BANGKOK)).values("month"),
        imported.annotate(month=TruncMonth("received_date")).values("month"),
    ):
        for row in rows.annotate(n=Count("pk")):
            key = (row["month"].year, row["month"].month)
            per_month[key] = per_month.get(key, 0) + row["n"]
    return ItaStatistics(
        fiscal_year=fy,
        as_of=as_of,
        total=a["total"] + b["total"],
        completed=a["completed"] + b["completed"],
        months=[(m, per_month.get((m.year, m.month), 0)) for m in fy.months() if m <= last_day],
    )
