"""The case page: who may read it, what it shows, and the audit trail of reading."""

import io

import pytest

from audit.models import Action, Event
from cases.models import AuthorSide, ConflictDeclaration, Visibility
from cases.services import attachment_add, message_add
from tests.cases.factories import new_report
from tests.conftest import signed_in_client
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def url(case, suffix=""):
    return f"/en/staff/cases/{case.pk}/{suffix}"


def reads(case, user):
    return Event.objects.filter(action=Action.CASE_READ, actor=user, object_id=str(case.pk)).count()


def test_a_supervisor_reads_the_thread_with_internal_notes(team, report):
    case, key = report.case, report.key
    message_add(case=case, key=key, side=AuthorSide.REPORTER, body="ข้อมูลเพิ่มเติมจากผู้แจ้ง")
    message_add(
        case=case,
        key=key,
        side=AuthorSide.COUNSELOR,
        author=team.supervisor,
        body="บันทึกภายในเท่านั้น",
        visibility=Visibility.INTERNAL,
    )
    client = signed_in_client(team.supervisor)
    response = client.get(url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert "ฮั้วประมูลถนนสายหลัก" in page
    assert "ผู้เสนอราคาสามรายเป็นญาติกัน" in page
    assert "ข้อมูลเพิ่มเติมจากผู้แจ้ง" in page
    assert "บันทึกภายในเท่านั้น" in page and "internal note" in page
    assert reads(case, team.supervisor) == 1
    assert "no-store" in response.headers["Cache-Control"]


def test_a_counselor_declares_no_conflict_before_the_first_reading(team, report):
    team.assign(report.case)
    client = signed_in_client(team.counselor)
    response = client.get(url(report.case))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(report.case, "declare/").removeprefix("/en"))
    page = client.get(url(report.case, "declare/")).content.decode()
    assert "ผู้เสนอราคา" not in page and "ฮั้ว" not in page
    assert reads(report.case, team.counselor) == 0

    assert client.post(url(report.case, "declare/"), {}).status_code == 200  # box not ticked
    response = client.post(url(report.case, "declare/"), {"no_conflict": "on"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(case=report.case, user=team.counselor).exists()
    assert Event.objects.filter(action=Action.CONFLICT_DECLARED, actor=team.counselor).count() == 1
    assert "ผู้เสนอราคาสามรายเป็นญาติกัน" in client.get(url(report.case)).content.decode()
    assert reads(report.case, team.counselor) == 1


def test_a_counselor_without_a_wrap_sees_nothing_of_the_content(team, report):
    client = signed_in_client(team.other_counselor)
    for suffix in ("", "declare/", "identity/"):
        response = client.get(url(report.case, suffix))
        assert response.status_code == 403
        assert "ฮั้ว" not in response.content.decode()
    assert reads(report.case, team.other_counselor) == 0


def test_staff_of_another_organisation_get_404(team, report, make_staff):
    from core.models import Role

    outsider = make_staff(Role.SUPERVISOR, organisation=OrganisationFactory())
    client = signed_in_client(outsider)
    assert client.get(url(report.case)).status_code == 404


@pytest.mark.parametrize("who", ["custodian", "auditor", "administrator"])
def test_other_roles_get_403_whether_or_not_the_case_exists(team, report, who):
    client = signed_in_client(getattr(team, who))
    assert client.get(url(report.case)).status_code == 403
    assert client.get(f"/en/staff/cases/{report.case.pk + 1000}/").status_code == 403


def test_a_person_the_report_names_never_sees_it(team, make_staff):
    from tests.cases.factories import new_report

    named = team.other_counselor
    new = new_report(team.organisation, excluded=[named])
    client = signed_in_client(named)
    assert client.get(url(new.case)).status_code == 404
    assert new.case.reference not in client.get("/en/staff/cases/").content.decode()


def test_attachments_are_downloaded_never_rendered(team, report):
    attachment = attachment_add(
        case=report.case,
        key=report.key,
        name="สัญญา <b>.html",
        content_type="text/html",
        src=io.BytesIO(b"<script>alert(1)</script>"),
    )
    client = signed_in_client(team.supervisor)
    response = client.get(url(report.case, f"files/{attachment.uid}/"))
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Event.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).count() == 1
    other = url(report.case, "files/00000000-0000-0000-0000-000000000000/")
    assert client.get(other).status_code == 404


def test_the_history_lists_the_events_of_this_case(team, report):
    team.assign(report.case)
    client = signed_in_client(team.supervisor)
    page = client.get(url(report.case)).content.decode()
    assert "Case received" in page and "Case assigned" in page


def test_a_counselor_without_an_unlocked_key_is_told_to_sign_in_again(team, report):
    team.assign(report.case)
    client = signed_in_client(team.counselor)
    client.cookies.pop("hotline_key")
    response = client.get(url(report.case))
    assert response.status_code == 403
    assert "Sign out and sign in again" in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("/en", ["How the reporter knows", "I saw or heard it myself", "Still going on", "Yes"]),
        ("", ["ที่มาของข้อมูลของผู้แจ้ง", "เห็นหรือได้ยินด้วยตนเอง", "ใช่"]),
    ],
)
def test_the_report_fields_read_in_words_never_codes(team, prefix, expected):
    created = new_report(
        team.organisation,
        body={"what": "เรื่อง", "how_known": "saw", "ongoing": "yes", "executive_involved": "yes"},
    )
    client = signed_in_client(team.supervisor)
    page = client.get(f"{prefix}/staff/cases/{created.case.pk}/").content.decode()
    original = page.split('id="original"')[1].split("</section>")[0]
    for words in expected:
        assert words in original
    for code in ("how_known", "saw", "ongoing", "executive_involved", "yes"):
        assert f">{code}<" not in original


def test_a_retaliation_report_links_to_its_earlier_case_for_those_who_may_read_it(team, report):
    retaliation = new_report(
        team.organisation, is_retaliation=True, related_case=report.case, title="ถูกย้ายงาน"
    ).case
    original = report.case.reference
    supervisor = signed_in_client(team.supervisor)
    page = supervisor.get(url(retaliation)).content.decode()
    assert "Retaliation for the report" in page
    assert f'<a href="/en/staff/cases/{report.case.pk}/">{original}</a>' in page

    # A counselor given the retaliation report alone holds no key to the earlier case: they
    # learn there is one, never which.
    team.assign(retaliation)
    counselor = signed_in_client(team.counselor)
    counselor.post(url(retaliation, "declare/"), {"no_conflict": "on"})
    page = counselor.get(url(retaliation)).content.decode()
    assert "ถูกย้ายงาน" in page and "A case you cannot open" in page
    assert original not in page and f"/staff/cases/{report.case.pk}/" not in page
