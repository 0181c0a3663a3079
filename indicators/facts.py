"""One source of case facts: live cases (cases.Case) and imported register rows
(indicators.HistoricalCase) annotated to one row shape, so that every indicator is one query
definition over that shape (indicators.tallies), whichever the rows came from
(docs/architecture.md §5).

The two record different things (a workflow state and datetimes; a register's finding and
dates). This module is the only place that knows how: each source maps its own columns onto the
facts below, and a fact a source does not record is false (or empty) there.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncDate, TruncMonth

from cases.models import (
    ENDED_STATES,
    AuthorSide,
    Case,
    CaseKind,
    Category,
    Finding,
    Message,
    State,
)
from core.lib.fiscal import BANGKOK
from indicators.grouping import Key
from indicators.interfaces import ratings_by_organisation, ratings_for
from indicators.models import REJECTED, HistoricalCase
from indicators.sql import DateDiffDays, ElapsedDays

SUBSTANTIATED = (Finding.SUBSTANTIATED, Finding.PARTLY)
FINDINGS = tuple(Finding)  # an investigation's findings (a register adds REJECTED beside them)
# A report is completed (as the ITA counts) once it ended: closed, not taken up or referred.
# ANSWERED, the fourth ended state, ends questions only.
COMPLETED = ENDED_STATES
INVESTIGATED = (State.INVESTIGATING, State.CONCLUDED, State.ACTION_RECORDED, State.CLOSED)
ACKNOWLEDGE_WITHIN = timedelta(days=7)
FEEDBACK_WITHIN = timedelta(days=90)
FOLLOW_UP_AFTER = timedelta(days=1)  # an anonymous reporter "came back" after this long


class Fact(StrEnum):
    """The row shape: the columns both sources are annotated with."""

    RECEIVED = "received"  # a datetime (live) or a date (register): compare with Source.at()
    RECEIVED_MONTH = "received_month"
    ACKNOWLEDGED = "acknowledged"  # same resolution as RECEIVED
    REPORT = "report"
    QUESTION = "question"
    ANONYMOUS = "anonymous"
    NAMED = "named"
    RETALIATION = "retaliation"
    CORRUPTION = "corruption"
    RECOVERING = "recovering"
    CONCLUDED = "concluded"  # has an investigation's finding
    SUBSTANTIATED = "substantiated"
    COMPLETED = "completed"  # as it stands now
    COMPLETED_BY_REF = "completed_by_ref"  # completed before the reference moment
    INVESTIGATED = "investigated"
    REFERRED = "referred"
    REJECTED = "rejected"
    ACKNOWLEDGED_ON_TIME = "acknowledged_on_time"
    ACKNOWLEDGEMENT_DUE = "acknowledgement_due"
    FEEDBACK_ON_TIME = "feedback_on_time"
    FEEDBACK_DUE = "feedback_due"
    FEEDBACK_90_ON_TIME = "feedback_90_on_time"
    FEEDBACK_90_DUE = "feedback_90_due"
    ANSWERED_ON_TIME = "answered_on_time"
    ANSWER_DUE = "answer_due"
    FOLLOW_UP_MEASURED = "follow_up_measured"
    FOLLOWED_UP = "followed_up"
    OPEN = "open"  # open at the reference moment
    CLOSED = "closed"  # has a closing date
    DAYS_TO_CLOSE = "days_to_close"
    INCIDENT_DATED = "incident_dated"
    REPORTING_LAG = "reporting_lag"
    ACTION = "action"


def when(*facts: Fact) -> Q:
    """The rows for which all the boolean `facts` hold, tested in the order given (Q(**kw)
    would sort them): the cheap, selective one first spares the database the others."""
    condition = Q()
    for fact in facts:
        condition &= Q(**{str(fact): True})
    return condition


def _yes(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


NO = Value(False, output_field=BooleanField())
# What a fact is where a source does not record it (every other fact: false).
NOTHING = {
    Fact.REPORTING_LAG: Value(None, output_field=IntegerField()),
    Fact.ACTION: Value("", output_field=CharField()),
}


def _common() -> dict[Fact, Any]:
    """The facts both models record in columns of the same name."""
    corruption = Category.objects.filter(is_corruption=True)
    return {
        Fact.REPORT: _yes(Q(kind=CaseKind.REPORT)),
        Fact.QUESTION: _yes(Q(kind=CaseKind.QUESTION)),
        Fact.ANONYMOUS: _yes(Q(is_anonymous=True)),
        Fact.NAMED: _yes(Q(is_anonymous=False)),
        Fact.RETALIATION: _yes(Q(is_retaliation=True)),
        # A subquery rather than a join: an alias's join would stay in every query.
        Fact.CORRUPTION: _yes(Q(category_id__in=corruption.values("pk"))),
        Fact.RECOVERING: _yes(Q(amount_recovered__gt=0)),
        Fact.SUBSTANTIATED: _yes(Q(finding__in=SUBSTANTIATED)),
    }


class Source(ABC):
    """One model's rows seen as case facts."""

    model: type[Model]
    unrecorded: frozenset[Fact] = frozenset()  # facts it has no column for: queries skip them

    def records(self, *facts: Fact) -> bool:
        return not self.unrecorded.intersection(facts)

    def rows(self) -> QuerySet:
        return self.model._default_manager.all()

    def at(self, moment: datetime) -> datetime | date:
        """`moment` at the resolution of the RECEIVED and ACKNOWLEDGED facts."""
        return moment

    @abstractmethod
    def own_facts(self, ref: datetime) -> dict[Fact, Any]:
        """The facts this source records, as expressions over its own columns."""

    def facts(self, rows: QuerySet, ref: datetime, *, only: Iterable[Fact] = ()) -> QuerySet:
        """`rows` (of this source) annotated with every fact (or `only` those: resolving all
        of them takes a few milliseconds), as seen at `ref`."""
        nothing = {fact: NOTHING.get(fact, NO) for fact in self.unrecorded}
        facts = _common() | self.own_facts(ref) | nothing
        assert facts.keys() == set(Fact), set(Fact) ^ facts.keys()  # one shape for all sources
        wanted = set(only) or facts.keys()
        return rows.alias(**{str(fact): facts[fact] for fact in facts if fact in wanted})

    @abstractmethod
    def pseudonyms(self, rows: QuerySet) -> QuerySet:
        """The subject pseudonyms of `rows`, as a one-column values_list."""

    def ratings(self, rows: QuerySet, *, by_organisation: bool) -> Mapping[Key, list[int]]:
        """The reporters' ratings of the closed cases among `rows`."""
        return {}


