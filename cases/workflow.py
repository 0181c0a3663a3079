"""Moving a case through its state machine: the one way to change a case's state.

`case_transition` interprets a transition's spec (cases.transitions, docs/architecture.md §2):
it checks the kind, the actor's role and the conditions, refuses a stale page (optimistic lock
on `version`), records the outcome, stamps the case's moments, posts the reporter's system
message, notifies whom the spec says, and writes one audit event, all in one transaction.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from audit.models import Action
from audit.services import event_record
from cases.deadlines import due_dates
from cases.lib.system_messages import system_message_body
from cases.models import ENDED_STATES, AuthorSide, Case, Finding, SubjectPseudonym, Visibility
from cases.notifications import notification_queue
from cases.services import message_add
from cases.transitions import (
    CHOICE_FIELDS,
    COUNSELOR,
    REPORTER,
    SUPERVISOR,
    SYSTEM,
    TRANSITIONS,
    Stamp,
    Transition,
    outcome_choices,
    transition_named,
)
from core import crypto
from core.crypto import labels
from core.keyring import keyring
from core.lib.timing import coarse_now
from core.models import Role, User

__all__ = [
    "OUTCOME_FIELDS",
    "REPORTER",
    "SYSTEM",
    "StaleCase",
    "TransitionRefused",
    "case_transition",
    "subject_pseudonym",
    "transition_rules",
    "transitions_open_to",
]

# The case fields a transition may set from a chosen value (each transition's form asks only
# for its own; see cases.transitions).
OUTCOME_FIELDS = CHOICE_FIELDS

# Findings that name people responsible: only then are the names kept (as pseudonyms).
RESPONSIBLE = (Finding.SUBSTANTIATED, Finding.PARTLY)


class TransitionRefused(Exception):
    """The transition is not open to this actor or its conditions are not met."""


class StaleCase(TransitionRefused):
    """Someone else changed the case since the page was loaded."""


def transition_rules() -> list[Transition]:
    """The machine as data (also draws the diagrams)."""
    return list(TRANSITIONS)


def _actor_role(case: Case, actor: User | str) -> str:
    if isinstance(actor, str):
        return actor
    if not actor.is_active or actor.organisation_id != case.organisation_id:
        return ""
    if actor.role == Role.SUPERVISOR:
        return SUPERVISOR
    if actor.role == Role.COUNSELOR and case.assignee_id == actor.pk:
        return COUNSELOR
    return ""


def _is_open(spec: Transition, case: Case, role: str) -> bool:
    return case.state in spec.sources and case.kind in spec.kinds and role in spec.roles


def transitions_open_to(case: Case, actor: User | str) -> list[str]:
    """Names of the transitions this actor could take now (conditions aside)."""
    role = _actor_role(case, actor)
    return [spec.name for spec in TRANSITIONS if _is_open(spec, case, role)]


def subject_pseudonym(name: str) -> str:
    # The subject key, never rotated (core.keyring): one person stays one pseudonym, so the
    # indicators' distinct violators count each person once across key rotations.
    key = keyring().subject
    normalised = " ".join(name.casefold().split())
    return f"{key.kid}:{crypto.mac(key.secret, labels.subject_mac(normalised))}"


def case_transition(
    *,
    case_id: int,
    name: str,
    actor: User | str,
    version: int | None = None,
    key: bytes | None = None,
    note: str = "",
    subjects: tuple[str, ...] = (),
    amount_recovered: Decimal | None = None,
    **outcome: str,
) -> Case:
    """Take transition `name` on the case as `actor` (a staff member, "reporter" or "system").

    `version` is the version the actor's page showed; `key` (the case key) is needed where the
    reporter is sent a message; `note` is kept as an internal note (a reopening's reason, a
    rejection's explanation); `subjects` are the names of people found responsible, stored
    only as keyed pseudonyms.
    """
    with transaction.atomic():
        case = _locked(case_id, version)
        spec = transition_named(name)
        if spec is None or not _is_open(spec, case, _actor_role(case, actor)):
            raise TransitionRefused(_("You cannot take this step on this case now."))
        _record_outcome(case, outcome, amount_recovered)
        source = case.state
        # What the reporter does is kept to the hour (core.lib.timing).
        _move(case, spec, coarse_now() if actor == REPORTER else timezone.now())
        staff = actor if isinstance(actor, User) else None
        _tell(case, spec, key, note, staff)
        if spec.records_names and case.finding in RESPONSIBLE:
            _subjects_record(case, subjects)
        if spec.notify_assignee and case.assignee is not None:
            notification_queue(recipient=case.assignee, case=case, from_reporter=actor == REPORTER)
        event_record(
            action=Action.CASE_TRANSITION,
            actor=staff,
            organisation=case.organisation,
            target=case,
            details={"transition": name, "from": source, "to": case.state, "by": _by(actor)},
            coarse=actor == REPORTER,
        )
    return case


def _locked(case_id: int, version: int | None) -> Case:
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.purged_at is not None:
        raise TransitionRefused(_("This case was purged."))
    if version is not None and case.version != version:
        raise StaleCase(_("Someone else changed this case. Reload the page and try again."))
    return case


def _record_outcome(case: Case, outcome: dict[str, str], amount: Decimal | None) -> None:
    for field, value in outcome.items():
        if field not in OUTCOME_FIELDS:
            raise TypeError(f"unknown outcome field {field}")
        if value not in {c[0] for c in outcome_choices(field)}:
            raise TransitionRefused(_("Choose a valid value."))
        setattr(case, field, str(value))
    if amount is not None:
        if amount < 0:
            raise TransitionRefused(_("The amount cannot be negative."))
        case.amount_recovered = amount


def _move(case: Case, spec: Transition, now: datetime) -> None:
    """The FSM's guard and change of state, then the moments the spec stamps."""
    method = getattr(case, spec.name)
    if not can_proceed(method):
        raise TransitionRefused(_("Fill in what this step needs first."))
    source = case.state
    method()
    for field, stamp in spec.stamps:
        setattr(case, field, _STAMPS[stamp](case, field, now))
    # Entering or leaving the ended group is kept whatever the step (see CaseWorkflow.ended_at).
    was_ended = source in ENDED_STATES
    if case.is_ended and not was_ended:
        case.ended_at = now
    elif was_ended and not case.is_ended:
        # A reporter's time, kept to the hour, may fall before an end in that same hour; the
        # reopening still comes after it (the indicators compare the two).
        after_end = case.ended_at + timedelta(microseconds=1) if case.ended_at else now
        case.reopened_at = max(now, after_end)
    if case.is_ended != was_ended:
        case.reporter_wrote_after_end = False
    case.version += 1
    case.save()


_STAMPS: dict[Stamp, Callable[[Case, str, datetime], Any]] = {
    Stamp.NOW: lambda case, field, now: now,
    Stamp.FIRST: lambda case, field, now: getattr(case, field) or now,
    Stamp.CLEAR: lambda case, field, now: None,
    Stamp.COUNT: lambda case, field, now: getattr(case, field) + 1,
    Stamp.LATENESS: lambda case, field, now: _first_answer_late(case),
    Stamp.NEW_ANSWER_DEADLINE: lambda case, field, now: due_dates(
        case, received=timezone.localdate(now)
    )["due_answer"],
}


def _tell(case: Case, spec: Transition, key: bytes | None, note: str, staff: User | None) -> None:
    """The reporter's system message and the staff's internal note, both under the case key."""
    if (spec.message or note) and key is None:
        raise TransitionRefused(_("Open the case before taking this step."))
    if spec.message and key is not None:
        body = system_message_body(case, spec.name)
        message_add(case=case, key=key, side=AuthorSide.SYSTEM, body=body)
    if note and key is not None:
        message_add(
            case=case,
            key=key,
            side=AuthorSide.COUNSELOR,
            author=staff,
            body=note,
            visibility=Visibility.INTERNAL,
        )


def _subjects_record(case: Case, subjects: tuple[str, ...]) -> None:
    SubjectPseudonym.objects.bulk_create(
        [
            SubjectPseudonym(case=case, pseudonym=subject_pseudonym(s))
            for s in {s for s in subjects if s.strip()}
        ],
        ignore_conflicts=True,
    )


def _by(actor: User | str) -> str:
    return actor if isinstance(actor, str) else str(actor.role)


def _first_answer_late(case: Case) -> bool | None:
    """Whether the first answer missed its date, kept when a follow-up asks for a new one."""
    if case.first_answer_late is not None or not (case.answered_at and case.due_answer):
        return case.first_answer_late
    return timezone.localdate(case.answered_at) > case.due_answer
