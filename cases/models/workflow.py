"""The case's finite-state machine (django-fsm-2) and the outcome it records.

The transitions' sources, targets and conditions guard every change of state; everything else
about a transition (kinds, roles, outcomes, stamps, messages) is its spec in cases.transitions,
which a test holds in exact agreement with these methods (docs/architecture.md §2).
cases.workflow is the only caller and writes the audit event. The state field is protected:
nothing assigns it directly.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSESSMENT = "assessment", _("Under assessment")
    REJECTED = "rejected", _("Not taken up")
    REFERRED = "referred", _("Referred")
    INVESTIGATING = "investigating", _("Under investigation")
    CONCLUDED = "concluded", _("Concluded")
    ACTION_RECORDED = "action_recorded", _("Action recorded")
    IN_PROGRESS = "in_progress", _("Being answered")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# A case in one of these states is no longer open: nothing more is due on it until a
# supervisor reopens it or the reporter follows up.
ENDED_STATES = (State.REJECTED, State.REFERRED, State.ANSWERED, State.CLOSED)


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class ReferralTarget(models.TextChoices):
    NACC = "nacc", _("National Anti-Corruption Commission (NACC)")
    PACC = "pacc", _("Public Sector Anti-Corruption Commission (PACC)")
    SAO = "sao", _("State Audit Office")
    DAMRONGDHAMA = "damrongdhama", _("Damrongdhama Center 1567")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other agency")


class RejectionReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("Outside this organisation's remit")
    INSUFFICIENT = "insufficient", _("Not enough information to act on")
    DUPLICATE = "duplicate", _("Already being handled in another case")
    OTHER = "other", _("Other reason")


class ActionType(models.TextChoices):
    DISCIPLINARY = "disciplinary", _("Disciplinary action")
    ADMINISTRATIVE = "administrative", _("Administrative action")
    CRIMINAL = "criminal", _("Criminal referral")
    NONE = "none", _("No action")


class Penalty(models.TextChoices):
    NONE = "none", _("None")
    WARNING = "warning", _("Written warning")
    PAY_CUT = "pay_cut", _("Pay cut")
    SUSPENSION = "suspension", _("Suspension")
    DISMISSAL = "dismissal", _("Dismissal or removal")
    OTHER = "other", _("Other penalty")


# The conditions of transitions, read by the FSM below and by the specs in cases.transitions.


def has_finding(case: Any) -> bool:
    return bool(case.finding)


def has_referral(case: Any) -> bool:
    return bool(case.referral_target)


def has_rejection_reason(case: Any) -> bool:
    return bool(case.rejection_reason)


def has_action(case: Any) -> bool:
    return bool(case.action_type)


def reporter_has_feedback(case: Any) -> bool:
    return case.feedback_at is not None


class CaseWorkflow(models.Model):
    state = FSMField(
        _("state"), default=State.RECEIVED, choices=State.choices, protected=True, db_index=True
    )
    # Bumped by every transition: a page showing an older version cannot act (optimistic lock).
    version = models.PositiveIntegerField(default=0, editable=False)
    assignee = models.ForeignKey(
        "core.User",
        verbose_name=_("assigned counselor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    due_acknowledge = models.DateField(_("acknowledge by"), null=True, blank=True)
    due_feedback = models.DateField(_("feedback to the reporter by"), null=True, blank=True)
    due_answer = models.DateField(_("answer by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the case last entered an ended state, and when it was last reopened (by a
    # supervisor, or a reporter's follow-up). Whether a case was open at some past moment (an
    # indicator's year end) is read from these, not from its state today, so reopening a case
    # does not change what a past year showed.
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    # Whether a question's first answer came after its answer date, kept when a follow-up
    # clears `answered_at` and sets a new date: the indicator counts the first answer. None
    # until a follow-up (until then `answered_at` and `due_answer` tell).
    first_answer_late = models.BooleanField(null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(
        _("reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    referral_target = models.CharField(
        _("referred to"), max_length=20, choices=ReferralTarget.choices, blank=True
    )
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    action_type = models.CharField(
        _("action taken"), max_length=20, choices=ActionType.choices, blank=True
    )
    penalty = models.CharField(_("penalty"), max_length=20, choices=Penalty.choices, blank=True)
    amount_recovered = models.DecimalField(
        _("amount recovered (baht)"), max_digits=14, decimal_places=2, default=0
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def is_ended(self) -> bool:
        """No longer open (ENDED_STATES): the one test of "ended" everywhere, templates too."""
        return self.state in ENDED_STATES

    # Reports
    @transition(state, source=State.RECEIVED, target=State.ACKNOWLEDGED)
    def acknowledge(self) -> None:
        pass

    @transition(state, source=State.ACKNOWLEDGED, target=State.ASSESSMENT)
    def assess(self) -> None:
        pass

    @transition(
        state, source=State.ASSESSMENT, target=State.REJECTED, conditions=[has_rejection_reason]
    )
    def reject(self) -> None:
        pass

    @transition(state, source=State.ASSESSMENT, target=State.REFERRED, conditions=[has_referral])
    def refer(self) -> None:
        pass

    @transition(state, source=State.ASSESSMENT, target=State.INVESTIGATING)
    def investigate(self) -> None:
        pass

    @transition(state, source=State.INVESTIGATING, target=State.CONCLUDED, conditions=[has_finding])
    def conclude(self) -> None:
        pass

    @transition(
        state, source=State.CONCLUDED, target=State.ACTION_RECORDED, conditions=[has_action]
    )
    def record_action(self) -> None:
        pass

    @transition(
        state,
        source=State.ACTION_RECORDED,
        target=State.CLOSED,
        conditions=[has_finding, reporter_has_feedback],
    )
    def close_report(self) -> None:
        pass

    @transition(
        state, source=[State.CLOSED, State.REJECTED, State.REFERRED], target=State.ASSESSMENT
    )
    def reopen(self) -> None:
        pass

    # Questions
    @transition(state, source=State.RECEIVED, target=State.IN_PROGRESS)
    def start(self) -> None:
        pass

    @transition(
        state, source=State.IN_PROGRESS, target=State.ANSWERED, conditions=[reporter_has_feedback]
    )
    def answer(self) -> None:
        pass

    @transition(state, source=State.ANSWERED, target=State.CLOSED)
    def close_question(self) -> None:
        pass

    @transition(state, source=[State.ANSWERED, State.CLOSED], target=State.IN_PROGRESS)
    def follow_up(self) -> None:
        pass


class SubjectPseudonym(models.Model):
    """A keyed pseudonym of a person found responsible, so distinct violators can be counted
    year over year. The name it was computed from is never stored."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="subjects")
    pseudonym = models.CharField(max_length=80, db_index=True)

    class Meta:
        verbose_name = _("subject pseudonym")
        verbose_name_plural = _("subject pseudonyms")
        constraints = [
            models.UniqueConstraint(fields=["case", "pseudonym"], name="subject_once_per_case")
        ]

    def __str__(self) -> str:
        return self.pseudonym
