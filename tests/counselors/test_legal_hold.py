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
    response = client.post(url(report.case, "hold/"), {"reason": "คดีในศาลปกครอง"})
    assert response.status_code == 302
    case = Case.objects.get(pk=report.case.pk)
    assert case.legal_hold_at is not None
    page = client.get(url(case)).content.decode()
    assert "On legal hold since" in page and "Lift the legal hold" in page
    assert "คดีในศาลปกครอง" in page  # the reason, as an internal note in the thread
    client.post(url(case, "hold/"), {"reason": "ศาลพิพากษาแล้ว"})
    assert Case.objects.get(pk=case.pk).legal_hold_at is None
    actions = Event.objects.filter(actor=team.supervisor, object_id=str(case.pk)).values_list(
        "action", flat=True
    )
    assert Action.LEGAL_HOLD_PLACED in actions and Action.LEGAL_HOLD_LIFTED in actions


def test_no_hold_without_a_reason_and_the_page_says_why(team, report):
    client = signed_in_client(team.supervisor)
    response = client.post(url(report.case, "hold/"), {"reason": "  "})
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
