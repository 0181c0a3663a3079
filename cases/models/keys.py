"""Public keys and wrapped keys. Private halves are never stored in the clear: a staff
member's is sealed under a key derived from their password; an organisation's recovery key
lives only in the offline kit its ethics committee keeps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StaffKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_key"
    )
    public = models.BinaryField()
    sealed_private = models.BinaryField()
    salt = models.BinaryField()
    kdf = models.JSONField(default=dict)  # the Argon2id parameters the seal was made with
    # Counts key pairs made for this person; wraps made to an older one are stale.
    generation = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    # New cases (and identities) are wrapped only to key pairs that the organisation's ethics
    # committee vouched for with its recovery kit, for the role the person had then: an
    # administrator who makes an account a supervisor, or resets one, gains nothing.
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorsed_role = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff key")
        verbose_name_plural = _("staff keys")

    def __str__(self) -> str:
        return f"key of user {self.user_id}"


class RecoveryKey(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="recovery_keys"
    )
    kid = models.CharField(max_length=32, unique=True)
    public = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("recovery key")
        verbose_name_plural = _("recovery keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_active=True),
                name="recovery_key_one_active_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.kid


class WrapPurpose(models.TextChoices):
    CASE = "case", _("case key")
    IDENTITY = "identity", _("identity key")


class CaseKeyWrap(models.Model):
    """A case's data key (or its identity key) wrapped with HPKE to one recipient."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="key_wraps")
    purpose = models.CharField(max_length=10, choices=WrapPurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="case_key_wraps",
    )
    recovery_key = models.ForeignKey(
        RecoveryKey, null=True, blank=True, on_delete=models.CASCADE, related_name="wraps"
    )
    # For a staff recipient: the generation of their key pair this wrap was made to.
    key_generation = models.PositiveIntegerField(null=True, blank=True)
    wrapped = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wrapped key")
        verbose_name_plural = _("wrapped keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(recovery_key__isnull=True),
                name="case_key_wrap_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["case", "purpose", "user"], name="case_key_wrap_unique_user"
            ),
            models.UniqueConstraint(
                fields=["case", "purpose", "recovery_key"], name="case_key_wrap_unique_recovery"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} key of case {self.case_id}"
