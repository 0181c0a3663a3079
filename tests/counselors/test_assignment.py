"""Assignment re-wraps the case key to the counselor; reassignment and declining take it away."""

import pytest

from audit.models import Action, Event
from cases.assignment import AssignmentRefused, case_assign, case_decline
from cases.keys import key_open
from cases.models import Case, CaseExclusion, CaseKeyWrap, Message, Visibility
from cases.selectors import case_messages
from cases.workflow import case_transition
from tests.cases.factories import new_report
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def holds_key(team, case, user) -> bool:
    return key_open(case=case, user=user, private=team.key(user)) is not None


def test_assigning_wraps_the_case_key_to_the_counselor(team, report):
    assert not holds_key(team, report.case, team.counselor)
    team.assign(report.case)
    case = Case.objects.get(pk=report.case.pk)
    assert case.assignee == team.counselor
    assert key_open(case=case, user=team.counselor, private=team.key(team.counselor)) == (
        report.key
    )
    event = Event.objects.get(action=Action.CASE_ASSIGNED)
    assert event.actor == team.supervisor
    assert event.details == {"assignee": team.counselor.pk, "previous": None}


def test_reassigning_takes_the_key_from_the_previous_counselor(team, report):
    team.assign(report.case)
    team.assign(report.case, team.other_counselor)
    case = Case.objects.get(pk=report.case.pk)
    assert case.assignee == team.other_counselor
    assert holds_key(team, case, team.other_counselor)
    assert not CaseKeyWrap.objects.filter(case=case, user=team.counselor).exists()
    assert holds_key(team, case, team.supervisor)  # the supervisor's own wrap stays


def test_no_one_the_report_names_can_be_given_it(team):
    new = new_report(team.organisation, excluded=[team.counselor])
    with pytest.raises(AssignmentRefused):
        team.assign(new.case)
    assert not CaseKeyWrap.objects.filter(case=new.case, user=team.counselor).exists()


def test_only_a_supervisor_with_the_key_assigns(team, report):
    with pytest.raises(AssignmentRefused):
        case_assign(
            case_id=report.case.pk,
            counselor=team.other_counselor,
            supervisor=team.counselor,
            private=team.key(team.counselor),
        )
    with pytest.raises(AssignmentRefused):  # the right person with the wrong key
        case_assign(
            case_id=report.case.pk,
            counselor=team.counselor,
            supervisor=team.supervisor,
            private=team.key(team.custodian),
        )


def test_the_assign_form_offers_only_counselors_who_may_have_it(team):
    new = new_report(team.organisation, excluded=[team.other_counselor])
    client = signed_in_client(team.supervisor)
    page = client.get(f"/en/staff/cases/{new.case.pk}/").content.decode()
    assert "Somchai Counsel" in page
    assert "Other Counsel" not in page
    response = client.post(
        f"/en/staff/cases/{new.case.pk}/assign/", {"counselor": team.other_counselor.pk}
    )
    assert response.status_code == 400
    response = client.post(
        f"/en/staff/cases/{new.case.pk}/assign/", {"counselor": team.counselor.pk}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=new.case.pk).assignee == team.counselor


def test_declining_keeps_the_reason_encrypted_and_unassigns(team, report):
    team.assign(report.case)
    client = signed_in_client(team.counselor)
    reason = "ผู้ถูกกล่าวหาเป็นญาติของข้าพเจ้า"
    response = client.post(
        f"/en/staff/cases/{report.case.pk}/decline/", {"reason": reason, "conflict": "on"}
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=report.case.pk)
    assert case.assignee is None
    assert not CaseKeyWrap.objects.filter(case=case, user=team.counselor).exists()
    assert CaseExclusion.objects.filter(case=case, user=team.counselor).exists()
    note = Message.objects.get(case=case)
    assert note.visibility == Visibility.INTERNAL
    assert reason.encode() not in bytes(note.body_ct)
    bodies = [m.body for m in case_messages(case=case, key=report.key, include_internal=True)]
    assert bodies == [reason]
    event = Event.objects.get(action=Action.CASE_DECLINED)
    assert event.details == {"conflict": True}
    assert client.get(f"/en/staff/cases/{case.pk}/").status_code == 404


def test_only_the_assignee_declines(team, report):
    team.assign(report.case)
    with pytest.raises(AssignmentRefused):
        case_decline(
            case_id=report.case.pk,
            counselor=team.other_counselor,
            private=team.key(team.other_counselor),
            reason="x",
        )


@pytest.mark.parametrize(
    ("steps", "outcome"),
    [
        (("acknowledge", "assess", "reject"), {"rejection_reason": "insufficient"}),
        (("acknowledge", "assess", "refer"), {"referral_target": "nacc"}),
    ],
)
def test_an_ended_case_cannot_be_assigned_through_the_service(team, report, steps, outcome):
    team.assign(report.case)
    for name in steps:
        case_transition(
            case_id=report.case.pk, name=name, actor=team.counselor, key=report.key, **outcome
        )
    assert Case.objects.get(pk=report.case.pk).is_ended
    with pytest.raises(AssignmentRefused, match=r"An ended case cannot be assigned\."):
        team.assign(report.case, team.other_counselor)
    assert Case.objects.get(pk=report.case.pk).assignee == team.counselor
    assert not CaseKeyWrap.objects.filter(case=report.case, user=team.other_counselor).exists()
