import logging
import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models.organisations import localized
from counselors.totp_secrets import (
    TotpSecretUnavailable,
    totp_key_is_current,
    totp_secret_open,
    totp_secret_seal,
)

logger = logging.getLogger(__name__)


class Role(models.TextChoices):
    COUNSELOR = "counselor", _("Ethics counselor")
    SUPERVISOR = "supervisor", _("Supervisor")
    CUSTODIAN = "custodian", _("Identity custodian")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class StaffManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A member of staff. Reporters never have accounts.

    The role decides what the person may do; the organisation decides where. Auditors see
    their organisation's subtree; administrators without an organisation act nationally.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COUNSELOR)
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    login_failures = models.PositiveIntegerField(default=0, editable=False)
    login_blocked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[StaffManager] = StaffManager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="administrator") | Q(organisation__isnull=False),
                name="staff_needs_organisation_unless_administrator",
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only administrators reach the administration pages; the flags follow the role so
        # they can never drift apart.
        is_admin = self.role == Role.ADMINISTRATOR
        self.is_staff = is_admin
        self.is_superuser = is_admin
        super().save(*args, **kwargs)


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
        "cases.Organisation", on_delete=models.PROTECT, related_name="faq_entries"
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


class SealedTOTPDeviceManager(DeviceManager, models.Manager["SealedTOTPDevice"]):
    """django-otp's DeviceManager (devices_for_user), with a type mypy can see."""


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device, models.Model):
    """An authenticator app, as django-otp's TOTPDevice but with the secret sealed at rest.

    The secret is kept only under the keyring's "totp" key (counselors.totp_secrets), so a
    database dump gives no codes. Everything else is django-otp's: the parameters are
    TOTPDevice's fields, and verification, throttling, drift and the otpauth:// URL are
    TOTPDevice's own methods run on this device, which reach the secret only through bin_key.
    """

    # Device's own, restated because django-otp has no type information for mypy to read.
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    objects: ClassVar["SealedTOTPDeviceManager"] = SealedTOTPDeviceManager()

    key_id = models.CharField(max_length=32, editable=False)
    sealed_key = models.BinaryField(editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    # Borrowed rather than copied, so that they cannot drift from django-otp's.
    config_url = TOTPDevice.config_url
    get_throttle_factor = TOTPDevice.get_throttle_factor
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = _("TOTP device")
        verbose_name_plural = _("TOTP devices")

    def __str__(self) -> str:
        return f"TOTP device {self.pk} of user {self.user_id}"

    def secret_set(self, secret: bytes) -> None:
        """Seal `secret` under the newest key (the caller saves)."""
        self.key_id, self.sealed_key = totp_secret_seal(secret, user_id=self.user_id)

    @property
    def bin_key(self) -> bytes:
        """The secret, as TOTPDevice.bin_key; raises TotpSecretUnavailable if it won't open."""
        return totp_secret_open(self.key_id, bytes(self.sealed_key), user_id=self.user_id)

    def secret_opens(self) -> bool:
        try:
            self.bin_key  # noqa: B018 -- opening it is the test
        except TotpSecretUnavailable:
            return False
        return True

    def verify_token(self, token: str) -> bool:
        try:
            verified = bool(TOTPDevice.verify_token(self, token))
        except TotpSecretUnavailable:
            # Fail closed, and count it like a wrong code: a sign-in must not turn into a 500.
            logger.warning("TOTP device %s: the sealed secret does not open", self.pk)
            self.throttle_increment(commit=True)
            return False
        if verified and not totp_key_is_current(self.key_id):
            self.key_reseal()
        return verified

    def key_reseal(self) -> None:
        """Seal the secret again under the newest key, so that older ones can be retired."""
        self.secret_set(self.bin_key)
        self.save(update_fields=["key_id", "sealed_key"])
