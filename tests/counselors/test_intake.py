"""Filing a question or report for a caller (telephone, in person, letter)."""

import pytest

from audit.models import Action, Event
from cases.models import Case, CaseKind, Channel, Identity
from cases.receipts import receipt_open
from cases.selectors import case_content
from tests.conftest import signed_in_client
from tests.factories import CategoryFactory

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
    from cases.selectors import case_key_for_user

    key = case_key_for_user(case=case, user=team.supervisor, private=team.key(team.supervisor))
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
    assert signed_in_client(getattr(team, who)).get("/en/staff/cases/new/").status_code == 404
