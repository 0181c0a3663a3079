"""The reporter's case: their thread, replies with files, the idle timeout and leaving."""

import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from cases.models import Attachment, AuthorSide, Case, Message, Visibility
from cases.receipts import receipt_open
from cases.selectors import attachment_chunks, case_messages
from cases.services import message_add
from hotline.portal import CASE_KEY
from tests.hotline.intake import (
    chunked_files,
    file_and_keep_receipt,
    jpeg_with_gps,
    open_case,
    report_data,
    upload,
)


@pytest.fixture
def receipt(tree) -> str:
    return file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )


@pytest.fixture
def reporter(receipt) -> Client:
    client = Client()
    open_case(client, receipt)
    return client


def test_the_reporter_reads_shared_messages_only(receipt, reporter):
    case, key = receipt_open(receipt)
    message_add(case=case, key=key, side=AuthorSide.COUNSELOR, body="ขอเอกสารเพิ่มเติมครับ")
    message_add(
        case=case,
        key=key,
        side=AuthorSide.COUNSELOR,
        body="INTERNAL-NOTE",
        visibility=Visibility.INTERNAL,
    )
    message_add(case=case, key=key, side=AuthorSide.SYSTEM, body="รับเรื่องแล้ว")
    page = reporter.get("/case/").content.decode()
    assert "ขอเอกสารเพิ่มเติมครับ" in page and "รับเรื่องแล้ว" in page
    assert "INTERNAL-NOTE" not in page
    assert "เจ้าหน้าที่" in page or "ผู้ให้คำปรึกษา" in page or "Ethics counselor" in page


def test_the_case_page_shows_the_received_date_in_buddhist_era(receipt, reporter):
    case = Case.objects.get()
    page = reporter.get("/case/").content.decode()
    assert str(case.created.year + 543) in page
    english = reporter.get("/en/case/").content.decode()
    assert str(case.created.year) in english and "Received" in english


def test_the_reporter_replies_with_a_file(receipt, reporter, media):
    response = reporter.post(
        "/case/reply/",
        {"body": "แนบรูปถ่ายเพิ่มเติม", "attachments": upload("p.jpg", jpeg_with_gps())},
    )
    assert response.headers["Location"] == "/case/?sent=reply#thread"
    case, key = receipt_open(receipt)
    [view] = case_messages(case=case, key=key, include_internal=False)
    assert view.body == "แนบรูปถ่ายเพิ่มเติม" and view.message.author_side == AuthorSide.REPORTER
    [attachment] = Attachment.objects.filter(message=view.message)
    assert b"SENTINEL" not in b"".join(attachment_chunks(attachment=attachment, key=key))
    assert "p.jpg" in reporter.get("/case/").content.decode()


def test_an_empty_reply_is_refused(reporter):
    response = reporter.post("/en/case/reply/", {"body": "  "})
    assert "Write a message or choose a file to send." in response.content.decode()
    assert not Message.objects.exists()
    # The answer opens at the reply box, where the error is, not at the top of a long page.
    assert 'action="/en/case/reply/#reply"' in response.content.decode()


def test_a_refused_file_refuses_the_whole_reply(reporter, media):
    before = chunked_files()
    response = reporter.post(
        "/en/case/reply/", {"body": "ข้อความ", "attachments": upload("x.exe", b"MZ\x90\x00")}
    )
    assert "was not accepted" in response.content.decode()
    assert not Message.objects.exists() and chunked_files() == before


def test_without_a_receipt_the_case_is_closed(db):
    response = Client().get("/case/")
    assert response.headers["Location"] == "/return/"
    # A reply without an open case is not stored: the receipt form asks again, carrying it.
    response = Client().post("/en/case/reply/", {"body": "x"})
    assert response.status_code == 200
    assert 'name="receipt"' in response.content.decode()
    assert not Message.objects.exists()


def test_the_session_alone_opens_nothing(reporter):
    thief = Client()
    thief.cookies["sessionid"] = reporter.cookies["sessionid"].value
    assert thief.get("/case/").headers["Location"] == "/return/"
    session = Session.objects.get(session_key=reporter.cookies["sessionid"].value)
    decoded = session.get_decoded()
    assert set(decoded) == {CASE_KEY.session_key, "hotline_case_seen"}
    assert str(Case.objects.get().uid) not in str(decoded)
    assert decoded["hotline_case_seen"] % 60 == 0  # minutes only, no precise time


def test_the_case_closes_after_fifteen_idle_minutes(receipt):
    client = Client()
    with time_machine.travel(time.time(), tick=False) as traveller:
        open_case(client, receipt)
        traveller.shift(14 * 60 - 61)
        assert client.get("/case/").status_code == 200  # activity pushes the limit on
        traveller.shift(14 * 60 - 61)
        assert client.get("/case/").status_code == 200
        traveller.shift(15 * 60 + 60)
        response = client.get("/en/case/")
        assert response.headers["Location"] == "/en/return/?ended=idle"
        assert client.cookies[CASE_KEY.cookie_name].value == ""
        page = client.get("/en/return/?ended=idle").content.decode()
        assert "You were away for a while" in page
        assert client.get("/case/").headers["Location"] == "/return/"


def test_leaving_clears_the_session_and_the_cookie(reporter):
    session_key = reporter.cookies["sessionid"].value
    response = reporter.post("/en/case/leave/")
    assert response.status_code == 200
    assert "You have left your case" in response.content.decode()
    assert response.cookies[CASE_KEY.cookie_name].value == ""
    assert not Session.objects.filter(session_key=session_key).exists()
    assert reporter.get("/case/").headers["Location"] == "/return/"


def test_leaving_needs_a_post(reporter):
    assert reporter.get("/case/leave/").status_code == 405


@pytest.mark.parametrize(
    "path", ["/case/", "/en/case/", "/return/", "/receipt/", "/o/M900101/report/"]
)
def test_portal_pages_are_never_stored(reporter, path):
    response = reporter.get(path)
    assert "no-store" in response["Cache-Control"]


def test_a_purged_case_closes_the_portal_instead_of_failing(receipt, reporter):
    from cases.retention import case_purge

    case, _ = receipt_open(receipt)
    Case.objects.filter(pk=case.pk).update(state="closed")
    assert case_purge(case_id=case.pk)
    response = reporter.get("/case/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/return/")


def test_files_on_staff_only_notes_are_not_listed_to_the_reporter(receipt, reporter, media):
    import io

    from cases.services import attachment_add

    reporter.post(
        "/case/reply/", {"body": "รูปเพิ่ม", "attachments": upload("mine.jpg", jpeg_with_gps())}
    )
    case, key = receipt_open(receipt)
    note = message_add(
        case=case, key=key, side=AuthorSide.COUNSELOR, body="x", visibility=Visibility.INTERNAL
    )
    attachment_add(
        case=case, key=key, name="INTERNAL-FILE.pdf", content_type="application/pdf",
        src=io.BytesIO(b"%PDF-1.4"), message=note,
    )  # fmt: skip
    attachment_add(
        case=case,
        key=key,
        name="with-the-report.pdf",
        content_type="application/pdf",
        src=io.BytesIO(b"%PDF-1.4"),
    )  # fmt: skip; a file sent with the report itself belongs to no message
    page = reporter.get("/case/").content.decode()
    assert "mine.jpg" in page and "with-the-report.pdf" in page
    assert "INTERNAL-FILE" not in page
