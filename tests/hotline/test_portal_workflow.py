"""What the workflow shows the reporter: where the case stands, follow-ups, rating."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from audit.models import Action, Event
from cases.models import AuthorSide, Case, Rating, State
from cases.receipts import receipt_open
from cases.services import message_add
from cases.workflow import case_transition
from core import crypto
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def filed(tree):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=BANGKOK), tick=False):
        receipt = file_and_keep_receipt(
            Client(), f"/en/o/{tree.municipality.code}/report/", report_data(tree)
        )
    return receipt


def reporter(receipt: str) -> Client:
    client = Client()
    open_case(client, receipt)
    return client


def close(tree, case, key):
    sup = tree.supervisor
    for name in ("acknowledge", "assess", "investigate"):
        case_transition(case_id=case.pk, name=name, actor=sup, key=key)
    case_transition(case_id=case.pk, name="conclude", actor=sup, key=key, finding="unsubstantiated")
    case_transition(case_id=case.pk, name="record_action", actor=sup, key=key, action_type="none")
    case_transition(case_id=case.pk, name="close_report", actor=sup, key=key)


def test_the_reporter_sees_where_it_stands_and_the_next_deadline(tree, filed):
    page = reporter(filed).get("/en/case/").content.decode()
    assert "Received. An ethics counselor will pick it up soon." in page
    assert "You will hear that it was received by 8 December 2026." in page
    thai = reporter(filed).get("/case/").content.decode()
    assert "8 ธันวาคม 2569" in thai
    assert date(2026, 12, 8) == Case.objects.get().due_acknowledge


def test_the_status_follows_the_workflow(tree, filed):
    case, key = receipt_open(filed)
    case_transition(case_id=case.pk, name="acknowledge", actor=tree.supervisor, key=key)
    page = reporter(filed).get("/en/case/").content.decode()
    assert "acknowledged it and will assess it" in page
    assert "You will be told the outcome by" in page
    assert "Your report was received and acknowledged" in page  # the system message


def test_a_closed_case_can_be_rated_once(tree, filed):
    case, key = receipt_open(filed)
    client = reporter(filed)
    assert "Rate the service" not in client.get("/en/case/").content.decode()
    assert client.post("/en/case/rate/", {"score": "5", "comment": "ดีมาก"}).status_code == 302
    assert not Rating.objects.exists()  # not closed yet
    close(tree, case, key)
    assert "Rate the service" in client.get("/en/case/").content.decode()
    client.post("/en/case/rate/", {"score": "4", "comment": "ตอบช้าไปหน่อย"})
    client.post("/en/case/rate/", {"score": "1", "comment": "again"})
    rating = Rating.objects.get()
    assert rating.score == 4
    assert b"\xe0\xb8" not in bytes(rating.comment_ct)  # no Thai plaintext
    assert (
        crypto.text_decrypt(
            key, bytes(rating.comment_ct), case_id=str(case.uid), field="rating.comment"
        )
        == "ตอบช้าไปหน่อย"
    )
    assert "Thank you for your rating." in client.get("/en/case/").content.decode()
    assert Event.objects.filter(action=Action.RATING_GIVEN).count() == 1


def test_a_rating_outside_one_to_five_is_refused(tree, filed):
    case, key = receipt_open(filed)
    close(tree, case, key)
    response = reporter(filed).post("/en/case/rate/", {"score": "9"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_follow_up_reopens_an_answered_question(tree):
    receipt = file_and_keep_receipt(
        Client(),
        f"/en/o/{tree.municipality.code}/question/",
        {"category": tree.question_category.pk, "question": "รับของขวัญได้ไหม"},
    )
    case, key = receipt_open(receipt)
    Case.objects.filter(pk=case.pk).update(assignee=tree.counselor)
    case_transition(case_id=case.pk, name="start", actor=tree.counselor, key=key)
    message_add(case=case, key=key, side=AuthorSide.COUNSELOR, body="ได้ ไม่เกิน 3,000 บาท")
    case_transition(case_id=case.pk, name="answer", actor=tree.counselor, key=key)
    reporter(receipt).post("/en/case/reply/", {"body": "ถ้าเป็นกระเช้าล่ะ"})
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