class LiveCases(Source):
    model = Case
    unrecorded = frozenset({Fact.INCIDENT_DATED, Fact.REPORTING_LAG})  # no incident date

    def own_facts(self, ref: datetime) -> dict[Fact, Any]:
        ref_date = ref.astimezone(BANGKOK).date()
        report = Q(kind=CaseKind.REPORT)
        feedback_date = TruncDate("feedback_at", tzinfo=BANGKOK)
        came_back = Message.objects.filter(
            case=OuterRef("pk"),
            author_side=AuthorSide.REPORTER,
            created__gt=OuterRef("created") + FOLLOW_UP_AFTER,
        )
        # Open at `ref`: never ended, ended only after `ref` (a case rejected or answered since
        # a past year's end was open at that end), or reopened after it last ended and by `ref`.
        reopened = Q(reopened_at__gt=F("ended_at"), reopened_at__lte=ref)
        open_at_ref = Q(ended_at__isnull=True) | Q(ended_at__gt=ref) | reopened
        return {
            Fact.RECEIVED: F("created"),
            Fact.RECEIVED_MONTH: TruncMonth("created", tzinfo=BANGKOK),
            Fact.ACKNOWLEDGED: F("acknowledged_at"),
            Fact.CONCLUDED: _yes(~Q(finding="")),
            Fact.COMPLETED: _yes(Q(state__in=COMPLETED)),
            Fact.COMPLETED_BY_REF: _yes(Q(state__in=COMPLETED, ended_at__lt=ref)),
            Fact.INVESTIGATED: _yes(Q(state__in=INVESTIGATED)),
            Fact.REFERRED: _yes(Q(state=State.REFERRED)),
            Fact.REJECTED: _yes(Q(state=State.REJECTED)),
            Fact.ACKNOWLEDGED_ON_TIME: _yes(
                Q(acknowledged_at__lte=F("created") + ACKNOWLEDGE_WITHIN)
            ),
            Fact.ACKNOWLEDGEMENT_DUE: _yes(
                Q(acknowledged_at__isnull=False) | Q(created__lte=ref - ACKNOWLEDGE_WITHIN)
            ),
            Fact.FEEDBACK_ON_TIME: _yes(Q(due_feedback__gte=feedback_date)),
            Fact.FEEDBACK_DUE: _yes(
                Q(due_feedback__isnull=False)
                & (Q(feedback_at__isnull=False) | Q(due_feedback__lt=ref_date))
            ),
            Fact.FEEDBACK_90_ON_TIME: _yes(Q(feedback_at__lte=F("created") + FEEDBACK_WITHIN)),
            Fact.FEEDBACK_90_DUE: _yes(
                Q(feedback_at__isnull=False) | Q(created__lte=ref - FEEDBACK_WITHIN)
            ),
            # A question followed up is judged by its first answer (first_answer_late); one
            # not followed up by its answer and date.
            Fact.ANSWERED_ON_TIME: _yes(
                Q(first_answer_late=False)
                | Q(
                    first_answer_late__isnull=True,
                    due_answer__gte=TruncDate("answered_at", tzinfo=BANGKOK),
                )
            ),
            Fact.ANSWER_DUE: _yes(
                Q(first_answer_late__isnull=False)
                | (
                    Q(due_answer__isnull=False)
                    & (Q(answered_at__isnull=False) | Q(due_answer__lt=ref_date))
                )
            ),
            # Only live reports can be followed up (through their receipt).
            Fact.FOLLOW_UP_MEASURED: _yes(report & Q(is_anonymous=True)),
            Fact.FOLLOWED_UP: Exists(came_back),
            Fact.OPEN: _yes(Q(created__lt=ref) & open_at_ref),
            Fact.CLOSED: _yes(Q(closed_at__isnull=False)),
            Fact.DAYS_TO_CLOSE: ElapsedDays("created", "closed_at"),
            Fact.ACTION: F("action_type"),
        }

    def pseudonyms(self, rows: QuerySet) -> QuerySet:
        from cases.models import SubjectPseudonym

        return SubjectPseudonym.objects.filter(case__in=rows.values("pk")).values_list("pseudonym")

    def ratings(self, rows: QuerySet, *, by_organisation: bool) -> Mapping[Key, list[int]]:
        # Every ended case may be rated (a rejected, referred or answered one too), so all count.
        ended = rows.filter(state__in=ENDED_STATES).values_list("pk", flat=True)
        if by_organisation:
            return dict(ratings_by_organisation(ended).items())
        return {None: ratings_for(ended)}


