"""Legal deadlines of a case, from its organisation's policy (or the defaults)."""

from datetime import date

from django.utils import timezone

from cases.models import Case, CaseKind, DeadlinePolicy
from core.lib.days import add_days
from core.models import Organisation


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
    if case.kind == CaseKind.QUESTION:
        if case.answered_at is None and case.due_answer:
            return ("due_answer", case.due_answer)
        return None
    if case.acknowledged_at is None and case.due_acknowledge:
        return ("due_acknowledge", case.due_acknowledge)
    if case.feedback_at is None and case.due_feedback:
        return ("due_feedback", case.due_feedback)
    return None
