"""Replying to the reporter, internal notes, and moving a case on from its page."""

import pytest

from audit.models import Action, Event
from cases.models import Case, Message, Visibility
from cases.selectors import case_messages
from cases.workflow import case_transition
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def url(case, suffix=""):
    return f"/en/staff/cases/{case.pk}/{suffix}"


@pytest.fixture
def counselor_client(team, report):
    from counselors.case_services import conflict_declare

    team.assign(report.case)
    conflict_declare(case=report.case, user=team.counselor)
    return signed_in_client(team.counselor)


@pytest.mark.parametrize(
    ("kind", "visibility"),
    [("answer", Visibility.SHARED), ("question", Visibility.SHARED), ("note", Visibility.INTERNAL)],
)
def test_replies_are_encrypted_and_logged(team, report, counselor_client, kind, visibility):
    response = counselor_client.post(
        url(report.case, "reply/"), {"kind": kind, "body": "ขอเอกสารสัญญาเพิ่มเติม"}
    )
    assert response.status_code == 302
    message = Message.objects.get(case=report.case)
    assert message.visibility == visibility
    assert message.author == team.counselor
    assert "ขอเอกสาร".encode() not in bytes(message.body_ct)
    views = case_messages(case=report.case, key=report.key, include_internal=True)
    assert views[0].body == "ขอเอกสารสัญญาเพิ่มเติม"
    event = Event.objects.get(action=Action.MESSAGE_ADDED)
    assert event.details["kind"] == kind
    assert "ขอ" not in str(event.details)
    # Only a reply that tells the reporter what was done is the feedback the 90-day deadline
    # asks for (EU Directive 2019/1937 Art. 5(13)); a question back to them is not.
    case = Case.objects.get(pk=report.case.pk)
    assert (case.feedback_at is not None) == (kind == "answer")


def test_an_empty_reply_is_refused_on_the_full_page(report, counselor_client):
    response = counselor_client.post(url(report.case, "reply/"), {"kind": "answer", "body": ""})
    assert response.status_code == 400
    assert "ฮั้วประมูล" in response.content.decode()
    assert not Message.objects.exists()


def test_only_internal_notes_stay_from_the_reporter(report, counselor_client):
    counselor_client.post(url(report.case, "reply/"), {"kind": "note", "body": "ภายใน"})
    counselor_client.post(url(report.case, "reply/"), {"kind": "answer", "body": "ถึงผู้แจ้ง"})
    shared = case_messages(case=report.case, key=report.key, include_internal=False)
    assert [m.body for m in shared] == ["ถึงผู้แจ้ง"]


def step(client, case, name, **fields):
    data = {f"{name}-transition": name, f"{name}-version": fields.pop("version", case.version)}
    data.update({f"{name}-{k}": v for k, v in fields.items()})
    return client.post(url(case, "transition/"), data)


def test_a_counselor_moves_the_report_to_investigation(report, counselor_client):
    case = report.case
    page = counselor_client.get(url(case)).content.decode()
    assert "Acknowledge receipt" in page
    for name in ("acknowledge", "assess", "investigate"):
        case = Case.objects.get(pk=case.pk)
        response = step(counselor_client, case, name)
        assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(pk=case.pk)
    assert case.state == "investigating"
    assert Event.objects.filter(action=Action.CASE_TRANSITION).count() == 3


def test_a_step_needs_its_outcome_fields(team, report):
    client = signed_in_client(team.supervisor)
    case = report.case
    for name in ("acknowledge", "assess"):
        case_transition(case_id=case.pk, name=name, actor=team.supervisor, key=report.key)
    case = Case.objects.get(pk=case.pk)
    response = step(client, case, "reject", rejection_reason="")
    assert response.status_code == 400
    response = step(client, case, "reject", rejection_reason="out_of_scope", note="นอกอำนาจ")
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.state == "rejected" and case.rejection_reason == "out_of_scope"


def test_a_stale_page_says_so_and_keeps_what_was_typed(team, report):
    client = signed_in_client(team.supervisor)
    case = report.case
    for name in ("acknowledge", "assess"):
        case_transition(case_id=case.pk, name=name, actor=team.supervisor, key=report.key)
    case = Case.objects.get(pk=case.pk)
    seen = case.version
    # Someone else records a referral meanwhile; it is reopened, so "reject" is open again.
    case_transition(
        case_id=case.pk,
        name="refer",
        actor=team.supervisor,
        key=report.key,
        referral_target="nacc",
    )
    case_transition(
        case_id=case.pk, name="reopen", actor=team.supervisor, key=report.key, note="ทบทวน"
    )
    response = step(
        client,
        case,
        "reject",
        version=seen,
        rejection_reason="insufficient",
        note="คำอธิบายที่พิมพ์ไว้ยาว ๆ",
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this case" in page
    assert "คำอธิบายที่พิมพ์ไว้ยาว ๆ" in page
    assert 'value="insufficient" selected' in page
    case = Case.objects.get(pk=case.pk)
    assert case.state == "assessment"
    assert f'name="reject-version" value="{case.version}"' in page


def test_a_step_no_longer_open_keeps_the_typed_text(team, report):
    client = signed_in_client(team.supervisor)
    case = report.case
    seen = case.version
    case_transition(case_id=case.pk, name="acknowledge", actor=team.supervisor, key=report.key)
    response = step(client, case, "acknowledge", version=seen)
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "acknowledged"
