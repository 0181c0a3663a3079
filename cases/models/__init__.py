from cases.models.keys import CaseKeyWrap, RecoveryKey, StaffKey, WrapPurpose
from cases.models.organisations import (
    CaseKind,
    Category,
    Organisation,
    OrganisationType,
    localized,
)
from cases.models.records import (
    Attachment,
    AuthorSide,
    Case,
    Channel,
    Identity,
    Message,
    Visibility,
)

__all__ = [
    "Attachment",
    "AuthorSide",
    "Case",
    "CaseKeyWrap",
    "CaseKind",
    "Category",
    "Channel",
    "Identity",
    "Message",
    "Organisation",
    "OrganisationType",
    "RecoveryKey",
    "StaffKey",
    "Visibility",
    "WrapPurpose",
    "localized",
]
