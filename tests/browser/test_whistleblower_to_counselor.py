"""One report from the public form to the counselor and back, in four browsers at once.

A reporter, on a phone with JavaScript off, files a report through the public form with their
name for the organisation and keeps the receipt. The counselor signs in with a password and a
TOTP code and sees the new case in the inbox, but cannot open it until a supervisor, also in
the browser, assigns it to them. The counselor declares no conflict of interest, reads the
reporter's words, asks the reporter a question, leaves an internal note, moves the case to
investigation and asks to see the reporter's identity; a custodian approves, reading the
reason but never the case, and the counselor sees the name. The supervisor reassigns the case:
the first counselor loses it, the second can read it but not the identity. Last, the reporter
comes back with the receipt and reads the question and where the case stands in plain words,
and none of the staff's internal note, reason or names. The audit log holds each step."""

import pytest
from playwright.sync_api import Page, expect

from audit.models import Action, Event
from cases.models import Case, CaseKeyWrap, State
from tests.browser.steps import declare_no_conflict, move_on, sign_in, write
from tests.browser.test_home import PHONE
from tests.browser.test_reporter_journey import keep_receipt, submit
from tests.counselors import team as fixtures
from tests.factories import CategoryFactory

pytestmark = pytest.mark.browser

team = fixtures.team

# The first line of what happened becomes the case's title.
TITLE = "ปลัดเรียกเงินค่าต่อใบอนุญาตก่อสร้าง"
WHAT = f"{TITLE}\nขอเงินสด 5,000 บาทที่ห้องกองช่าง ไม่มีใบเสร็จ"
WHO = "ปลัดเทศบาลและหัวหน้ากองช่าง"
NAME = "มาลี ผู้แจ้งเหตุ"
PHONE_NUMBER = "0898765432"
QUESTION = "ขอบคุณที่แจ้ง จ่ายเงินวันไหน และมีพยานอยู่ด้วยหรือไม่"
NOTE = "บันทึกภายใน: ตรวจสมุดคำขออนุญาตเดือนนี้"
REASON = "ต้องนัดสัมภาษณ์ผู้แจ้งเป็นพยานเรื่องการจ่ายเงิน"


def open_from_inbox(page: Page, reference: str) -> None:
    page.goto("/en/staff/cases/")
    page.get_by_role("link", name=reference).click()


