"""The case workflow as data: one declarative spec per transition (docs/architecture.md §2).

Each `Transition` says where it starts and ends, which kinds of case and which roles it is
for, what must hold before it (the conditions), what the staff form asks for (its outcomes:
the form in counselors.workspace_forms is generated from them), which moments it stamps, what
the reporter is told, and whom it notifies. `cases.workflow.case_transition` is the one
interpreter of these specs. The FSM on the model (cases.models.workflow) stays the guard of
state changes; tests/cases/test_workflow_spec.py holds that both agree exactly.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, CaseKind, State
from cases.models.workflow import (
    has_action,
    has_finding,
    has_referral,
    has_rejection_reason,
    reporter_has_feedback,
)

Text = str | Promise

# Who takes a transition. A staff member's role on a case is worked out in cases.workflow.
COUNSELOR = "counselor"  # the counselor the case is assigned to
SUPERVISOR = "supervisor"
REPORTER = "reporter"
SYSTEM = "system"
HANDLERS = (COUNSELOR, SUPERVISOR)
STAFF_ROLES = frozenset(HANDLERS)

REPORT = (CaseKind.REPORT,)
QUESTION = (CaseKind.QUESTION,)


class Entry(Enum):
    """How an outcome is entered on the staff form and recorded on the case."""

    CHOICE = "choice"  # one of the case field's choices
    AMOUNT = "amount"  # a sum in baht, never negative
    NOTE = "note"  # kept as an encrypted internal note, never a case field
    NAMES = "names"  # one name a line, kept only as keyed pseudonyms


@dataclass(frozen=True)
class Outcome:
    field: str  # the case field, or the keyword of case_transition for a note or names
    label: Text
    entry: Entry = Entry.CHOICE
    required: bool = True
    help_text: Text = ""


class Stamp(Enum):
    """What a transition writes into one of the case's moments or counters."""

    NOW = "now"
    FIRST = "first"  # now, unless already set: only the first feedback counts
    CLEAR = "clear"
    COUNT = "count"  # one more
    LATENESS = "lateness"  # whether the answer being replaced missed its date, once
    NEW_ANSWER_DEADLINE = "new_answer_deadline"  # from the policy, counted from now


