"""The staff workspace in a browser: a counselor signs in with a second factor, declares no
conflict, reads a report, replies, moves it to investigation and asks for the reporter's
identity; a custodian approves; a supervisor reassigns the case."""

import pytest
from playwright.sync_api import expect

from audit.models import Action, Event
from cases.models import Case, CaseKeyWrap
from tests.browser.steps import declare_no_conflict, move_on, sign_in, write
from tests.counselors import team as fixtures

pytestmark = pytest.mark.browser

# The staff and the report of tests/counselors, as fixtures here too.
team = fixtures.team
report = fixtures.report

REPLY = "ขอบคุณที่แจ้ง กรุณาส่งสำเนาสัญญาเพิ่มเติม"
REASON = "ต้องนัดสัมภาษณ์ผู้แจ้งเป็นพยาน"


def test_counselor_custodian_and_supervisor_work_a_report(new_context, team, report, page_shots):
    case = report.case
    team.assign(case)

    counselor = sign_in(new_context(), team.counselor)
    counselor.get_by_role("link", name="Cases").first.click()
    expect(counselor.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(counselor.locator("table.cases")).to_contain_text("ฮั้วประมูลถนนสายหลัก")
    page_shots.take(counselor, "inbox")
    counselor.get_by_role("link", name=case.reference).click()

    declare_no_conflict(counselor, unseen="ผู้เสนอราคา")
    expect(counselor.locator("main")).to_contain_text("ผู้เสนอราคาสามรายเป็นญาติกัน")
    page_shots.take(counselor, "case")

    write(counselor, "A question to the reporter", REPLY)
    move_on(counselor, "Acknowledge receipt", "Start the assessment", "Open an investigation")
    expect(counselor.locator("#case-state")).to_have_text("Under investigation")

    counselor.get_by_label("Why do you need to know who the reporter is?").fill(REASON)
    counselor.get_by_role("button", name="Ask to see the identity").click()
    expect(counselor.locator("main")).to_contain_text("Waiting for a custodian")
    page_shots.take(counselor, "identity-asked")

    custodian = sign_in(new_context(), team.custodian)
    custodian.get_by_role("link", name="Identity access requests").click()
    expect(custodian.locator("main")).to_contain_text(REASON)
    expect(custodian.locator("main")).not_to_contain_text("ฮั้ว")
    custodian.get_by_role("button", name="Approve").click()
    expect(custodian.locator("main")).to_contain_text("Approved")
    page_shots.take(custodian, "custodian")

    counselor.reload()
    counselor.get_by_role("link", name="See the reporter's identity").click()
    expect(counselor.locator("main")).to_contain_text("สมศรี ผู้แจ้ง")

    supervisor = sign_in(new_context(), team.supervisor)
    supervisor.goto(f"/en/staff/cases/{case.pk}/")
    expect(supervisor.locator("ol.thread")).to_contain_text(REPLY)
    supervisor.get_by_label("Counselor").select_option(label="Other Counsel")
    supervisor.get_by_role("button", name="Assign the case").click()
    expect(supervisor.locator("#case-assignee")).to_have_text("Other Counsel")
    expect(supervisor.locator("ol.history")).to_contain_text("Case assigned")
    page_shots.take(supervisor, "reassigned")

    counselor.goto(f"/en/staff/cases/{case.pk}/")
    expect(counselor.locator("main")).to_contain_text("You do not hold a key to this case")
    assert not CaseKeyWrap.objects.filter(case=case, user=team.counselor).exists()
    assert Case.objects.get(pk=case.pk).state == "investigating"
    actions = set(
        Event.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        Action.CONFLICT_DECLARED,
        Action.CASE_READ,
        Action.MESSAGE_ADDED,
        Action.CASE_TRANSITION,
        Action.IDENTITY_REQUESTED,
        Action.IDENTITY_APPROVED,
        Action.IDENTITY_READ,
        Action.CASE_ASSIGNED,
    } <= actions
