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


def test_people_the_first_report_named_cannot_read_the_retaliation_report(tree):
    from cases.models import CaseExclusion, CaseKeyWrap
    from core.models import Role
    from hotline.services import retaliation_submit
    from tests.cases.factories import new_report, staff_with_key

    boss, _ = staff_with_key(Role.SUPERVISOR, tree.municipality)
    original = new_report(tree.municipality, excluded=[boss]).case
    new = retaliation_submit(
        case=original, category=tree.retaliation_category, body={"what": "x"}, attachments=[]
    )
    assert CaseExclusion.objects.filter(case=new.case, user=boss).exists()
    assert not CaseKeyWrap.objects.filter(case=new.case, user=boss).exists()
    assert CaseKeyWrap.objects.filter(case=new.case, user=tree.supervisor).exists()


def test_retaliation_is_only_for_reports_and_is_throttled(tree, settings):
    from tests.hotline.test_question_form import question_data

    question = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/question/", question_data(tree)
    )
    client = Client()
    open_case(client, question)
    assert client.get("/case/retaliation/").status_code == 404
    report = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    client = Client()
    open_case(client, report)
    settings.HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE = 0
    before = Case.objects.count()
    response = client.post(
        "/case/retaliation/", {"what": "ถูกกลั่นแกล้ง", "ongoing": "yes", "website": ""}
    )
    assert response.status_code == 429
    assert Case.objects.count() == before


def test_reporter_actions_are_audited_without_content(tree):
    from audit.models import Action, Event

    receipt = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    client = Client()
    open_case(client, receipt)
    client.post("/case/reply/", {"body": "ข้อมูลเพิ่มเติมลับ"})
    client.post(
        "/case/identity/",
        {"identity_name": "นายผู้แจ้ง", "consent": "on"},
    )
    actions = set(Event.objects.values_list("action", flat=True))
    assert {Action.MESSAGE_ADDED, Action.IDENTITY_DISCLOSED} <= actions
    details = str(list(Event.objects.values_list("details", flat=True)))
    assert "ข้อมูลเพิ่มเติมลับ" not in details and "นายผู้แจ้ง" not in details


def test_what_a_reporter_does_is_timed_to_the_hour_only(tree, media):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from audit.models import Action, Event
    from cases.models import Message

    moment = datetime(2026, 12, 2, 14, 37, 21, 123456, tzinfo=ZoneInfo("Asia/Bangkok"))
    with time_machine.travel(moment, tick=False):
        receipt = file_and_keep_receipt(
            Client(),
            f"/o/{tree.municipality.code}/report/",
            report_data(tree, attachments=upload("note.txt", "หลักฐาน".encode())),
        )
        client = Client()
        open_case(client, receipt)
        client.post("/case/reply/", {"body": "เพิ่มเติม"})
    case = Case.objects.get()
    stamps = [
        case.created,
        *Attachment.objects.values_list("created", flat=True),
        *Message.objects.filter(author_side="reporter").values_list("created", flat=True),
        *Event.objects.filter(action__in=[Action.CASE_CREATED, Action.MESSAGE_ADDED]).values_list(
            "created", flat=True
        ),
    ]
    assert len(stamps) >= 5
    for stamp in stamps:
        assert (stamp.minute, stamp.second, stamp.microsecond) == (0, 0, 0), stamp
    assert case.due_acknowledge.isoformat() == "2026-12-09"
