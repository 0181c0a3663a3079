from cases.models.deadlines import DayUnit, DeadlinePolicy, Notification, Reminder
from cases.models.keys import CaseKeyWrap, RecoveryKey, StaffKey, WrapPurpose
from cases.models.organisations import (
    CaseKind,
    Category,
    Organisation,
    OrganisationType,
    localized,
)
from cases.models.reads import CaseRead
from cases.models.records import (
    Attachment,
    AuthorSide,
    Case,
    CaseExclusion,
    Channel,
    Identity,
    Message,
    Visibility,
)
from cases.models.workflow import (
    ENDED_STATES,
    ActionType,
    Finding,
    Penalty,
    ReferralTarget,
    RejectionReason,
    State,
    SubjectPseudonym,
)

__all__ = [
    "ENDED_STATES",
    "ActionType",
    "Attachment",
    "AuthorSide",
    "Case",
    "CaseExclusion",
    "CaseKeyWrap",
    "CaseKind",
    "CaseRead",
    "Category",
    "Channel",
    "DayUnit",
    "DeadlinePolicy",
    "Finding",
    "Identity",
    "Message",
    "Notification",
    "Organisation",
    "OrganisationType",
    "Penalty",
    "RecoveryKey",
    "ReferralTarget",
    "RejectionReason",
    "Reminder",
    "StaffKey",
    "State",
    "SubjectPseudonym",
    "Visibility",
    "WrapPurpose",
    "localized",
]
