"""Periodic work on cases: deadline reminders and escalations, and closing quiet answered
questions (purging ended cases is cases.retention). Each case is handled in its own
transaction, so a run that dies halfway leaves every case whole, and a second run repeats
nothing that the first one finished."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import event_record
from cases.deadlines import Policies, next_deadline, unmet_deadline_before
from cases.models import Case, CaseKind, Reminder, State
from cases.notifications import case_supervisors, notification_queue
from cases.workflow import TransitionRefused, case_transition

REMINDER_HORIZON_DAYS = 31


def deadlines_scan() -> int:
    """Remind before a deadline, escalate to the supervisors once it has passed."""
    today = timezone.localdate()
    horizon = today + timedelta(days=REMINDER_HORIZON_DAYS)
    policies = Policies()
    sent = 0
    cases = Case.objects.filter(unmet_deadline_before(horizon + timedelta(days=1)))
    for case in cases.select_related("organisation", "assignee").iterator():
        deadline = next_deadline(case)
        if deadline is None:
            continue
        field, due = deadline
        if due < today:
            kind, recipients, action = (
                Reminder.Kind.ESCALATE,
                list(case_supervisors(case)),
                Action.ESCALATED,
            )
        elif (due - today).days <= policies.of(case.organisation).reminder_days:
            recipients = [case.assignee] if case.assignee else list(case_supervisors(case))
            kind, action = Reminder.Kind.REMIND, Action.REMINDER_SENT
        else:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(case=case, kind=kind, deadline=field, due=due)
                for recipient in recipients:
                    notification_queue(recipient=recipient, case=case)
                event_record(
                    action=action,
                    organisation=case.organisation,
                    target=case,
                    details={"deadline": field, "due": due.isoformat()},
                )
        except IntegrityError:
            continue  # sent by an earlier run
        sent += 1
    return sent


def questions_autoclose() -> int:
    now = timezone.now()
    policies = Policies()
    closed = 0
    answered = Case.objects.filter(
        kind=CaseKind.QUESTION, state=State.ANSWERED, answered_at__lt=now - timedelta(days=1)
    ).select_related("organisation")
    for case in answered.iterator():
        quiet = timedelta(days=policies.of(case.organisation).question_quiet_days)
        if case.answered_at is None or case.answered_at > now - quiet:
            continue
        try:
            case_transition(case_id=case.pk, name="close_question", actor="system")
        except TransitionRefused:
            continue  # the reporter followed up meanwhile
        closed += 1
    return closed