def test_a_report_from_the_public_form_to_the_counselor_and_back(
    new_context, team, page_shots
) -> None:
    category = CategoryFactory(label_en="Bribery")
    organisation = team.organisation

    # The reporter files through the public form, in a browser of their own, and gives
    # their name and telephone for the organisation's custodians.
    reporter = new_context(java_script_enabled=False, viewport=PHONE).new_page()
    reporter.goto(f"/en/o/{organisation.code}/")
    with reporter.expect_navigation():
        reporter.get_by_role("link", name="Report wrongdoing").click()
    reporter.locator(f"input[name=category][value='{category.pk}']").check()
    reporter.get_by_label("What happened?").fill(WHAT)
    reporter.get_by_label("Who was involved?").fill(WHO)
    reporter.get_by_role("textbox", name="Your name").fill(NAME)
    reporter.get_by_label("Telephone").fill(PHONE_NUMBER)
    page_shots.take(reporter, "report-form")
    submit(reporter)
    receipt = keep_receipt(reporter, page_shots, "receipt")
    case = Case.objects.get(organisation=organisation)
    assert not case.is_anonymous and case.assignee is None
    reference = case.reference

    # The counselor signs in and sees the case, unassigned and closed to them: no link, no title.
    counselor = sign_in(new_context(), team.counselor)
    counselor.get_by_role("link", name="Cases").first.click()
    row = counselor.locator("table.cases tr", has_text=reference)
    expect(row).to_contain_text("Unassigned")
    expect(row.get_by_role("link")).to_have_count(0)
    expect(counselor.locator("main")).not_to_contain_text(TITLE)
    page_shots.take(counselor, "inbox-unassigned")

    # A supervisor, whose key opens every new case of the organisation, assigns it.
    supervisor = sign_in(new_context(), team.supervisor)
    open_from_inbox(supervisor, reference)
    expect(supervisor.locator("main")).to_contain_text(TITLE)
    supervisor.get_by_label("Counselor").select_option(label="Somchai Counsel")
    supervisor.get_by_role("button", name="Assign the case").click()
    expect(supervisor.locator("#case-assignee")).to_have_text("Somchai Counsel")

    # The counselor opens it, declares no conflict first, then reads the reporter's words.
    counselor.reload()
    expect(counselor.locator("table.cases")).to_contain_text(TITLE)
    counselor.get_by_role("link", name=reference).click()
    declare_no_conflict(counselor, unseen=TITLE)
    main = counselor.locator("main")
    expect(main).to_contain_text("ขอเงินสด 5,000 บาทที่ห้องกองช่าง")
    expect(main).to_contain_text(WHO)
    expect(main).to_contain_text("Disclosed their identity to the custodians")
    expect(main).not_to_contain_text(NAME)
    expect(main).not_to_contain_text(PHONE_NUMBER)
    page_shots.take(counselor, "case-read")

    # A question to the reporter, a note for staff only, and the case moves to investigation.
    write(counselor, "A question to the reporter", QUESTION)
    write(counselor, "An internal note", NOTE)
    move_on(counselor, "Acknowledge receipt", "Start the assessment", "Open an investigation")
    expect(counselor.locator("#case-state")).to_have_text("Under investigation")

    counselor.get_by_label("Why do you need to know who the reporter is?").fill(REASON)
    counselor.get_by_role("button", name="Ask to see the identity").click()
    expect(main).to_contain_text("Waiting for a custodian")
    page_shots.take(counselor, "identity-asked")

    # The custodian reads the reason and approves, and never sees the case itself.
    custodian = sign_in(new_context(), team.custodian)
    custodian.get_by_role("link", name="Identity access requests").click()
    request = custodian.locator("main section", has_text=reference)
    expect(request).to_contain_text(REASON)
    expect(request).to_contain_text("Somchai Counsel")
    for unseen in (TITLE, WHO, QUESTION, NOTE, NAME):
        expect(custodian.locator("main")).not_to_contain_text(unseen)
    request.get_by_role("button", name="Approve").click()
    expect(custodian.locator("main section", has_text=reference)).to_contain_text("Approved")
    page_shots.take(custodian, "custodian-approved")
    response = custodian.goto(f"/en/staff/cases/{case.pk}/")
    # Case pages are not a custodian's: 403 (cases/policy.py), and nothing of the case.
    assert response is not None and response.status == 403
    expect(custodian.locator("main")).not_to_contain_text(TITLE)

    # The counselor now sees who the reporter is.
    counselor.reload()
    counselor.get_by_role("link", name="See the reporter's identity").click()
    expect(counselor.locator("main")).to_contain_text(NAME)
    expect(counselor.locator("main")).to_contain_text(PHONE_NUMBER)
    identity_url = counselor.url

    # The supervisor reassigns the case; the first counselor loses the case and the identity.
    supervisor.reload()
    expect(supervisor.locator("ol.thread")).to_contain_text(NOTE)
    supervisor.get_by_label("Counselor").select_option(label="Other Counsel")
    supervisor.get_by_role("button", name="Assign the case").click()
    expect(supervisor.locator("#case-assignee")).to_have_text("Other Counsel")
    page_shots.take(supervisor, "reassigned")

    for url in (f"/en/staff/cases/{case.pk}/", identity_url):
        counselor.goto(url)
        expect(counselor.locator("main")).to_contain_text("You do not hold a key to this case")
        expect(counselor.locator("main")).not_to_contain_text(NAME)
    counselor.goto("/en/staff/cases/")
    expect(counselor.locator("main")).not_to_contain_text(reference)

    # The new counselor reads the case and its thread; the identity needs a request of their own.
    other = sign_in(new_context(), team.other_counselor)
    open_from_inbox(other, reference)
    declare_no_conflict(other, unseen=TITLE)
    expect(other.locator("ol.thread")).to_contain_text(QUESTION)
    expect(other.locator("#case-state")).to_have_text("Under investigation")
    expect(other.get_by_role("button", name="Ask to see the identity")).to_be_visible()
    expect(other.locator("main")).not_to_contain_text(NAME)
    page_shots.take(other, "new-counselor")

    # The reporter comes back with the receipt, in their own browser, and reads the question.
    with reporter.expect_navigation():
        reporter.locator("main a[href='/en/return/']").click()
    reporter.get_by_label("Receipt number").fill(receipt)
    submit(reporter)
    assert reporter.url.endswith("/en/case/")
    expect(reporter.locator("ol.thread")).to_contain_text(QUESTION)
    expect(reporter.locator("ol.thread")).to_contain_text("Ethics counselor")
    expect(reporter.locator("main")).to_contain_text("It is being investigated.")
    expect(reporter.locator("main")).to_contain_text("You have given your name")
    for unseen in (NOTE, REASON, "Somchai", "Other Counsel", "internal"):
        expect(reporter.locator("main")).not_to_contain_text(unseen)
    assert reporter.locator("script").count() == 0
    page_shots.take(reporter, "reporter-reads-reply")

    # What the server kept, and what the audit log says happened.
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.INVESTIGATING and case.assignee == team.other_counselor
    holders = set(CaseKeyWrap.objects.filter(case=case).values_list("user", flat=True))
    assert team.other_counselor.pk in holders and team.counselor.pk not in holders
    # The audit trail of the case, in order (the reporter files without an account); every
    # reading of the case is recorded too.
    events = Event.objects.filter(
        object_type=Case._meta.label_lower, object_id=str(case.pk)
    ).order_by("seq")
    who = {
        None: "reporter",
        team.supervisor.pk: "supervisor",
        team.counselor.pk: "counselor",
        team.other_counselor.pk: "other counselor",
        team.custodian.pk: "custodian",
    }
    assert [(who[e.actor_id], e.action) for e in events.exclude(action=Action.CASE_READ)] == [
        ("reporter", Action.CASE_CREATED),
        ("supervisor", Action.CASE_ASSIGNED),
        ("counselor", Action.CONFLICT_DECLARED),
        ("counselor", Action.MESSAGE_ADDED),
        ("counselor", Action.MESSAGE_ADDED),
        *[("counselor", Action.CASE_TRANSITION)] * 3,
        ("counselor", Action.IDENTITY_REQUESTED),
        ("custodian", Action.IDENTITY_APPROVED),
        ("counselor", Action.IDENTITY_READ),
        ("supervisor", Action.CASE_ASSIGNED),
        ("other counselor", Action.CONFLICT_DECLARED),
    ]
    readers = events.filter(action=Action.CASE_READ).values_list("actor", flat=True)
    assert {who[pk] for pk in readers} == {"supervisor", "counselor", "other counselor"}
    assigned = [e.details["assignee"] for e in events.filter(action=Action.CASE_ASSIGNED)]
    assert assigned == [team.counselor.pk, team.other_counselor.pk]
