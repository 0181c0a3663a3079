"""Case records. Whatever a reporter or counselor wrote is stored only as ciphertext
(`*_ct` fields, made by core.crypto under the case's data key); the plaintext columns hold
metadata that the indicators need and docs/architecture.md §3 allows."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseKind
from cases.models.workflow import CaseWorkflow
from core.lib.timing import coarse_now


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Telephone")
    WALK_IN = "walk_in", _("In person")
    LETTER = "letter", _("Letter")
    REFERRAL = "referral", _("Referred by another agency")


class Case(CaseWorkflow):
    # The uid is bound into every ciphertext's associated data, so it exists before the row.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created = models.DateTimeField(_("received"), default=coarse_now, db_index=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    is_retaliation = models.BooleanField(_("retaliation report"), default=False)
    related_case = models.ForeignKey(
        "self",
        verbose_name=_("earlier case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_cases",
    )
    # Set while a supervisor keeps the case from being purged (a court or an inquiry needs
    # it); the reason is an internal note on the case, the placing and lifting are audited.
    legal_hold_at = models.DateTimeField(_("on legal hold since"), null=True, blank=True)
    # The reporter wrote (or sent a file) after the case ended: the supervisors are offered
    # to reopen it. Cleared whenever the case ends or is reopened.
    reporter_wrote_after_end = models.BooleanField(default=False, editable=False)
    key_version = models.PositiveSmallIntegerField(default=1, editable=False)
    title_ct = models.BinaryField(editable=False)
    body_ct = models.BinaryField(editable=False)
    # The reporter's way back: an HMAC of the receipt's lookup part, and the case key sealed
    # under Argon2id(secret part, salt). Neither reveals the receipt.
    receipt_lookup = models.CharField(max_length=80, unique=True, editable=False)
    receipt_salt = models.BinaryField(editable=False)
    receipt_wrap = models.BinaryField(editable=False)
    receipt_kdf = models.JSONField(default=dict, editable=False)  # the Argon2id parameters

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The inbox's order (newest first, id breaking ties within the coarse hour) read
            # straight off the index, for the whole organisation and for the unassigned.
            models.Index(fields=["organisation", "created", "id"], name="case_org_created_id"),
            models.Index(fields=["organisation", "state"], name="case_org_state"),
            models.Index(
                fields=["organisation", "created", "id"],
                condition=Q(assignee__isnull=True),
                name="case_org_unassigned_id",
            ),
            # Deadlines still to meet, for the inbox's overdue/due-soon lists and the scan.
            models.Index(
                fields=["organisation", "due_acknowledge"],
                condition=Q(acknowledged_at__isnull=True),
                name="case_org_ack_open",
            ),
            models.Index(
                fields=["organisation", "due_feedback"],
                condition=Q(feedback_at__isnull=True),
                name="case_org_feedback_open",
            ),
            models.Index(
                fields=["organisation", "due_answer"],
                condition=Q(answered_at__isnull=True),
                name="case_org_answer_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_retaliation=False) | Q(kind="report"),
                name="case_retaliation_only_for_reports",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self) -> str:
        """The staff-facing case number, e.g. R-000123 (never the reporter's receipt)."""
        return f"{'R' if self.kind == CaseKind.REPORT else 'Q'}-{self.pk:06d}"


class CaseExclusion(models.Model):
    """A member of staff the report names as involved: never offered the case, never given
    its key (conflict of interest)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} kept out of case {self.case_id}"


class AuthorSide(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    COUNSELOR = "counselor", _("Counselor")
    SYSTEM = "system", _("System")


class Visibility(models.TextChoices):
    SHARED = "shared", _("Shared with the reporter")
    INTERNAL = "internal", _("Internal note")


class Message(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author_side = models.CharField(max_length=10, choices=AuthorSide.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    created = models.DateTimeField(default=timezone.now)
    body_ct = models.BinaryField()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]  # insertion order: reporter times are coarse (core.lib.timing)
        constraints = [
            models.CheckConstraint(
                condition=~Q(author_side="reporter") | Q(visibility="shared"),
                name="message_reporter_messages_are_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} on case {self.case_id}"


class Attachment(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    created = models.DateTimeField(default=coarse_now)
    # File name and media type, encrypted together; the body is the encrypted file, kept by
    # cases.storage (in AttachmentChunk rows). storage_name was its file name under
    # MEDIA_ROOT until release 0.2.0 and stays the name an object-storage backend would use.
    meta_ct = models.BinaryField()
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk} on case {self.case_id}"


class AttachmentChunk(models.Model):
    """One piece of an attachment's encrypted file (core.crypto's file format, cut at any byte
    boundary): written in the transaction that writes the attachment, so a rollback or a
    purge takes the content with it, and every app server reads it (docs/architecture.md §6)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("attachment chunk")
        verbose_name_plural = _("attachment chunks")
        constraints = [
            models.UniqueConstraint(
                fields=["attachment", "index"], name="attachmentchunk_one_per_index"
            ),
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of attachment {self.attachment_id}"


class Identity(models.Model):
    """The reporter's identity, when they disclose it: encrypted under its own key, which is
    wrapped to the organisation's custodians and recovery key, never to counselors directly."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="identity")
    created = models.DateTimeField(auto_now_add=True)
    body_ct = models.BinaryField()

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")

    def __str__(self) -> str:
        return f"identity on case {self.case_id}"
