"""Moving a case through its state machine: the one way to change a case's state.

Each transition checks the kind, the actor's role and the machine's conditions, refuses a
stale page (optimistic lock on `version`), records the outcome fields it needs, posts the
reporter's system message where the reporter should know, and writes one audit event, all
in one transaction.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, get_all_FIELD_transitions

from audit.models import Action
from audit.services import event_record
from cases.deadlines import due_dates
from cases.lib.system_messages import EVENTS, system_message_body
from cases.models import ENDED_STATES, AuthorSide, Case, Finding, SubjectPseudonym, Visibility
from cases.notifications import notification_queue
from cases.services import message_add
from core import crypto
from core.crypto import labels
from core.keyring import keyring
from core.models import Role, User

REPORTER = "reporter"
SYSTEM = "system"

# Outcome fields a transition may set, with the values each accepts.
OUTCOME_FIELDS = {
    "rejection_reason": "RejectionReason",
    "referral_target": "ReferralTarget",
    "finding": "Finding",
    "action_type": "ActionType",
    "penalty": "Penalty",
}


class TransitionRefused(Exception):
    """The transition is not open to this actor or its conditions are not met."""


class StaleCase(TransitionRefused):
    """Someone else changed the case since the page was loaded."""


@dataclass(frozen=True)
class TransitionRule:
    name: str
    sources: tuple[str, ...]
    target: str
    kinds: tuple[str, ...]
    roles: tuple[str, ...]


def transition_rules() -> list[TransitionRule]:
    """The machine as data, read from the model's transitions (also draws the diagrams)."""
    rules: dict[str, TransitionRule] = {}
    for t in get_all_FIELD_transitions(Case(), Case._meta.get_field("state")):
        previous = rules.get(t.name)
        sources = (previous.sources if previous else ()) + (str(t.source),)
        rules[t.name] = TransitionRule(
            name=t.name,
            sources=sources,
            target=str(t.target),
            kinds=tuple(t.custom["kinds"]),
            roles=tuple(t.custom["roles"]),
        )
    return list(rules.values())


def _actor_role(case: Case, actor: User | str) -> str:
    if isinstance(actor, str):
        return actor
    if not actor.is_active or actor.organisation_id != case.organisation_id:
        return ""
    if actor.role == Role.SUPERVISOR:
        return "supervisor"
    if actor.role == Role.COUNSELOR and case.assignee_id == actor.pk:
        return "counselor"
    return ""


def transitions_open_to(case: Case, actor: User | str) -> list[str]:
    """Names of the transitions this actor could take now (conditions aside)."""
    role = _actor_role(case, actor)
    return [
        rule.name
        for rule in transition_rules()
        if case.state in rule.sources and case.kind in rule.kinds and role in rule.roles
    ]


def subject_pseudonym(name: str) -> str:
    key = keyring().current_hmac
    normalised = " ".join(name.casefold().split())
    return f"{key.kid}:{crypto.mac(key.secret, labels.subject_mac(normalised))}"


def _choice(field: str, value: Any) -> str:
    choices = getattr(Case._meta.get_field(field), "choices", None) or []
    if value not in {c[0] for c in choices}:
        raise TransitionRefused(_("Choose a valid value."))
    return str(value)


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
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.purged_at is not None:
            raise TransitionRefused(_("This case was purged."))
        if version is not None and case.version != version:
            raise StaleCase(_("Someone else changed this case. Reload the page and try again."))
        if name not in transitions_open_to(case, actor):
            raise TransitionRefused(_("You cannot take this step on this case now."))
        for field, value in outcome.items():
            if field not in OUTCOME_FIELDS:
                raise TypeError(f"unknown outcome field {field}")
            setattr(case, field, _choice(field, value))
        if amount_recovered is not None:
            if amount_recovered < 0:
                raise TransitionRefused(_("The amount cannot be negative."))
            case.amount_recovered = amount_recovered
        now = timezone.now()
        if name in ("conclude", "reject", "refer") and key is not None:
            case.feedback_at = case.feedback_at or now  # the message below is that feedback
        method = getattr(case, name)
        if not can_proceed(method):
            raise TransitionRefused(_("Fill in what this step needs first."))
        source = case.state
        method()
        _stamp(case, name, now)
        if case.state in ENDED_STATES and source not in ENDED_STATES:
            case.ended_at = now
            case.reporter_wrote_after_end = False
        elif case.state not in ENDED_STATES and source in ENDED_STATES:
            case.reopened_at = now
            case.reporter_wrote_after_end = False
        case.version += 1
        case.save()
        staff = actor if isinstance(actor, User) else None
        if name in EVENTS:
            if key is None:
                raise TransitionRefused(_("Open the case before taking this step."))
            _tell_reporter(case, key, name)
        if note:
            if key is None:
                raise TransitionRefused(_("Open the case before taking this step."))
            message_add(
                case=case,
                key=key,
                side=AuthorSide.COUNSELOR,
                author=staff,
                body=note,
                visibility=Visibility.INTERNAL,
            )
        if name == "conclude" and case.finding in (Finding.SUBSTANTIATED, Finding.PARTLY):
            SubjectPseudonym.objects.bulk_create(
                [
                    SubjectPseudonym(case=case, pseudonym=subject_pseudonym(s))
                    for s in {s for s in subjects if s.strip()}
                ],
                ignore_conflicts=True,
            )
        if name in ("reopen", "follow_up") and case.assignee is not None:
            notification_queue(recipient=case.assignee, case=case)
        event_record(
            action=Action.CASE_TRANSITION,
            actor=staff,
            organisation=case.organisation,
            target=case,
            details={"transition": name, "from": source, "to": case.state, "by": _by(actor)},
            coarse=actor == REPORTER,
        )
    return case


def _by(actor: User | str) -> str:
    return actor if isinstance(actor, str) else str(actor.role)


def _stamp(case: Case, name: str, now: datetime) -> None:
    if name == "acknowledge":
        case.acknowledged_at = now
    elif name == "answer":
        case.answered_at = now
    elif name == "conclude":
        case.concluded_at = now
    elif name in ("close_report", "close_question"):
        case.closed_at = now
    elif name == "reopen":
        case.closed_at = None
        case.reopen_count += 1
    elif name == "follow_up":
        # The reporter asked more: a new question in all but name, with a new deadline from
        # the organisation's policy, met only by a new answer.
        case.closed_at = None
        case.answered_at = None
        case.feedback_at = None
        case.due_answer = due_dates(case, received=timezone.localdate(now))["due_answer"]


def _tell_reporter(case: Case, key: bytes, name: str) -> None:
    body = system_message_body(case, name)
    message_add(case=case, key=key, side=AuthorSide.SYSTEM, body=body)
