"""Legal deadlines of a case, from its organisation's policy (or the defaults), and the one
definition of "overdue" (docs/architecture.md §2): in Python for one case, in SQL for many."""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from cases.models import ENDED_STATES, Case, CaseKind, DeadlinePolicy
from core.lib.days import add_days
from core.models import Organisation

# Each deadline with the moment that meets it, in the order a case meets them. A deadline
# that does not apply to a case's kind is null, so one rule per deadline covers both kinds.
DEADLINES = (
    ("due_acknowledge", "acknowledged_at"),
    ("due_feedback", "feedback_at"),
    ("due_answer", "answered_at"),
)


def policy_for(organisation: Organisation) -> DeadlinePolicy:
    """The organisation's policy; an unsaved one with the defaults when it has none."""
    policy = DeadlinePolicy.objects.filter(organisation=organisation).first()
    return policy or DeadlinePolicy(organisation=organisation)


class Policies:
    """Every organisation's policy, read once for a scan over many cases (the periodic work
    in cases.housekeeping and cases.retention); `of` answers as policy_for does."""

    def __init__(self) -> None:
        self._saved = {p.organisation_id: p for p in DeadlinePolicy.objects.all()}

    def of(self, organisation: Organisation) -> DeadlinePolicy:
        saved = self._saved.get(organisation.pk)
        return saved or DeadlinePolicy(organisation=organisation)


def due_dates(case: Case, received: date | None = None) -> dict[str, date | None]:
    policy = policy_for(case.organisation)
    if received is not None:
        start = received
    else:
        start = timezone.localdate(case.created) if case.created else timezone.localdate()
    if case.kind == CaseKind.REPORT:
        return {
            "due_acknowledge": add_days(start, policy.acknowledge_days, policy.acknowledge_unit),
            "due_feedback": add_days(start, policy.feedback_days, policy.feedback_unit),
            "due_answer": None,
        }
    return {
        "due_acknowledge": None,
        "due_feedback": None,
        "due_answer": add_days(start, policy.answer_days, policy.answer_unit),
    }


def next_deadline(case: Case) -> tuple[str, date] | None:
    """The deadline the case is working towards now, as (field name, date)."""
    if case.is_ended or case.purged_at:
        return None
    for due_field, met_field in DEADLINES:
        due = getattr(case, due_field)
        if due and getattr(case, met_field) is None:
            return (due_field, due)
    return None


def is_overdue(case: Case, today: date) -> bool:
    deadline = next_deadline(case)
    return deadline is not None and deadline[1] < today


def unmet_deadline_before(day: date) -> Q:
    """Open cases with a deadline not met yet that falls before `day`: with `day` today, the
    overdue ones, the same cases `is_overdue` picks one at a time."""
    unmet = Q()
    for due_field, met_field in DEADLINES:
        unmet |= Q(**{f"{met_field}__isnull": True, f"{due_field}__lt": day})
    return unmet & Q(purged_at__isnull=True) & ~Q(state__in=ENDED_STATES)
