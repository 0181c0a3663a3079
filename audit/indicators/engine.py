"""The raw computation: counts, sums and histograms straight from the database.

Every figure is a database aggregate (conditional Count/Sum, GROUP BY) over an indexed subtree
filter (organisation__path__startswith) and the fiscal year's date range; no loop over cases
in Python. Live cases (cases.Case) and imported register rows (audit.HistoricalCase) are tallied
separately and added up. This is the reference computation: anything pre-computed later must
agree with it.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from audit.indicators.interfaces import faq_entries_published, ratings_for
from audit.indicators.sql import DateDiffDays, ElapsedDays
from audit.lib.fiscal import BANGKOK, FiscalYear
from audit.models_indicators import REJECTED, HistoricalCase
from cases.models import (
    AuthorSide,
    Case,
    CaseKind,
    Finding,
    Message,
    Organisation,
    State,
    SubjectPseudonym,
)

SUBSTANTIATED = (Finding.SUBSTANTIATED, Finding.PARTLY)
COMPLETED = (State.CLOSED, State.REJECTED, State.REFERRED)
INVESTIGATED = (State.INVESTIGATING, State.CONCLUDED, State.ACTION_RECORDED, State.CLOSED)
NO_LONGER_OPEN = (State.REJECTED, State.REFERRED, State.ANSWERED)
FOLLOW_UP_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    organisation: Organisation
    fiscal_year: FiscalYear
    category_id: int | None = None
    channel: str = ""
    organisation_type: str = ""
    now: datetime | None = None  # "today", for the current year's open cases and due dates

    @property
    def reference(self) -> datetime:
        """The moment the figures describe: the year's end, or now for the current year."""
        return min(self.now or timezone.now(), self.fiscal_year.end)

    def previous_year(self) -> "Scope":
        return replace(self, fiscal_year=self.fiscal_year.previous)


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)
    amount: Decimal = Decimal(0)
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    histograms: dict[str, dict[int, int]] = field(default_factory=dict)
    # organisation id -> {"cases": n, "reports": n} for drill-down and cross-organisation medians
    per_organisation: dict[int, dict[str, int]] = field(default_factory=dict)
    distinct_violators: int = 0
    ratings: list[int] = field(default_factory=list)
    faq_entries: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            counts=_add(self.counts, other.counts),
            amount=self.amount + other.amount,
            tables=_add_nested(self.tables, other.tables),
            histograms=_add_nested(self.histograms, other.histograms),
            per_organisation=_add_nested(self.per_organisation, other.per_organisation),
            distinct_violators=self.distinct_violators + other.distinct_violators,
            ratings=self.ratings + other.ratings,
            faq_entries=self.faq_entries + other.faq_entries,
        )


def _add(a: dict[Any, int], b: dict[Any, int]) -> dict[Any, int]:
    return {key: a.get(key, 0) + b.get(key, 0) for key in a.keys() | b.keys()}


def _add_nested(a: dict[Any, dict[Any, int]], b: dict[Any, dict[Any, int]]) -> dict[Any, Any]:
    return {key: _add(a.get(key, {}), b.get(key, {})) for key in a.keys() | b.keys()}


def _int(value: Any) -> int:
    return int(value or 0)


def _grouped(rows: QuerySet, key: str) -> dict[str, int]:
    return {str(row[key]): row["n"] for row in rows}


def live_cases(scope: Scope) -> QuerySet[Case]:
    """All live cases of the subtree under the scope's filters, of any year."""
    cases = Case.objects.filter(organisation__path__startswith=scope.organisation.path)
    if scope.category_id:
        cases = cases.filter(category_id=scope.category_id)
    if scope.channel:
        cases = cases.filter(channel=scope.channel)
    if scope.organisation_type:
        cases = cases.filter(organisation__type=scope.organisation_type)
    return cases


def historical_cases(scope: Scope) -> QuerySet[HistoricalCase]:
    rows = HistoricalCase.objects.filter(organisation__path__startswith=scope.organisation.path)
    if scope.category_id:
        rows = rows.filter(category_id=scope.category_id)
    if scope.channel:
        rows = rows.filter(channel=scope.channel)
    if scope.organisation_type:
        rows = rows.filter(organisation__type=scope.organisation_type)
    return rows


def _common_groups(rows: QuerySet, tally: Tally) -> None:
    """One GROUP BY gives the channel, category, organisation-type and kind breakdowns."""
    tables: dict[str, dict[str, int]] = {
        "channel": {}, "report_category": {}, "question_category": {}, "organisation_type": {},
    }  # fmt: skip
    for row in rows.values("kind", "channel", "category__code", "organisation__type").annotate(
        n=Count("pk")
    ):
        n = row["n"]
        for table, key in (
            ("channel", row["channel"]),
            (f"{row['kind']}_category", row["category__code"]),
            ("organisation_type", row["organisation__type"]),
        ):
            tables[table][key] = tables[table].get(key, 0) + n
    tally.tables.update(tables)
    for row in rows.values("organisation_id").annotate(
        cases=Count("pk"), reports=Count("pk", filter=Q(kind=CaseKind.REPORT))
    ):
        tally.per_organisation[row["organisation_id"]] = {
            "cases": row["cases"],
            "reports": row["reports"],
        }


