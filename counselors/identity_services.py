"""Four eyes on a reporter's identity: a counselor asks with a reason, a custodian of the
organisation decides, and only an approval wraps the identity key to the counselor."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_record
from cases.keys import key_grant, key_held, key_open, reason_key_grant
from cases.models import (
    Case,
    CaseExclusion,
    Identity,
    IdentityRequest,
    RequestStatus,
    StaffKey,
    WrapPurpose,
)
from cases.policy import (
    may_decide_identity_request,
    may_read_case,
    may_read_identity,
    may_see_identity_request,
)
from core import crypto
from core.crypto import labels
from core.models import Role, User


class IdentityRefused(Exception):
    """Not allowed; the message says why, for the page."""


def identity_request_create(*, case: Case, requester: User, reason: str) -> IdentityRequest:
    """Ask to see the reporter's identity. The reason is encrypted under a key of its own,
    wrapped to each custodian of the organisation and to the requester only."""
    if not Identity.objects.filter(case=case).exists():
        raise IdentityRefused(_("The reporter has not disclosed who they are."))
    if not may_read_case(requester, case):
        raise IdentityRefused(_("Only staff who can read the case can ask."))
    if may_read_identity(requester, case):
        raise IdentityRefused(_("You can already see the reporter's identity."))
    custodian_keys = list(
        StaffKey.objects.filter(
            user__organisation_id=case.organisation_id,
            user__role=Role.CUSTODIAN,
            user__is_active=True,
        ).exclude(user__in=CaseExclusion.objects.filter(case=case).values("user_id"))
    )
    if not custodian_keys:
        raise IdentityRefused(_("The organisation has no identity custodian to decide."))
    requester_key = StaffKey.objects.get(user=requester)
    key = crypto.case_key_new()
    with transaction.atomic():
        if IdentityRequest.objects.filter(
            case=case, requester=requester, status=RequestStatus.PENDING
        ).exists():
            raise IdentityRefused(_("Your earlier request is still waiting for a custodian."))
        request = IdentityRequest(case=case, requester=requester)
        request.reason_ct = crypto.text_encrypt(
            key, reason, case_id=str(case.uid), field=labels.identity_request_reason(request.uid)
        )
        request.save()
        reason_key_grant(request=request, key=key, recipients=[*custodian_keys, requester_key])
        event_record(
            action=Action.IDENTITY_REQUESTED,
            actor=requester,
            organisation=case.organisation,
            target=case,
            details={"request": request.pk},
        )
    return request


def identity_request_decide(
    *, request_id: int, custodian: User, private: bytes, approve: bool
) -> IdentityRequest:
    """A custodian approves (wrapping the identity key to the requester) or denies."""
    with transaction.atomic():
        request = (
            IdentityRequest.objects.select_for_update()
            .select_related("case", "requester")
            .get(pk=request_id)
        )
        case = request.case
        if not may_decide_identity_request(custodian, request):
            if may_see_identity_request(custodian, request) and (
                request.status != RequestStatus.PENDING
            ):
                raise IdentityRefused(_("This request was already decided."))
            raise IdentityRefused(_("Only a custodian of the organisation can decide."))
        if approve and not may_read_case(request.requester, case):
            raise IdentityRefused(_("The requester no longer handles this case."))
        if approve:
            _identity_grant(case, custodian, private, request.requester)
        request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
        request.decided_by = custodian
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        event_record(
            action=Action.IDENTITY_APPROVED if approve else Action.IDENTITY_DENIED,
            actor=custodian,
            organisation=case.organisation,
            target=case,
            details={"request": request.pk, "requester": request.requester_id},
        )
    return request


def _identity_grant(case: Case, custodian: User, private: bytes, requester: User) -> None:
    if not key_held(case=case, user=custodian, purpose=WrapPurpose.IDENTITY):
        raise IdentityRefused(_("You hold no key to this reporter's identity."))
    key = key_open(case=case, user=custodian, private=private, purpose=WrapPurpose.IDENTITY)
    if key is None:
        raise IdentityRefused(_("Your key does not open this reporter's identity."))
    staff_key = StaffKey.objects.filter(user=requester).first()
    if staff_key is None:
        raise IdentityRefused(_("The requester has no key pair."))
    key_grant(case=case, purpose=WrapPurpose.IDENTITY, key=key, recipients=[staff_key])
