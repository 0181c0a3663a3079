"""The public ITA complaint statistics of one organisation (its own complaints: the agencies
below it publish their own). The totals are published in full, without suppression, as the
assessment asks; the page suppresses small counts in the months."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from audit.indicators.engine import COMPLETED
from audit.lib.fiscal import BANGKOK, FiscalYear
from audit.models_indicators import REJECTED, HistoricalCase
from cases.models import Case, CaseKind, Organisation


@dataclass(frozen=True)
class ItaStatistics:
    fiscal_year: FiscalYear
    total: int
    completed: int
    months: list[tuple[date, int]]

    @property
    def in_progress(self) -> int:
        return self.total - self.completed


def ita_statistics(organisation: Organisation, fiscal_year: FiscalYear) -> ItaStatistics:
    fy = fiscal_year
    live = Case.objects.filter(
        organisation=organisation, kind=CaseKind.REPORT, created__gte=fy.start, created__lt=fy.end
    )
    imported = HistoricalCase.objects.filter(
        organisation=organisation,
        kind=CaseKind.REPORT,
        received_date__gte=fy.first_day,
        received_date__lte=fy.last_day,
    )
    a = live.aggregate(total=Count("pk"), completed=Count("pk", filter=Q(state__in=COMPLETED)))
    done = Q(closed_date__isnull=False) | Q(finding=REJECTED) | ~Q(referred_to="")
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
        total=a["total"] + b["total"],
        completed=a["completed"] + b["completed"],
        months=[(m, per_month.get((m.year, m.month), 0)) for m in fy.months()],
    )
