from django.test import Client

from cases.models import Attachment, Case
from cases.receipts import receipt_open
from cases.selectors import case_content
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data, upload


def test_a_retaliation_report_is_linked_with_its_own_receipt(tree):
    first = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree, executive_involved="on")
    )
    original = Case.objects.get()
    assert original.organisation == tree.district
    client = Client()
    open_case(client, first)
    page = client.get("/en/case/retaliation/").content.decode()
    assert "Report retaliation" in page
    second = file_and_keep_receipt(
        client,
        "/case/retaliation/",
        {
            "what": "ถูกย้ายไปทำงานที่อื่นหลังแจ้งเรื่อง",
            "ongoing": "yes",
            "website": "",
            "attachments": upload("order.txt", "คำสั่งย้าย".encode()),
        },
    )
    assert second != first
    new, key = receipt_open(second)
    assert new.is_retaliation and new.related_case == original
    assert new.organisation == original.organisation == tree.district
    assert new.category == tree.retaliation_category
    assert case_content(case=new, key=key).body["what"] == "ถูกย้ายไปทำงานที่อื่นหลังแจ้งเรื่อง"
    assert Attachment.objects.filter(case=new).count() == 1
    # The portal still has the first case open.
    assert "ปลัดเรียกเงินใต้โต๊ะจากผู้รับเหมา" in client.get("/case/").content.decode()


def test_a_question_offers_no_retaliation_link(tree):
    from tests.hotline.test_question_form import question_data

    receipt = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/question/", question_data(tree)
    )
    client = Client()
    open_case(client, receipt)
    assert "/case/retaliation/" not in client.get("/case/").content.decode()


def test_retaliation_needs_an_open_case(db):
    assert Client().get("/case/retaliation/").headers["Location"] == "/return/"
