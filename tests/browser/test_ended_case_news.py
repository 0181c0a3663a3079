"""A reporter writes on a closed case through the portal; staff see it.

The report was investigated and closed. Its reporter comes back with the receipt and adds a
message. The counselor's inbox marks the case as new from the reporter; the supervisor opens
it, reads the message, is offered the reopening and reopens it with a reason."""

import pytest
from playwright.sync_api import expect

from audit.models import Action, Event
from cases.models import Case, State
from cases.workflow import case_transition
from counselors.case_services import conflict_declare
from tests.browser.steps import sign_in
from tests.browser.test_reporter_journey import submit
from tests.counselors import team as fixtures

pytestmark = pytest.mark.browser

team = fixtures.team
report = fixtures.report

NEWS = "มีหลักฐานใหม่ ผู้รับเหมารายเดิมได้งานอีกครั้งเดือนนี้"
REASON = "ผู้แจ้งส่งหลักฐานใหม่ ต้องตรวจสอบอีกครั้ง"


def closed(team, report) -> Case:
    case = report.case
    team.assign(case)
    conflict_declare(case=case, user=team.counselor)
    outcome = {"conclude": {"finding": "substantiated"}, "record_action": {"action_type": "none"}}
    for name in ("acknowledge", "assess", "investigate", "conclude", "record_action"):
        fields = outcome.get(name, {})
        case_transition(case_id=case.pk, name=name, actor=team.counselor, key=report.key, **fields)
    case_transition(case_id=case.pk, name="close_report", actor=team.supervisor, key=report.key)
    return Case.objects.get(pk=case.pk)


def test_a_message_on_a_closed_case_reaches_the_counselor_and_the_supervisor(
    new_context, team, report, page_shots
) -> None:
    case = closed(team, report)
    assert case.state == State.CLOSED

    # The counselor has read the case as it was closed: nothing is new.
    counselor = sign_in(new_context(), team.counselor)
    counselor.goto(f"/en/staff/cases/{case.pk}/")
    counselor.goto("/en/staff/cases/")
    row = counselor.locator("table.cases tr", has_text=case.reference)
    expect(row).not_to_contain_text("new from the reporter")

    # The reporter comes back with the receipt and writes.
    reporter = new_context(java_script_enabled=False).new_page()
    reporter.goto("/en/return/")
    reporter.get_by_label("Receipt number").fill(report.receipt.digits)
    submit(reporter)
    assert reporter.url.endswith("/en/case/")
    reporter.locator("[name=body]").fill(NEWS)
    with reporter.expect_navigation():
        reporter.locator("form[action*='/case/reply/'] button[type=submit]").click()
    expect(reporter.locator("ol.thread")).to_contain_text(NEWS)
    page_shots.take(reporter, "reporter-wrote")

    # The counselor's inbox shows the case as new from the reporter.
    counselor.reload()
    expect(row).to_contain_text("new from the reporter")
    page_shots.take(counselor, "inbox-new")

    # The supervisor reads it and is offered the reopening, and reopens the report.
    supervisor = sign_in(new_context(), team.supervisor)
    supervisor.goto("/en/staff/cases/")
    supervisor.locator("table.cases tr", has_text=case.reference).get_by_role(
        "link", name=case.reference
    ).click()
    expect(supervisor.locator("#reporter-wrote")).to_contain_text(
        "The reporter wrote after this case ended"
    )
    expect(supervisor.locator("ol.thread")).to_contain_text(NEWS)
    page_shots.take(supervisor, "reopen-offered")
    supervisor.get_by_role("link", name="Reopen the case if what they wrote").click()
    reopen = supervisor.locator("#step-reopen")
    reopen.get_by_label("Reason").fill(REASON)
    reopen.get_by_role("button", name="Reopen").click()
    expect(supervisor.get_by_role("status")).to_contain_text("The case was moved on")
    expect(supervisor.locator("#case-state")).to_have_text("Under assessment")
    expect(supervisor.locator("main")).not_to_contain_text("The reporter wrote after")

    # The counselor's marker stays until they look; the reopening is in the audit log.
    counselor.reload()
    expect(row).to_contain_text("new from the reporter")
    counselor.goto(f"/en/staff/cases/{case.pk}/")
    counselor.goto("/en/staff/cases/")
    expect(row).not_to_contain_text("new from the reporter")
    last = Event.objects.filter(action=Action.CASE_TRANSITION, object_id=str(case.pk)).last()
    assert last is not None and last.details["transition"] == "reopen"
    assert last.actor_id == team.supervisor.pk
