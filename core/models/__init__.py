from core.models.operations import Lease, SchemaVersion
from core.models.organisations import (
    Organisation,
    OrganisationQuerySet,
    OrganisationType,
    localized,
)
from core.models.staff import Role, SealedTOTPDevice, SealedTOTPDeviceManager, StaffManager, User

__all__ = [
    "Lease",
    "Organisation",
    "OrganisationQuerySet",
    "OrganisationType",
    "Role",
    "SchemaVersion",
    "SealedTOTPDevice",
    "SealedTOTPDeviceManager",
    "StaffManager",
    "User",
    "localized",
]
