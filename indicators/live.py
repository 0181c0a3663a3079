"""Tallies of live cases (cases.Case) received in a fiscal year, for one filtered set of cases
or for each organisation at once (the rollup)."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth

from cases.models import ENDED_STATES, AuthorSide, Case, CaseKind, Finding, Message, State
from core.lib.fiscal import BANGKOK, FiscalYear
from indicators.grouping import Tallies, counted, grouped_rows
from indicators.interfaces import ratings_by_organisation, ratings_for
from indicators.sql import ElapsedDays
from indicators.tally import Tally

SUBSTANTIATED = (Finding.SUBSTANTIATED, Finding.PARTLY)
# A completed report is an ended one, by the one definition (ENDED_STATES; its "answered" is
# a question's end only, so it never matches a report).
COMPLETED = ENDED_STATES
INVESTIGATED = (State.INVESTIGATING, State.CONCLUDED, State.ACTION_RECORDED, State.CLOSED)
FOLLOW_UP_AFTER = timedelta(days=1)
REPORT, QUESTION = Q(kind=CaseKind.REPORT), Q(kind=CaseKind.QUESTION)
RAW_TABLES = ("channel", "report_category", "question_category", "organisation_type", "month",
              "action")  # fmt: skip


def _int(value: Any) -> int:
    return int(value or 0)


def month_key(value: Any) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def outcome_counts(
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


def put_counts(tallies: Tallies, rows: Any) -> None:
    """Counts (and the recovered amount) from grouped aggregate rows."""
    for key, row in rows:
        tally = tallies[key]
        tally.amount += Decimal(row.pop("amount", 0) or 0)
        tally.counts.update({name: _int(value) for name, value in row.items()})


def put_common_groups(tallies: Tallies, rows: QuerySet, *, by_organisation: bool) -> None:
    """One GROUP BY gives the channel, category, organisation-type and kind breakdowns."""
    keys = ("kind", "channel", "category__code", "organisation__type")
    for key, row in grouped_rows(rows, by_organisation=by_organisation, keys=keys, n=Count("pk")):
        tables = tallies[key].tables
        for table, value in (
            ("channel", row["channel"]),
            (f"{row['kind']}_category", row["category__code"]),
            ("organisation_type", row["organisation__type"]),
        ):
            cells = tables.setdefault(table, {})
            cells[value] = cells.get(value, 0) + row["n"]
    if by_organisation:  # each organisation's own cases are its counts
        for key, tally in tallies.items():
            if key is not None and tally.counts.get("cases"):
                tally.per_organisation[key] = {
                    "cases": tally.counts["cases"],
                    "reports": tally.counts.get("reports", 0),
                }
        return
    for row in rows.values("organisation_id").annotate(
        cases=Count("pk"), reports=Count("pk", filter=REPORT)
    ):
        tallies[None].per_organisation[row["organisation_id"]] = {
            "cases": row["cases"],
            "reports": row["reports"],
        }


def put_table(tallies: Tallies, table: str, rows: Any, *, histogram: bool = False) -> None:
    for key, value, n in rows:
        target: dict[str, dict[Any, int]] = (
            tallies[key].histograms if histogram else tallies[key].tables
        )
        cells = target.setdefault(table, {})
        name = value if histogram else month_key(value) if table == "month" else str(value)
        cells[name] = cells.get(name, 0) + n


def live_tallies(
    everything: QuerySet[Case], fiscal_year: FiscalYear, ref: datetime, *, by_organisation: bool
) -> Tallies:
    """Tally the cases of `everything` received in the fiscal year, as seen at `ref`."""
    fy, ref_date, by = fiscal_year, ref.astimezone(BANGKOK).date(), by_organisation
    cases = everything.filter(created__gte=fy.start, created__lt=fy.end)
    report, question = REPORT, QUESTION
    anonymous, named = Q(is_anonymous=True), Q(is_anonymous=False)
    concluded, substantiated = ~Q(finding=""), Q(finding__in=SUBSTANTIATED)

    def n(condition: Q) -> Count:
        return Count("pk", filter=condition)

    tallies = Tallies()
    if not by:
        tables: dict[str, dict[str, int]] = {name: {} for name in RAW_TABLES}
        tallies[None] = Tally(tables=tables, histograms={"days_to_close": {}})
    dated = cases.alias(
        feedback_date=TruncDate("feedback_at", tzinfo=BANGKOK),
        answered_date=TruncDate("answered_at", tzinfo=BANGKOK),
    )
    aggregates = dict(
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
        **outcome_counts(
            n,
            report=report,
            concluded=concluded,
            substantiated=substantiated,
            anonymous=anonymous,
            named=named,
            retaliation=Q(is_retaliation=True),
        ),
        # A question followed up is judged by its first answer (first_answer_late); one not
        # followed up by its answer and date.
        questions_on_time=n(
            question
            & (
                Q(first_answer_late=False)
                | Q(first_answer_late__isnull=True, answered_date__lte=F("due_answer"))
            )
        ),
        questions_due=n(
            question
            & (
                Q(first_answer_late__isnull=False)
                | (
                    Q(due_answer__isnull=False)
                    & (Q(answered_at__isnull=False) | Q(due_answer__lt=ref_date))
                )
            )
        ),
    )
    put_counts(tallies, grouped_rows(dated, by_organisation=by, **aggregates))
    for tally in tallies.values():
        tally.counts["follow_up_measured"] = tally.counts.get("anonymous_reports", 0)
    followed_up = cases.filter(report & anonymous).filter(
        Exists(
            Message.objects.filter(
                case=OuterRef("pk"),
                author_side=AuthorSide.REPORTER,
                created__gt=OuterRef("created") + FOLLOW_UP_AFTER,
            )
        )
    )
    put_counts(
        tallies, grouped_rows(followed_up, by_organisation=by, anonymous_followed_up=Count("pk"))
    )
    put_counts(tallies, _open_counts(everything, ref, by_organisation=by))
    put_common_groups(tallies, cases, by_organisation=by)
    reports = cases.filter(report)
    month = TruncMonth("created", tzinfo=BANGKOK)
    put_table(tallies, "month", counted(reports, by_organisation=by, key="month", expression=month))
    put_table(tallies, "action", counted(
        reports.exclude(action_type=""), by_organisation=by, key="action_type"
    ))  # fmt: skip
    closing, elapsed = cases.filter(closed_at__isnull=False), ElapsedDays("created", "closed_at")
    put_table(tallies, "days_to_close", counted(
        closing, by_organisation=by, key="d", expression=elapsed
    ), histogram=True)  # fmt: skip
    # Every ended case may be rated (a rejected, referred or answered one too), so all count.
    ended = cases.filter(state__in=ENDED_STATES).values_list("pk", flat=True)
    if by:
        for key, ratings in ratings_by_organisation(ended).items():
            tallies[key].ratings = ratings
    else:
        tallies[None].ratings = ratings_for(ended)
    return tallies


def _open_counts(everything: QuerySet[Case], ref: datetime, *, by_organisation: bool) -> Any:
    # Open at `ref`: never ended, ended only after `ref` (a case rejected or answered since a
    # past year's end was open at that end), or reopened after it last ended and by `ref`.
    # Most cases ended long ago and stayed so: the first two are small scans of the ended_at
    # index, the third concerns the few reopened cases.
    reopened = Q(reopened_at__gt=F("ended_at"), reopened_at__lte=ref)
    open_at_ref = Q(ended_at__isnull=True) | Q(ended_at__gt=ref) | reopened
    still_open = everything.filter(created__lt=ref).filter(open_at_ref)
    return grouped_rows(
        still_open,
        by_organisation=by_organisation,
        open_over_90_days=Count("pk", filter=Q(created__lt=ref - timedelta(days=90))),
        open_over_180_days=Count("pk", filter=Q(created__lt=ref - timedelta(days=180))),
    )