def _outcome_counts(
    n: Any, *, report: Q, concluded: Q, substantiated: Q, anonymous: Q, named: Q, retaliation: Q
) -> dict[str, Any]:
    """The outcome tallies that live cases and imported registers count the same way."""
    return {
        "concluded": n(report & concluded),
        "substantiated": n(report & substantiated),
        "concluded_anonymous": n(report & concluded & anonymous),
        "substantiated_anonymous": n(report & substantiated & anonymous),
        "concluded_named": n(report & concluded & named),
        "substantiated_named": n(report & substantiated & named),
        "retaliation": n(retaliation),
        "retaliation_concluded": n(retaliation & concluded),
        "retaliation_substantiated": n(retaliation & substantiated),
        "substantiated_corruption": n(report & substantiated & Q(category__is_corruption=True)),
        "recovering": n(Q(amount_recovered__gt=0)),
        "amount": Sum("amount_recovered"),
    }


def live_tally(scope: Scope) -> Tally:
    """Tally the live cases received in the scope's fiscal year."""
    fy, ref = scope.fiscal_year, scope.reference
    ref_date = ref.astimezone(BANGKOK).date()
    everything = live_cases(scope)
    cases = everything.filter(created__gte=fy.start, created__lt=fy.end)
    report, question = Q(kind=CaseKind.REPORT), Q(kind=CaseKind.QUESTION)
    anonymous, named = Q(is_anonymous=True), Q(is_anonymous=False)
    concluded, substantiated = ~Q(finding=""), Q(finding__in=SUBSTANTIATED)
    retaliation = Q(is_retaliation=True)

    def n(condition: Q) -> Count:
        return Count("pk", filter=condition)

    counts = cases.annotate(
        feedback_date=TruncDate("feedback_at", tzinfo=BANGKOK),
        answered_date=TruncDate("answered_at", tzinfo=BANGKOK),
    ).aggregate(
        cases=Count("pk"),
        reports=n(report),
        questions=n(question),
        anonymous_reports=n(report & anonymous),
        ita_completed=n(report & Q(state__in=COMPLETED)),
        acknowledged_on_time=n(report & Q(acknowledged_at__lte=F("created") + timedelta(days=7))),
        acknowledgement_due=n(
            report & (Q(acknowledged_at__isnull=False) | Q(created__lte=ref - timedelta(days=7)))
        ),
        feedback_on_time=n(report & Q(feedback_date__lte=F("due_feedback"))),
        feedback_due=n(
            report
            & Q(due_feedback__isnull=False)
            & (Q(feedback_at__isnull=False) | Q(due_feedback__lt=ref_date))
        ),
        feedback_90_on_time=n(report & Q(feedback_at__lte=F("created") + timedelta(days=90))),
        feedback_90_due=n(
            report & (Q(feedback_at__isnull=False) | Q(created__lte=ref - timedelta(days=90)))
        ),
        investigated=n(report & Q(state__in=INVESTIGATED)),
        referred=n(report & Q(state=State.REFERRED)),
        rejected=n(report & Q(state=State.REJECTED)),
        **_outcome_counts(
            n,
            report=report,
            concluded=concluded,
            substantiated=substantiated,
            anonymous=anonymous,
            named=named,
            retaliation=retaliation,
        ),
        questions_on_time=n(question & Q(answered_date__lte=F("due_answer"))),
        questions_due=n(
            question
            & Q(due_answer__isnull=False)
            & (Q(answered_at__isnull=False) | Q(due_answer__lt=ref_date))
        ),
    )
    tally = Tally(amount=Decimal(counts.pop("amount") or 0))
    tally.counts = {key: _int(value) for key, value in counts.items()}
    tally.counts["follow_up_measured"] = tally.counts["anonymous_reports"]
    tally.counts["anonymous_followed_up"] = (
        cases.filter(report & anonymous)
        .filter(
            Exists(
                Message.objects.filter(
                    case=OuterRef("pk"),
                    author_side=AuthorSide.REPORTER,
                    created__gt=OuterRef("created") + FOLLOW_UP_AFTER,
                )
            )
        )
        .count()
    )
    tally.counts.update(_open_counts(everything, ref))
    _common_groups(cases, tally)
    month_rows = (
        cases.filter(report)
        .annotate(month=TruncMonth("created", tzinfo=BANGKOK))
        .values("month")
        .annotate(n=Count("pk"))
    )
    tally.tables["month"] = {_month_key(row["month"]): row["n"] for row in month_rows}
    tally.tables["action"] = _grouped(
        cases.filter(report).exclude(action_type="").values("action_type").annotate(n=Count("pk")),
        "action_type",
    )
    tally.histograms["days_to_close"] = _histogram(
        cases.filter(closed_at__isnull=False).annotate(d=ElapsedDays("created", "closed_at"))
    )
    tally.distinct_violators = 0  # counted across both sources in year_tally
    tally.ratings = ratings_for(cases.filter(state=State.CLOSED).values_list("pk", flat=True))
    return tally


