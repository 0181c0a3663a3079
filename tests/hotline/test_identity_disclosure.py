from django.test import Client

from cases.models import Case, CaseKeyWrap, Identity, WrapPurpose
from core.models import Role
from tests.cases.factories import staff_with_key
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data


def reporter_of(tree) -> Client:
    receipt = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    client = Client()
    open_case(client, receipt)
    return client


def test_the_reporter_discloses_their_identity_later(tree):
    from cases.selectors import identity_read

    custodian, custodian_key = staff_with_key(Role.CUSTODIAN, tree.municipality)
    client = reporter_of(tree)
    assert Case.objects.get().is_anonymous
    response = client.post(
        "/case/identity/",
        {"identity_name": "นายสมชาย ใจกล้า", "identity_phone": "0812345678", "consent": "on"},
    )
    assert response.headers["Location"] == "/case/?sent=identity#identity"
    case = Case.objects.get()
    assert not case.is_anonymous
    assert identity_read(case=case, user=custodian, private=custodian_key) == {
        "name": "นายสมชาย ใจกล้า",
        "phone": "0812345678",
    }
    assert not CaseKeyWrap.objects.filter(
        case=case, purpose=WrapPurpose.IDENTITY, user__role=Role.SUPERVISOR
    ).exists()
    page = client.get("/en/case/").content.decode()
    assert "You have given your name" in page
    assert "นายสมชาย" not in page  # the identity is not shown back on the page


def test_it_needs_a_name_and_consent(tree):
    client = reporter_of(tree)
    response = client.post("/en/case/identity/", {"identity_phone": "0812345678"})
    page = response.content.decode()
    assert page.count("This field is required.") == 2
    assert "0812345678" in page
    assert not Identity.objects.exists()


def test_a_second_disclosure_changes_nothing(tree):
    client = reporter_of(tree)
    data = {"identity_name": "นายสมชาย", "consent": "on"}
    client.post("/case/identity/", data)
    response = client.post("/case/identity/", data | {"identity_name": "คนอื่น"})
    assert response.status_code == 302
    assert Identity.objects.count() == 1