@dataclass(frozen=True)
class Transition:
    name: str  # also the FSM method's name on the model
    sources: tuple[State, ...]
    target: State
    kinds: tuple[str, ...]
    roles: tuple[str, ...]
    label: Text = ""  # the staff button; empty for steps staff never take
    conditions: tuple[Callable[[Any], bool], ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    stamps: tuple[tuple[str, Stamp], ...] = ()
    message: Text = ""  # the system message posted to the reporter's thread
    notify_assignee: bool = False

    @property
    def for_staff(self) -> bool:
        return not STAFF_ROLES.isdisjoint(self.roles)

    @property
    def records_names(self) -> bool:
        return any(o.entry is Entry.NAMES for o in self.outcomes)


def stamps(**moments: Stamp) -> tuple[tuple[str, Stamp], ...]:
    return tuple(moments.items())


# The message reporting an outcome to the reporter is the feedback their deadline asks for.
FEEDBACK = stamps(feedback_at=Stamp.FIRST)
NOTE_EXPLAINING = Outcome("note", _("Explanation (internal note)"), Entry.NOTE, required=False)

TRANSITIONS: tuple[Transition, ...] = (
    # Reports
    Transition(
        name="acknowledge",
        label=_("Acknowledge receipt"),
        sources=(State.RECEIVED,),
        target=State.ACKNOWLEDGED,
        kinds=REPORT,
        roles=HANDLERS,
        stamps=stamps(acknowledged_at=Stamp.NOW),
        message=_("Your report was received and acknowledged. An ethics counselor will assess it."),
    ),
    Transition(
        name="assess",
        label=_("Start the assessment"),
        sources=(State.ACKNOWLEDGED,),
        target=State.ASSESSMENT,
        kinds=REPORT,
        roles=HANDLERS,
    ),
    Transition(
        name="reject",
        label=_("Do not take up"),
        sources=(State.ASSESSMENT,),
        target=State.REJECTED,
        kinds=REPORT,
        roles=HANDLERS,
        conditions=(has_rejection_reason,),
        outcomes=(Outcome("rejection_reason", _("Reason")), NOTE_EXPLAINING),
        stamps=FEEDBACK,
        message=_(
            "Your report cannot be taken up here. Reason: %(reason)s. You may take it to the "
            "National Anti-Corruption Commission, the Public Sector Anti-Corruption Commission "
            "or the Damrongdhama Center (call 1567)."
        ),
    ),
    Transition(
        name="refer",
        label=_("Refer to another agency"),
        sources=(State.ASSESSMENT,),
        target=State.REFERRED,
        kinds=REPORT,
        roles=HANDLERS,
        conditions=(has_referral,),
        outcomes=(Outcome("referral_target", _("Referred to")),),
        stamps=FEEDBACK,
        message=_("Your report was referred to: %(target)s."),
    ),
    Transition(
        name="investigate",
        label=_("Open an investigation"),
        sources=(State.ASSESSMENT,),
        target=State.INVESTIGATING,
        kinds=REPORT,
        roles=HANDLERS,
    ),
    Transition(
        name="conclude",
        label=_("Record the finding"),
        sources=(State.INVESTIGATING,),
        target=State.CONCLUDED,
        kinds=REPORT,
        roles=HANDLERS,
        conditions=(has_finding,),
        outcomes=(
            Outcome("finding", _("Finding")),
            Outcome(
                "subjects",
                _("People found responsible"),
                Entry.NAMES,
                required=False,
                help_text=_("One name a line. Only a keyed pseudonym of each name is kept."),
            ),
        ),
        stamps=stamps(concluded_at=Stamp.NOW) + FEEDBACK,
        message=_("The inquiry into your report is finished. Finding: %(finding)s."),
    ),
    Transition(
        name="record_action",
        label=_("Record the action taken"),
        sources=(State.CONCLUDED,),
        target=State.ACTION_RECORDED,
        kinds=REPORT,
        roles=HANDLERS,
        conditions=(has_action,),
        outcomes=(
            Outcome("action_type", _("Action taken")),
            Outcome("penalty", _("Penalty"), required=False),
            Outcome("amount_recovered", _("Amount recovered (baht)"), Entry.AMOUNT, required=False),
        ),
    ),
    Transition(
        name="close_report",
        label=_("Close the report"),
        sources=(State.ACTION_RECORDED,),
        target=State.CLOSED,
        kinds=REPORT,
        roles=(SUPERVISOR,),
        conditions=(has_finding, reporter_has_feedback),
        stamps=stamps(closed_at=Stamp.NOW),
    ),
    Transition(
        name="reopen",
        label=_("Reopen"),
        sources=(State.CLOSED, State.REJECTED, State.REFERRED),
        target=State.ASSESSMENT,
        kinds=REPORT,
        roles=(SUPERVISOR,),
        outcomes=(
            Outcome("note", pgettext_lazy("transition", "Reason (internal note)"), Entry.NOTE),
        ),
        stamps=stamps(closed_at=Stamp.CLEAR, reopen_count=Stamp.COUNT),
        message=_("Your case was reopened and will be looked at again."),
        notify_assignee=True,
    ),
    # Questions
    Transition(
        name="start",
        label=_("Start answering"),
        sources=(State.RECEIVED,),
        target=State.IN_PROGRESS,
        kinds=QUESTION,
        roles=HANDLERS,
    ),
    Transition(
        name="answer",
        label=_("Mark as answered"),
        sources=(State.IN_PROGRESS,),
        target=State.ANSWERED,
        kinds=QUESTION,
        roles=HANDLERS,
        conditions=(reporter_has_feedback,),
        stamps=stamps(answered_at=Stamp.NOW),
    ),
    Transition(
        name="close_question",
        label=_("Close the question"),
        sources=(State.ANSWERED,),
        target=State.CLOSED,
        kinds=QUESTION,
        roles=(*HANDLERS, SYSTEM),
        stamps=stamps(closed_at=Stamp.NOW),
    ),
    Transition(
        # The reporter asked more: a new question in all but name, with a new deadline from
        # the organisation's policy, met only by a new answer. Whether the first answer met
        # its own date is kept for the indicators (stamped before the answer is cleared).
        name="follow_up",
        sources=(State.ANSWERED, State.CLOSED),
        target=State.IN_PROGRESS,
        kinds=QUESTION,
        roles=(REPORTER,),
        stamps=stamps(
            first_answer_late=Stamp.LATENESS,
            closed_at=Stamp.CLEAR,
            answered_at=Stamp.CLEAR,
            feedback_at=Stamp.CLEAR,
            due_answer=Stamp.NEW_ANSWER_DEADLINE,
        ),
        notify_assignee=True,
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}

# Every case field some transition's form records, with the values it accepts from the field.
CHOICE_FIELDS = frozenset(
    o.field for t in TRANSITIONS for o in t.outcomes if o.entry is Entry.CHOICE
)


def outcome_choices(field: str) -> list[tuple[str, Any]]:
    """The values a chosen outcome accepts: its case field's choices."""
    return list(getattr(Case._meta.get_field(field), "choices", None) or [])


def transition_named(name: str) -> Transition | None:
    return BY_NAME.get(name)


def staff_transition_names() -> list[str]:
    """The steps a staff member can ask for on the case page (each has a button)."""
    return [t.name for t in TRANSITIONS if t.for_staff]
