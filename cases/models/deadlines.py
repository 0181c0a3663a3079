from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayUnit(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("Thai working days")


class DeadlinePolicy(models.Model):
    """An organisation's deadlines; organisations without one use the defaults below."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="deadline_policy"
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("acknowledge a report within"), default=7)
    acknowledge_unit = models.CharField(
        max_length=10, choices=DayUnit.choices, default=DayUnit.CALENDAR
    )
    feedback_days = models.PositiveSmallIntegerField(_("give feedback within"), default=90)
    feedback_unit = models.CharField(
        max_length=10, choices=DayUnit.choices, default=DayUnit.CALENDAR
    )
    answer_days = models.PositiveSmallIntegerField(_("answer a question within"), default=5)
    answer_unit = models.CharField(max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING)
    reminder_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=2)
    question_quiet_days = models.PositiveSmallIntegerField(
        _("close answered questions after this many quiet days"), default=14
    )
    # At least a year: the purge's notice and its daily scan (cases.retention) count on it.
    retention_years = models.PositiveSmallIntegerField(
        _("purge ended cases after (years)"), default=5, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return f"deadlines of {self.organisation}"


class Reminder(models.Model):
    """One row per reminder or escalation sent: the unique constraint makes the scan idempotent."""

    class Kind(models.TextChoices):
        REMIND = "remind", _("reminder")
        ESCALATE = "escalate", _("escalation")
        PURGE = "purge", _("purge notice")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    deadline = models.CharField(max_length=20)  # the due-date field it concerns
    due = models.DateField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "deadline", "due"], name="reminder_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.deadline} of case {self.case_id}"


class Notification(models.Model):
    """Outbox: written in the transaction that needs it, sent by a task after commit. If the
    broker is down, the row waits and the periodic flush sends it later.

    One a reporter's action caused (`from_reporter`) is stamped to the hour and waits for the
    flush after that hour is over, so neither its row nor the e-mail's arrival dates what the
    reporter did more closely than the hour (core.lib.timing).
    """

    recipient = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    from_reporter = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"notification {self.pk} to {self.recipient_id}"
