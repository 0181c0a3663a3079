"""Filing a question or report for a caller (telephone, in person, letter)."""

import pytest

from audit.models import Action, Event
from cases.keys import key_open
from cases.models import Case, CaseExclusion, CaseKeyWrap, CaseKind, Channel, Identity
from cases.receipts import receipt_open
from cases.selectors import case_content
from cases.staff_keys import staff_key_endorse, staff_key_unlock
from core.models import Role
from counselors.case_services import WorkspaceRefused, case_file_for_caller
from counselors.inbox import InboxFilters, inbox_queryset
from tests.cases.factories import organisation_with_kit
from tests.conftest import signed_in_client
from tests.factories import PASSWORD, CategoryFactory

pytestmark = pytest.mark.django_db


def test_a_counselor_files_a_report_by_phone_and_reads_the_receipt_once(team):
    category = CategoryFactory(kind=CaseKind.REPORT)
    client = signed_in_client(team.counselor)
    assert client.get("/en/staff/cases/new/").status_code == 200
    response = client.post(
        "/en/staff/cases/new/",
        {
            "kind": "report",
            "channel": "phone",
            "category": category.pk,
            "text": "เจ้าหน้าที่เรียกรับเงินค่าใบอนุญาต\nรายละเอียดเพิ่มเติม",
            "who": "เจ้าหน้าที่กองช่าง",
            "identity_name": "ผู้โทรมา",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    case = Case.objects.get()
    assert case.channel == Channel.PHONE and case.organisation == team.organisation
    assert not case.is_anonymous and Identity.objects.filter(case=case).exists()
    receipt = response.context["receipt"]
    assert receipt in page
    opened = receipt_open(receipt)
    assert opened is not None and opened[0] == case
    assert receipt.replace(" ", "") not in response.request["PATH_INFO"]
    assert receipt.replace(" ", "") not in str(client.session.items())
    filed = Event.objects.get(action=Action.CASE_FILED_BY_STAFF)
    assert filed.actor == team.counselor and filed.details == {
        "kind": "report",
        "channel": "phone",
    }
    created = Event.objects.get(action=Action.CASE_CREATED)
    assert created.actor == team.counselor
    # The supervisor, as for any new case, holds the key.
    key = key_open(case=case, user=team.supervisor, private=team.key(team.supervisor))
    content = case_content(case=case, key=key)
    assert content.title == "เจ้าหน้าที่เรียกรับเงินค่าใบอนุญาต"
    assert content.body["who"] == "เจ้าหน้าที่กองช่าง"


def test_the_category_must_fit_the_kind_and_the_channel_be_offline(team):
    category = CategoryFactory(kind=CaseKind.REPORT)
    client = signed_in_client(team.counselor)
    data = {"kind": "question", "channel": "phone", "category": category.pk, "text": "ถาม"}
    assert client.post("/en/staff/cases/new/", data).status_code == 200
    response = client.post("/en/staff/cases/new/", data | {"kind": "report", "channel": "web"})
    assert response.status_code == 200 and "receipt" not in response.context
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["custodian", "auditor", "administrator"])
def test_only_counselors_and_supervisors_file(team, who):
    assert signed_in_client(getattr(team, who)).get("/en/staff/cases/new/").status_code == 403


def _phone_report(team, **extra):
    category = CategoryFactory(kind=CaseKind.REPORT)
    data = {"kind": "report", "channel": "phone", "category": category.pk, "text": "รับสินบน"}
    return signed_in_client(team.counselor).post("/en/staff/cases/new/", data | extra)


def test_a_report_naming_a_counselor_is_kept_from_them_and_goes_up(team, make_staff):
    parent, _ = organisation_with_kit()
    team.organisation.parent = parent
    team.organisation.save()
    parent_supervisor = make_staff(Role.SUPERVISOR, organisation=parent)
    parent_key = staff_key_unlock(user=parent_supervisor, password=PASSWORD).private
    staff_key_endorse(user=parent_supervisor, via="test")
    response = _phone_report(team, named_staff=[team.other_counselor.pk])
    case = Case.objects.get()
    assert case.organisation == parent
    assert set(CaseExclusion.objects.filter(case=case).values_list("user", flat=True)) == {
        team.other_counselor.pk
    }
    assert not CaseKeyWrap.objects.filter(case=case, user__organisation=team.organisation)
    assert "went to" in response.content.decode()
    assert case.pk not in {c.pk for c in inbox_queryset(team.other_counselor, InboxFilters())}
    key = key_open(case=case, user=parent_supervisor, private=parent_key)
    body = case_content(case=case, key=key).body
    assert body["named_staff"] == "Other Counsel"
    assert body["about_organisation"].endswith(f"({team.organisation.code})")
    # The named organisation's log does not show that a report was filed about it.
    filed = Event.objects.get(action=Action.CASE_FILED_BY_STAFF)
    assert filed.organisation == parent and filed.actor == team.counselor


def test_without_a_parent_the_named_counselor_is_still_left_out(team):
    _phone_report(team, named_staff=[team.supervisor.pk], executive_involved="on")
    case = Case.objects.get()
    assert case.organisation == team.organisation
    assert not CaseKeyWrap.objects.filter(case=case, user=team.supervisor).exists()
    assert CaseExclusion.objects.filter(case=case, user=team.supervisor).exists()


def test_a_question_cannot_name_anyone_and_nothing_is_filed(team):
    category = CategoryFactory(kind=CaseKind.QUESTION)
    response = _phone_report(
        team, kind="question", category=category.pk, named_staff=[team.other_counselor.pk]
    )
    assert "Only a report can name people who are involved." in response.content.decode()
    assert not Case.objects.exists()


def test_staff_of_another_organisation_cannot_be_named(team, make_staff):
    stranger = make_staff(Role.COUNSELOR, organisation=organisation_with_kit()[0])
    response = _phone_report(team, named_staff=[stranger.pk])
    assert response.status_code == 200 and "receipt" not in response.context
    assert not Case.objects.exists()
    with pytest.raises(WorkspaceRefused):
        case_file_for_caller(
            user=team.counselor,
            kind=CaseKind.REPORT,
            category=CategoryFactory(kind=CaseKind.REPORT),
            channel=Channel.PHONE,
            title="t",
            body={"what": "t"},
            excluded=[stranger],
        )
    assert not Case.objects.exists()


def test_a_counselor_the_caller_names_cannot_take_the_report_down(team):
    response = _phone_report(team, named_staff=[team.counselor.pk])
    assert "The caller names you" in response.content.decode()
    assert not Case.objects.exists()
