"""A reply typed for longer than the idle limit is not lost: the receipt form carries it, and
the case page offers it again, ready to send."""

import re
import time
from html import unescape

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from cases.models import AuthorSide, Message
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data, upload

REPLY = "REPLY-TYPED ผมมีเอกสาร <b>เพิ่ม</b>\nบรรทัดที่สอง"


def carried_value(page: str) -> str:
    match = re.search(r'<input type="hidden" name="carried" value="([^"]*)"', page)
    assert match, "no carried reply in the receipt form"
    return unescape(match.group(1))


def test_the_case_page_states_the_idle_limit(tree, settings):
    settings.HOTLINE_PORTAL_IDLE_SECONDS = 20 * 60
    client = Client()
    receipt = file_and_keep_receipt(
        client, f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    open_case(client, receipt)
    page = client.get("/en/case/").content.decode()
    assert (
        "After 20 minutes without activity you will be asked for your receipt number again" in page
    )


def test_a_reply_outliving_the_idle_limit_is_carried_back(tree):
    receipt = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    client = Client()
    with time_machine.travel(time.time(), tick=False) as traveller:
        open_case(client, receipt)
        traveller.shift(16 * 60)  # the reporter types for sixteen minutes
        response = client.post(
            "/en/case/reply/", {"body": REPLY, "attachments": [upload("scan.txt", b"data")]}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "You were away for a while" in page
    assert "Your message was not sent yet, but it is kept" in page
    assert "scan.txt" in page  # the file to choose again is named
    assert carried_value(page) == REPLY
    assert not Message.objects.filter(author_side=AuthorSide.REPORTER).exists()
    # The session store never holds the reply in the clear.
    assert all("REPLY-TYPED" not in str(s.get_decoded()) for s in Session.objects.all())

    back = client.post("/en/return/", {"receipt": receipt, "carried": carried_value(page)})
    assert back.headers["Location"] == "/en/case/#reply"
    assert all("REPLY-TYPED" not in str(s.get_decoded()) for s in Session.objects.all())
    case_page = client.get("/en/case/").content.decode()
    assert "The message you wrote before is below" in case_page
    textarea = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', case_page, re.S)
    assert textarea and unescape(textarea.group(1)).strip() == REPLY
    # Offered once: reloading the page does not bring it back after it was sent or dropped.
    assert "The message you wrote before" not in client.get("/en/case/").content.decode()


def test_a_mistyped_receipt_keeps_carrying_the_reply(tree):
    client = Client()
    page = client.post("/en/case/reply/", {"body": REPLY}).content.decode()
    assert carried_value(page) == REPLY
    again = client.post("/en/return/", {"receipt": "1" * 24, "carried": REPLY}).content.decode()
    assert "No case could be opened" in again
    assert carried_value(again) == REPLY


def test_the_receipt_page_states_the_configured_idle_limit(settings):
    settings.HOTLINE_PORTAL_IDLE_SECONDS = 30 * 60
    page = Client().get("/en/return/").content.decode()
    assert "after 30 minutes without activity" in page
