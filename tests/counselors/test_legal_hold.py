"""A supervisor puts a case on legal hold from its page, and lifts it, with a reason."""

import pytest

from audit.models import Action, Event
from cases.models import Case
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def url(case, suffix=""):
    return f"/en/staff/cases/{case.pk}/{suffix}"


def test_a_supervisor_holds_and_lifts_a_case_with_a_reason(team, report):
    client = signed_in_client(team.supervisor)
    page = client.get(url(report.case)).content.decode()
    assert "Put on legal hold" in page
    response = client.post(
        url(report.case, "hold/"), {"reason": "คดีในศาลปกครอง", "action": "place"}
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=report.case.pk)
    assert case.legal_hold_at is not None
    page = client.get(url(case)).content.decode()
    assert "On legal hold since" in page and "Lift the legal hold" in page
    assert "คดีในศาลปกครอง" in page  # the reason, as an internal note in the thread
    client.post(url(case, "hold/"), {"reason": "ศาลพิพากษาแล้ว", "action": "lift"})
    assert Case.objects.get(pk=case.pk).legal_hold_at is None
    actions = Event.objects.filter(actor=team.supervisor, object_id=str(case.pk)).values_list(
        "action", flat=True
    )
    assert Action.LEGAL_HOLD_PLACED in actions and Action.LEGAL_HOLD_LIFTED in actions


def test_no_hold_without_a_reason_and_the_page_says_why(team, report):
    client = signed_in_client(team.supervisor)
    response = client.post(url(report.case, "hold/"), {"reason": "  ", "action": "place"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert Case.objects.get(pk=report.case.pk).legal_hold_at is None


def test_counselors_cannot_hold_a_case(team, report):
    team.assign(report.case)
    client = signed_in_client(team.counselor)
    client.post(url(report.case, "declare/"), {"no_conflict": "on"})
    assert "Put on legal hold" not in client.get(url(report.case)).content.decode()
    assert client.post(url(report.case, "hold/"), {"reason": "x"}).status_code == 403
    assert Case.objects.get(pk=report.case.pk).legal_hold_at is None


def test_a_stale_page_cannot_lift_a_hold_it_did_not_show(team, report):
    # The page offered "Put on legal hold" and was posted twice (or by two supervisors): the
    # second post must not be read as "lift" once the first one's hold is in place.
    client = signed_in_client(team.supervisor)
    assert "Put on legal hold" in client.get(url(report.case)).content.decode()
    held = client.post(url(report.case, "hold/"), {"reason": "คดีอาญา", "action": "place"})
    assert held.status_code == 302
    stale = client.post(url(report.case, "hold/"), {"reason": "คดีแพ่ง", "action": "place"})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "This case is already on legal hold." in page
    assert "Lift the legal hold" in page and 'value="lift"' in page  # the page as it is now
    assert "คดีแพ่ง" in page  # what was typed is kept
    assert Case.objects.get(pk=report.case.pk).legal_hold_at is not None
    assert not Event.objects.filter(action=Action.LEGAL_HOLD_LIFTED).exists()


def test_a_stale_page_cannot_hold_a_case_whose_hold_was_just_lifted(team, report):
    client = signed_in_client(team.supervisor)
    client.post(url(report.case, "hold/"), {"reason": "คดีอาญา", "action": "place"})
    assert (
        client.post(url(report.case, "hold/"), {"reason": "จบ", "action": "lift"}).status_code
        == 302
    )
    again = client.post(url(report.case, "hold/"), {"reason": "จบแล้ว", "action": "lift"})
    assert again.status_code == 409
    assert "This case is not on legal hold." in again.content.decode()
    assert Case.objects.get(pk=report.case.pk).legal_hold_at is None


def test_a_hold_post_without_its_intended_step_changes_nothing(team, report):
    client = signed_in_client(team.supervisor)
    response = client.post(url(report.case, "hold/"), {"reason": "คดีอาญา"})
    assert response.status_code == 400
    assert "This page is out of date. Reload it and try again." in response.content.decode()
    assert Case.objects.get(pk=report.case.pk).legal_hold_at is None