class RegisterRows(Source):
    model = HistoricalCase
    # Registers record no feedback, answers, follow-up or action taken.
    unrecorded = frozenset({
        Fact.FEEDBACK_ON_TIME, Fact.FEEDBACK_DUE, Fact.FEEDBACK_90_ON_TIME,
        Fact.FEEDBACK_90_DUE, Fact.ANSWERED_ON_TIME, Fact.ANSWER_DUE, Fact.FOLLOW_UP_MEASURED,
        Fact.FOLLOWED_UP, Fact.ACTION,
    })  # fmt: skip

    def at(self, moment: datetime) -> date:
        return moment.astimezone(BANGKOK).date()

    def own_facts(self, ref: datetime) -> dict[Fact, Any]:
        ref_date = self.at(ref)
        concluded = Q(finding__in=FINDINGS)
        referred, rejected = ~Q(referred_to=""), Q(finding=REJECTED)
        # Closed, rejected, or referred to another agency, as the ITA counts completion.
        completed = referred | rejected
        return {
            Fact.RECEIVED: F("received_date"),
            Fact.RECEIVED_MONTH: TruncMonth("received_date"),
            Fact.ACKNOWLEDGED: F("acknowledged_date"),
            Fact.CONCLUDED: _yes(concluded),
            Fact.COMPLETED: _yes(Q(closed_date__isnull=False) | completed),
            Fact.COMPLETED_BY_REF: _yes(Q(closed_date__lt=ref_date) | completed),
            # A register records a finding only for the reports it investigated.
            Fact.INVESTIGATED: _yes(concluded),
            Fact.REFERRED: _yes(referred),
            Fact.REJECTED: _yes(rejected),
            Fact.ACKNOWLEDGED_ON_TIME: _yes(
                Q(acknowledged_date__lte=F("received_date") + ACKNOWLEDGE_WITHIN)
            ),
            Fact.ACKNOWLEDGEMENT_DUE: _yes(
                Q(acknowledged_date__isnull=False)
                | Q(received_date__lte=ref_date - ACKNOWLEDGE_WITHIN)
            ),
            Fact.OPEN: _yes(
                Q(received_date__lt=ref_date)
                & ~completed
                & (Q(closed_date__isnull=True) | Q(closed_date__gt=ref_date))
            ),
            Fact.CLOSED: _yes(Q(closed_date__isnull=False)),
            Fact.DAYS_TO_CLOSE: DateDiffDays("received_date", "closed_date"),
            Fact.INCIDENT_DATED: _yes(Q(incident_date__isnull=False)),
            Fact.REPORTING_LAG: DateDiffDays("incident_date", "received_date"),
        }

    def pseudonyms(self, rows: QuerySet) -> QuerySet:
        return rows.exclude(subject_pseudonym="").values_list("subject_pseudonym")


LIVE, REGISTER = LiveCases(), RegisterRows()
SOURCES: tuple[Source, ...] = (LIVE, REGISTER)
