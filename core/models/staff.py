"""Staff accounts, their roles and their authenticators. Reporters never have accounts."""

import logging
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.totp_secrets import (
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
        "core.Organisation",
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


class SealedTOTPDeviceManager(DeviceManager, models.Manager["SealedTOTPDevice"]):
    """django-otp's DeviceManager (devices_for_user), with a type mypy can see."""


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device, models.Model):
    """An authenticator app, as django-otp's TOTPDevice but with the secret sealed at rest.

    The secret is kept only under the keyring's "totp" key (core.totp_secrets), so a
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
