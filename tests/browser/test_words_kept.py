"""On a 360px phone with JavaScript off, a reporter's words survive a refusal and the idle
timeout: the refused report comes back whole and names the file to choose again, and a reply
typed past the idle limit is offered again after the receipt."""

import pytest
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Locator, Page, expect

from cases.models import AuthorSide, Case, Message
from tests.browser.test_home import PHONE, assert_fits_width
from tests.factories import OrganisationFactory
from tests.hotline.intake import file_and_keep_receipt, organisation_tree, report_data

pytestmark = pytest.mark.browser

WHAT = "WHAT-ปลัดเรียกเงินจากผู้รับเหมา-ทุกเดือน"
WHO = "WHO-ปลัดอำเภอ"
NAME = "NAME-สมชาย"
REPLY = "REPLY-พิมพ์นานมาก-ส่งเอกสารเพิ่มเติม"


def submit(page: Page, form: Locator) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def assert_tap_targets_and_labels_beside(page: Page) -> None:
    """Every radio button and checkbox is a target of at least 24 by 24 px, and its label
    starts beside it on the same line, not below it."""
    boxes = page.locator("main input[type=radio], main input[type=checkbox]")
    assert boxes.count() > 0
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if not box.is_visible():
            continue
        rect = box.bounding_box()
        assert rect and rect["width"] >= 24 and rect["height"] >= 24, rect
        label = page.locator(f"label[for='{box.get_attribute('id')}']")
        text = label.bounding_box()
        assert text is not None
        # The label (which may hold the box) reaches right of the box and starts on its line.
        assert text["x"] + text["width"] > rect["x"] + rect["width"]
        assert text["y"] < rect["y"] + rect["height"], f"label below its box: {label.inner_text()}"


def test_a_refused_report_comes_back_whole(
    new_context, live_server, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    tree = organisation_tree()
    bare = OrganisationFactory(parent=tree.district, name_en="Unready Town", code="U900102")
    context = new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()

    # The ready organisation's form: tap targets and the sentence on where a report goes.
    page.goto(f"/en/o/{tree.municipality.code}/report/")
    expect(page.locator("#receiving")).to_contain_text("can receive questions and reports")
    expect(page.locator("#powerful-route")).to_contain_text("your report goes to Mueang Test")
    assert_tap_targets_and_labels_beside(page)
    assert_fits_width(page)
    screenshot(page, "report-form-phone")

    # The unready one says so before anything is typed.
    page.goto(f"/en/o/{bare.code}/report/")
    notice = page.locator("#receiving")
    expect(notice).to_contain_text("Unready Town cannot receive questions and reports yet")
    form = page.locator("main form[method=post]")
    assert notice.bounding_box()["y"] < form.bounding_box()["y"]
    screenshot(page, "report-form-unready")

    page.locator(f"input[name=category][value='{tree.report_category.pk}']").check()
    page.locator("[name=what]").fill(WHAT)
    page.locator("[name=who]").fill(WHO)
    page.locator("input[name=ongoing][value=yes]").check()
    page.locator("[name=identity_name]").fill(NAME)
    page.locator("input[name=attachments]").set_input_files(
        [{"name": "minutes-of-meeting.txt", "mimeType": "text/plain", "buffer": b"minutes"}]
    )
    submit(page, form)

    assert page.url.endswith(f"/en/o/{bare.code}/report/")
    expect(page.locator("#form-errors")).to_contain_text(
        "Unready Town has not finished setting up its ethics hotline"
    )
    expect(page.locator("[name=what]")).to_have_value(WHAT)
    expect(page.locator("[name=who]")).to_have_value(WHO)
    expect(page.locator("[name=identity_name]")).to_have_value(NAME)
    expect(page.locator("input[name=ongoing][value=yes]")).to_be_checked()
    expect(page.locator(f"input[name=category][value='{tree.report_category.pk}']")).to_be_checked()
    expect(page.locator("#files-dropped")).to_contain_text("minutes-of-meeting.txt")
    assert_fits_width(page)
    screenshot(page, "report-refused")
    assert not Case.objects.exists()


def test_a_reply_survives_the_idle_timeout(new_context, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    tree = organisation_tree()
    receipt = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    context = new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()

    page.goto("/en/return/")
    page.locator("[name=receipt]").fill(receipt)
    submit(page, page.locator("main form[method=post]"))
    assert page.url.endswith("/en/case/")
    expect(page.locator("#idle-limit")).to_contain_text("After 15 minutes without activity")

    page.locator("[name=body]").fill(REPLY)
    settings.HOTLINE_PORTAL_IDLE_SECONDS = 0  # the reporter typed for longer than the limit
    submit(page, page.locator("form[action*='/case/reply/']"))

    expect(page.locator("#reply-kept")).to_contain_text("Your message was not sent yet")
    assert not Message.objects.filter(author_side=AuthorSide.REPORTER).exists()
    settings.HOTLINE_PORTAL_IDLE_SECONDS = 15 * 60
    page.locator("[name=receipt]").fill(receipt)
    submit(page, page.locator("main form[method=post]"))

    assert page.url.endswith("/en/case/#reply")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(page.locator("[name=body]")).to_have_value(REPLY)
    assert_fits_width(page)
    submit(page, page.locator("form[action*='/case/reply/']"))
    expect(page.locator("ol.thread")).to_contain_text(REPLY)
