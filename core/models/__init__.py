from core.models.organisations import (
    Organisation,
    OrganisationQuerySet,
    OrganisationType,
    localized,
)
from core.models.staff import Role, SealedTOTPDevice, SealedTOTPDeviceManager, StaffManager, User

__all__ = [
    "Organisation",
    "OrganisationQuerySet",
    "OrganisationType",
    "Role",
    "SealedTOTPDevice",
    "SealedTOTPDeviceManager",
    "StaffManager",
    "User",
    "localized",
]
