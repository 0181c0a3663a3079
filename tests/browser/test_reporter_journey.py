"""A reporter's whole journey on a 360px phone with JavaScript off, in Thai and in English:
file a report with a photo, keep the receipt, come back, read the counselor's reply, answer,
give their name, report retaliation. Then the database, media and logs are searched for
anything that could identify them or that they typed."""

import io
import logging
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import Page, expect

from cases.models import Attachment, AttachmentChunk, AuthorSide, Case
from cases.receipts import receipt_open
from cases.selectors import attachment_chunks
from cases.services import message_add
from config.logging import StaffRequestsOnly
from tests.browser.test_home import PHONE, assert_fits_width
from tests.cases.test_no_plaintext_at_rest import database_bytes
from tests.hotline.intake import jpeg_with_gps, organisation_tree

pytestmark = pytest.mark.browser

FAKE_IP = "203.0.113.77"
FAKE_UA = "SentinelBrowser/9.9 (reporter-device)"
TYPED = {
    "what": "SENTINEL-WHAT-ปลัดรับเงิน-4f1a",
    "who": "SENTINEL-WHO-นายก-77c3",
    "reply": "SENTINEL-REPLY-ส่งเอกสารแล้ว-a9b2",
    "name": "SENTINEL-NAME-สมชาย-e5d0",
    "retaliation": "SENTINEL-RETALIATION-ถูกย้าย-0c6e",
}
COUNSELOR_REPLY = "ขอสำเนาใบเสร็จเพิ่มเติม (counselor)"


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(StaffRequestsOnly())
    handler.setLevel(logging.DEBUG)
    loggers = [
        logging.getLogger(),
        logging.getLogger("django.request"),
        logging.getLogger("django.server"),
    ]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield stream
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def keep_receipt(page: Page, shots, name: str) -> str:
    receipt = page.locator("p.receipt").inner_text()
    digits = "".join(c for c in receipt if c.isdigit())
    assert len(digits) == 24
    assert digits not in page.url
    assert_fits_width(page)
    shots.take(page, name)
    page.locator("[name=last_group]").fill(digits[-4:])
    submit(page)
    assert page.url.endswith("/sent/")
    return digits


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_reporter_journey(
    new_context, live_server, settings, tmp_path, page_shots, captured_logs, prefix
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    tree = organisation_tree()
    context = new_context(
        java_script_enabled=False,
        viewport=PHONE,
        user_agent=FAKE_UA,
        extra_http_headers={"X-Forwarded-For": FAKE_IP, "X-Real-IP": FAKE_IP},
    )
    page = context.new_page()

    # Find the organisation and file a report with a photo.
    page.goto(f"{prefix}/")
    page.locator("input[name=q]").fill("ท่าทดสอบ")
    submit(page)
    page_shots.take(page, "search")
    with page.expect_navigation():
        page.locator(f"a[href='{prefix}/o/{tree.municipality.code}/']").click()
    assert_fits_width(page)
    page_shots.take(page, "organisation")
    with page.expect_navigation():
        page.locator(f"a[href='{prefix}/o/{tree.municipality.code}/report/']").click()
    assert_fits_width(page)
    page.locator(f"input[name=category][value='{tree.report_category.pk}']").check()
    page.locator("[name=what]").fill(TYPED["what"])
    page.locator("[name=who]").fill(TYPED["who"])
    page.locator("input[name=ongoing][value=yes]").check()
    page.locator("input[name=attachments]").set_input_files(
        [{"name": "IMG_2569.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page_shots.take(page, "report-form")
    submit(page)
    assert page.url.endswith(f"{prefix}/receipt/")
    receipt = keep_receipt(page, page_shots, "receipt")
    page_shots.take(page, "sent")

    # Come back with the receipt.
    with page.expect_navigation():
        page.locator(f"main a[href='{prefix}/return/']").click()
    page.locator("[name=receipt]").fill(" ".join(receipt[i : i + 4] for i in range(0, 24, 4)))
    submit(page)
    assert page.url.endswith(f"{prefix}/case/")
    expect(page.locator("main")).to_contain_text(TYPED["what"])
    expect(page.locator("main")).to_contain_text("IMG_2569.jpg")
    assert_fits_width(page)
    page_shots.take(page, "case")

    # A counselor replies; the reporter reads it and answers.
    case, key = receipt_open(receipt)
    message_add(case=case, key=key, side=AuthorSide.COUNSELOR, body=COUNSELOR_REPLY)
    page.reload()
    expect(page.locator("ol.thread")).to_contain_text(COUNSELOR_REPLY)
    page.locator("[name=body]").fill(TYPED["reply"])
    with page.expect_navigation():
        page.locator("form[action*='/case/reply/'] button[type=submit]").click()
    expect(page.locator("ol.thread")).to_contain_text(TYPED["reply"])
    page_shots.take(page, "replied")

    # They give their name.
    page.locator("[name=identity_name]").fill(TYPED["name"])
    page.locator("[name=consent]").check()
    with page.expect_navigation():
        page.locator("form[action$='/case/identity/'] button[type=submit]").click()
    assert page.locator("form[action$='/case/identity/']").count() == 0
    page_shots.take(page, "identity")

    # They report retaliation and keep the second receipt.
    with page.expect_navigation():
        page.locator(f"a[href='{prefix}/case/retaliation/']").click()
    assert_fits_width(page)
    page.locator("[name=what]").fill(TYPED["retaliation"])
    page_shots.take(page, "retaliation-form")
    submit(page)
    second = keep_receipt(page, page_shots, "retaliation-receipt")
    assert second != receipt

    # Leave.
    page.goto(f"{prefix}/case/")
    with page.expect_navigation():
        page.locator("form[action$='/case/leave/'] button").first.click()
    page_shots.take(page, "left")
    page.goto(f"{prefix}/case/")
    assert page.url.endswith(f"{prefix}/return/")
    assert page.locator("script").count() == 0

    # What the server kept.
    retaliation, _ = receipt_open(second)
    assert retaliation.is_retaliation and retaliation.related_case == case
    assert not Case.objects.get(pk=case.pk).is_anonymous
    [attachment] = Attachment.objects.filter(case=case)
    stored_image = b"".join(attachment_chunks(attachment=attachment, key=key))
    image = Image.open(io.BytesIO(stored_image))
    assert dict(image.getexif()) == {} and b"SENTINEL" not in stored_image

    stored = database_bytes()
    media = b"".join(p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    logged = captured_logs.getvalue().encode()
    # The photo is stored encrypted in the database (cases.storage); the disk holds nothing.
    assert len(stored) > 10_000 and media == b""
    assert AttachmentChunk.objects.filter(attachment=attachment).exists()
    secrets = [FAKE_IP, FAKE_UA, "SentinelBrowser", receipt, second, *TYPED.values()]
    for secret in secrets:
        for place, content in (("database", stored), ("media", media), ("logs", logged)):
            assert secret.encode() not in content, f"{secret!r} in the {place}"
    for part in (receipt[7:23], second[7:23]):
        assert part.encode() not in stored
