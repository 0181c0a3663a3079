"""What staff do around a case besides the workflow: conflict declarations, identity access
requests (four eyes), and the public FAQ written from answered questions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import localized

User = settings.AUTH_USER_MODEL


class ConflictDeclaration(models.Model):
    """A counselor's statement, before first reading a case, that they have no conflict of
    interest in it. Without one the case page shows no content to them."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conflict_declarations")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="conflict_declared_once")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} declared no conflict in case {self.case_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a custodian")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class IdentityRequest(models.Model):
    """A request to see a reporter's identity (four eyes: a custodian decides).

    The reason is the requester's own words: it is encrypted under a key of its own, wrapped
    only to the organisation's custodians and the requester (IdentityRequestWrap).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason_ct = models.BinaryField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity access request")
        verbose_name_plural = _("identity access requests")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "requester"],
                condition=Q(status="pending"),
                name="identity_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"identity request {self.pk} on case {self.case_id}"


class IdentityRequestWrap(models.Model):
    request = models.ForeignKey(IdentityRequest, on_delete=models.CASCADE, related_name="wraps")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    wrapped = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="identity_request_wrap_once")
        ]

    def __str__(self) -> str:
        return f"reason key of request {self.request_id} for user {self.user_id}"


class FaqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, waiting for a supervisor")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn by a supervisor")


class FaqEntry(models.Model):
    """A public, anonymised question and answer, written anew by a counselor from an answered
    question (never the reporter's words) and published by a supervisor."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="faq_entries"
    )
    source_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question_th = models.TextField(_("question in Thai"), blank=True)
    answer_th = models.TextField(_("answer in Thai"), blank=True)
    question_en = models.TextField(_("question in English"), blank=True)
    answer_en = models.TextField(_("answer in English"), blank=True)
    status = models.CharField(max_length=10, choices=FaqStatus.choices, default=FaqStatus.DRAFT)
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "organisation"], name="faq_status_org"),
        ]

    def __str__(self) -> str:
        return f"FAQ entry {self.pk}"

    @property
    def question(self) -> str:
        return localized(self.question_th, self.question_en) or self.question_en

    @property
    def answer(self) -> str:
        return localized(self.answer_th, self.answer_en) or self.answer_en
