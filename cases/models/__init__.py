from cases.models.categories import CaseKind, Category
from cases.models.deadlines import DayUnit, DeadlinePolicy, Notification, Reminder
from cases.models.keys import CaseKeyWrap, RecoveryKey, StaffKey, WrapPurpose
from cases.models.ratings import Rating
from cases.models.reads import CaseRead
from cases.models.records import (
    Attachment,
    AttachmentChunk,
    AuthorSide,
    Case,
    CaseExclusion,
    Channel,
    Identity,
    Message,
    Visibility,
)
from cases.models.staff_work import (
    ConflictDeclaration,
    FaqEntry,
    FaqStatus,
    IdentityRequest,
    IdentityRequestWrap,
    RequestStatus,
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
    "AttachmentChunk",
    "AuthorSide",
    "Case",
    "CaseExclusion",
    "CaseKeyWrap",
    "CaseKind",
    "CaseRead",
    "Category",
    "Channel",
    "ConflictDeclaration",
    "DayUnit",
    "DeadlinePolicy",
    "FaqEntry",
    "FaqStatus",
    "Finding",
    "Identity",
    "IdentityRequest",
    "IdentityRequestWrap",
    "Message",
    "Notification",
    "Penalty",
    "Rating",
    "RecoveryKey",
    "ReferralTarget",
    "RejectionReason",
    "Reminder",
    "RequestStatus",
    "StaffKey",
    "State",
    "SubjectPseudonym",
    "Visibility",
    "WrapPurpose",
]
