"""Tallies of imported register rows (audit.HistoricalCase) received in a fiscal year, for one
filtered set of rows or for each organisation at once (the rollup)."""

from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from cases.models import Finding
from core.lib.fiscal import BANGKOK, FiscalYear
from indicators.grouping import Tallies, counted, grouped_rows
from indicators.live import (
    QUESTION,
    REPORT,
    SUBSTANTIATED,
    outcome_counts,
    put_common_groups,
    put_counts,
    put_table,
)
from indicators.models import REJECTED, HistoricalCase
from indicators.sql import DateDiffDays
from indicators.tally import Tally


def register_completed(by: date | None = None) -> Q:
    """A register row completed (by the day `by`, when given): closed, rejected, or referred
    to another agency, as the ITA counts completion."""
    closed = Q(closed_date__isnull=False) if by is None else Q(closed_date__lte=by)
    return closed | Q(finding=REJECTED) | ~Q(referred_to="")


def historical_tallies(
    everything: QuerySet[HistoricalCase],
    fiscal_year: FiscalYear,
    ref: datetime,
    *,
    by_organisation: bool,
) -> Tallies:
    """Tally the register rows of `everything` received in the fiscal year (by date)."""
    fy, by = fiscal_year, by_organisation
    ref_date = ref.astimezone(BANGKOK).date()
    rows = everything.filter(received_date__gte=fy.first_day, received_date__lte=fy.last_day)
    report = REPORT
    anonymous, named = Q(is_anonymous=True), Q(is_anonymous=False)
    findings = [f.value for f in Finding]
    concluded = Q(finding__in=findings)
    completed = register_completed()

    def n(condition: Q) -> Count:
        return Count("pk", filter=condition)

    tallies = Tallies()
    if not by:
        tallies[None] = Tally(tables={"action": {}})
    aggregates = dict(
        cases=Count("pk"),
        reports=n(report),
        questions=n(QUESTION),
        anonymous_reports=n(report & anonymous),
        ita_completed=n(report & completed),
        acknowledged_on_time=n(
            report & Q(acknowledged_date__lte=F("received_date") + timedelta(days=7))
        ),
        acknowledgement_due=n(
            report
            & (
                Q(acknowledged_date__isnull=False)
                | Q(received_date__lte=ref_date - timedelta(days=7))
            )
        ),
        investigated=n(report & concluded),
        referred=n(report & ~Q(referred_to="")),
        rejected=n(report & Q(finding=REJECTED)),
        **outcome_counts(
            n,
            report=report,
            concluded=concluded,
            substantiated=Q(finding__in=SUBSTANTIATED),
            anonymous=anonymous,
            named=named,
            retaliation=Q(is_retaliation=True),
        ),
    )
    put_counts(tallies, grouped_rows(rows, by_organisation=by, **aggregates))
    still_open = everything.filter(received_date__lt=ref_date, finding__in=["", *findings])
    still_open = still_open.filter(referred_to="").filter(
        Q(closed_date__isnull=True) | Q(closed_date__gt=ref_date)
    )
    put_counts(tallies, grouped_rows(
        still_open,
        by_organisation=by,
        open_over_90_days=Count("pk", filter=Q(received_date__lt=ref_date - timedelta(days=90))),
        open_over_180_days=Count("pk", filter=Q(received_date__lt=ref_date - timedelta(days=180))),
    ))  # fmt: skip
    put_common_groups(tallies, rows, by_organisation=by)
    month = TruncMonth("received_date")
    put_table(tallies, "month", counted(
        rows.filter(report), by_organisation=by, key="month", expression=month
    ))  # fmt: skip
    for name, start, end in (
        ("days_to_close", "received_date", "closed_date"),
        ("reporting_lag", "incident_date", "received_date"),
    ):
        dated = rows.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
        put_table(tallies, name, counted(
            dated, by_organisation=by, key="d", expression=DateDiffDays(start, end)
        ), histogram=True)  # fmt: skip
    return tallies
