from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
