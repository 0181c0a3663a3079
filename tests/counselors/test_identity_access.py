"""Four eyes on a reporter's identity: a reason, a custodian's decision, the audit log."""

import pytest

from audit.models import Action, Event
from cases.models import CaseKeyWrap, IdentityRequest, RequestStatus, WrapPurpose
from cases.selectors import identity_read
from cases.staff_selectors import identity_request_reason
from counselors.identity_services import (
    IdentityRefused,
    identity_request_create,
    identity_request_decide,
)
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

REASON = "ต้องสัมภาษณ์ผู้แจ้งเพื่อยืนยันข้อเท็จจริงเรื่องสัญญา"


@pytest.fixture
def assigned(team, report):
    from counselors.case_services import conflict_declare

    team.assign(report.case)
    conflict_declare(case=report.case, user=team.counselor)
    return report


def test_the_whole_four_eyes_journey(team, assigned):
    case = assigned.case
    counselor = signed_in_client(team.counselor)
    assert counselor.get(f"/en/staff/cases/{case.pk}/identity/").status_code == 404
    response = counselor.post(f"/en/staff/cases/{case.pk}/identity/request/", {"reason": REASON})
    assert response.status_code == 302
    request = IdentityRequest.objects.get()
    assert REASON.encode() not in bytes(request.reason_ct)

    custodian = signed_in_client(team.custodian)
    page = custodian.get("/en/staff/identity-requests/").content.decode()
    assert REASON in page and case.reference in page
    assert "ฮั้ว" not in page and "ญาติ" not in page  # the reason, never the case
    response = custodian.post(
        f"/en/staff/identity-requests/{request.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.decided_by == team.custodian

    page = counselor.get(f"/en/staff/cases/{case.pk}/identity/").content.decode()
    assert "สมศรี ผู้แจ้ง" in page and "0812345678" in page
    actions = list(
        Event.objects.filter(object_id=str(case.pk), action__startswith="identity.").values_list(
            "action", flat=True
        )
    )
    assert actions == [Action.IDENTITY_REQUESTED, Action.IDENTITY_APPROVED, Action.IDENTITY_READ]


def test_a_denial_gives_nothing(team, assigned):
    request = identity_request_create(case=assigned.case, requester=team.counselor, reason=REASON)
    identity_request_decide(
        request_id=request.pk,
        custodian=team.custodian,
        private=team.key(team.custodian),
        approve=False,
    )
    assert not CaseKeyWrap.objects.filter(
        case=assigned.case, user=team.counselor, purpose=WrapPurpose.IDENTITY
    ).exists()
    assert (
        identity_read(case=assigned.case, user=team.counselor, private=team.key(team.counselor))
        is None
    )
    assert Event.objects.filter(action=Action.IDENTITY_DENIED).count() == 1


def test_the_reason_opens_only_for_custodians_and_the_requester(team, assigned):
    request = identity_request_create(case=assigned.case, requester=team.counselor, reason=REASON)
    for user in (team.custodian, team.counselor):
        assert identity_request_reason(request=request, user=user, private=team.key(user)) == REASON
    for user in (team.supervisor, team.other_counselor):
        assert identity_request_reason(request=request, user=user, private=team.key(user)) is None


def test_only_a_custodian_of_the_organisation_decides(team, assigned, make_staff):
    from core.models import Role
    from tests.factories import OrganisationFactory

    request = identity_request_create(case=assigned.case, requester=team.counselor, reason=REASON)
    outsider = make_staff(Role.CUSTODIAN, organisation=OrganisationFactory())
    for user in (team.supervisor, outsider):
        with pytest.raises(IdentityRefused):
            identity_request_decide(
                request_id=request.pk, custodian=user, private=b"\0" * 32, approve=True
            )
    client = signed_in_client(outsider)
    response = client.post(
        f"/en/staff/identity-requests/{request.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 404


def test_a_counselor_not_handling_the_case_cannot_ask(team, report):
    with pytest.raises(IdentityRefused):
        identity_request_create(case=report.case, requester=team.other_counselor, reason=REASON)


def test_reassignment_takes_an_approved_identity_away(team, assigned):
    request = identity_request_create(case=assigned.case, requester=team.counselor, reason=REASON)
    identity_request_decide(
        request_id=request.pk,
        custodian=team.custodian,
        private=team.key(team.custodian),
        approve=True,
    )
    assert identity_read(case=assigned.case, user=team.counselor, private=team.key(team.counselor))
    team.assign(assigned.case, team.other_counselor)
    assert not CaseKeyWrap.objects.filter(case=assigned.case, user=team.counselor).exists()