def _open_counts(everything: QuerySet[Case], ref: datetime) -> dict[str, int]:
    # Open at `ref`: still in an open state now, or closed only after `ref`. Most cases are
    # closed, so both halves are small index scans (state, closed_at), not a scan of all years.
    open_now = Q(closed_at__isnull=True) & ~Q(state__in=(*NO_LONGER_OPEN, State.CLOSED))
    still_open = everything.filter(created__lt=ref).filter(open_now | Q(closed_at__gt=ref))
    still_open = still_open.exclude(state__in=NO_LONGER_OPEN)
    counts = still_open.aggregate(
        open_over_90_days=Count("pk", filter=Q(created__lt=ref - timedelta(days=90))),
        open_over_180_days=Count("pk", filter=Q(created__lt=ref - timedelta(days=180))),
    )
    return {key: _int(value) for key, value in counts.items()}


def _month_key(value: Any) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _histogram(rows: QuerySet) -> dict[int, int]:
    return {row["d"]: row["n"] for row in rows.values("d").annotate(n=Count("pk"))}


def historical_tally(scope: Scope) -> Tally:
    """Tally the imported register rows received in the scope's fiscal year (by date)."""
    fy = scope.fiscal_year
    ref_date = scope.reference.astimezone(BANGKOK).date()
    everything = historical_cases(scope)
    rows = everything.filter(received_date__gte=fy.first_day, received_date__lte=fy.last_day)
    report, question = Q(kind=CaseKind.REPORT), Q(kind=CaseKind.QUESTION)
    anonymous, named = Q(is_anonymous=True), Q(is_anonymous=False)
    concluded = Q(finding__in=[f.value for f in Finding])
    substantiated = Q(finding__in=SUBSTANTIATED)
    retaliation = Q(is_retaliation=True)
    completed = Q(closed_date__isnull=False) | Q(finding=REJECTED) | ~Q(referred_to="")

    def n(condition: Q) -> Count:
        return Count("pk", filter=condition)

    counts = rows.aggregate(
        cases=Count("pk"),
        reports=n(report),
        questions=n(question),
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
        **_outcome_counts(
            n,
            report=report,
            concluded=concluded,
            substantiated=substantiated,
            anonymous=anonymous,
            named=named,
            retaliation=retaliation,
        ),
    )
    tally = Tally(amount=Decimal(counts.pop("amount") or 0))
    tally.counts = {key: _int(value) for key, value in counts.items()}
    still_open = everything.filter(received_date__lt=ref_date, finding__in=["", *_findings()])
    still_open = still_open.filter(referred_to="").filter(
        Q(closed_date__isnull=True) | Q(closed_date__gt=ref_date)
    )
    open_counts = still_open.aggregate(
        open_over_90_days=Count("pk", filter=Q(received_date__lt=ref_date - timedelta(days=90))),
        open_over_180_days=Count("pk", filter=Q(received_date__lt=ref_date - timedelta(days=180))),
    )
    tally.counts.update({key: _int(value) for key, value in open_counts.items()})
    _common_groups(rows, tally)
    month_rows = (
        rows.filter(report)
        .annotate(month=TruncMonth("received_date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    tally.tables["month"] = {_month_key(row["month"]): row["n"] for row in month_rows}
    tally.tables["action"] = {}
    tally.histograms["days_to_close"] = _histogram(
        rows.filter(closed_date__isnull=False).annotate(
            d=DateDiffDays("received_date", "closed_date")
        )
    )
    tally.histograms["reporting_lag"] = _histogram(
        rows.filter(incident_date__isnull=False).annotate(
            d=DateDiffDays("incident_date", "received_date")
        )
    )
    return tally


def _findings() -> list[str]:
    return [f.value for f in Finding]


def violators_count(scope: Scope) -> int:
    """Distinct pseudonyms over live and imported substantiated reports (a UNION de-duplicates)."""
    fy = scope.fiscal_year
    live = SubjectPseudonym.objects.filter(
        case__in=live_cases(scope).filter(
            created__gte=fy.start, created__lt=fy.end, finding__in=SUBSTANTIATED
        )
    ).values_list("pseudonym")
    imported = (
        historical_cases(scope)
        .filter(
            received_date__gte=fy.first_day,
            received_date__lte=fy.last_day,
            finding__in=SUBSTANTIATED,
        )
        .exclude(subject_pseudonym="")
        .values_list("subject_pseudonym")
    )
    return live.union(imported).count()


def year_tally(scope: Scope) -> Tally:
    """Everything the indicators need for one scope and fiscal year."""
    tally = live_tally(scope)
    if historical_cases(scope).exists():  # most subtrees have no register: skip its queries
        tally = tally + historical_tally(scope)
    tally.distinct_violators = violators_count(scope)
    tally.faq_entries = faq_entries_published(scope.organisation, scope.fiscal_year)
    tally.counts["headcount"] = _int(
        Organisation.objects.subtree_of(scope.organisation).aggregate(h=Sum("headcount"))["h"]
    )
    return tally
