"""Every ended case is purged after the retention period, announced 30 days ahead, unless a
supervisor holds it for a court or an inquiry."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from audit.models import Action, Event
from cases.deadlines import Policies
from cases.models import (
    AuthorSide,
    Case,
    DeadlinePolicy,
    Message,
    Notification,
    Reminder,
    State,
    Visibility,
)
from cases.retention import (
    HoldRefused,
    case_purge,
    legal_hold_lift,
    legal_hold_place,
    purge_due,
    retention_purge,
)
from cases.selectors import case_messages
from cases.services import message_add
from cases.workflow import case_transition
from core.models import Role, User
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import OrganisationFactory

BANGKOK = ZoneInfo("Asia/Bangkok")
ENDED = datetime(2026, 3, 2, 10, 0, tzinfo=BANGKOK)
# Five calendar years on, a leap day (2028) between: not 365 * 5 days, which is 1 March.
DUE = datetime(2031, 3, 2, 10, 0, tzinfo=BANGKOK)
DAY = timedelta(days=1)


@pytest.fixture
def world(db):
    organisation, _ = organisation_with_kit()
    supervisor, _ = staff_with_key(Role.SUPERVISOR, organisation, email="boss@example.go.th")
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
    return {"organisation": organisation, "supervisor": supervisor, "counselor": counselor}


def ended_report(world, name, **outcome):
    """A report taken to assessment and ended there (rejected or referred) at ENDED."""
    created = new_report(world["organisation"])
    Case.objects.filter(pk=created.case.pk).update(assignee=world["counselor"])
    with time_machine.travel(ENDED, tick=False):
        for step in ("acknowledge", "assess", name):
            case_transition(
                case_id=created.case.pk,
                name=step,
                actor=world["counselor"],
                key=created.key,
                **(outcome if step == name else {}),
            )
    return created


def run_at(when):
    with time_machine.travel(when, tick=False):
        return retention_purge()


@pytest.mark.parametrize(
    ("name", "outcome", "state"),
    [
        ("reject", {"rejection_reason": "out_of_scope"}, State.REJECTED),
        ("refer", {"referral_target": "nacc"}, State.REFERRED),
    ],
)
def test_rejected_and_referred_reports_are_purged_after_the_retention_period(
    world, name, outcome, state
):
    created = ended_report(world, name, **outcome)
    assert run_at(DUE - 31 * DAY) == 0  # not even announced yet
    assert run_at(DUE - 30 * DAY) == 0  # announced
    assert run_at(DUE - DAY) == 0
    assert run_at(DUE + DAY) == 1
    case = Case.objects.get(pk=created.case.pk)
    assert case.purged_at and case.state == state
    assert bytes(case.title_ct) == b"" and not Message.objects.filter(case=case).exists()
    assert Event.objects.filter(action=Action.CASE_PURGED, object_id=str(case.pk)).count() == 1


def test_supervisors_are_told_once_thirty_days_before_without_content(
    world, django_capture_on_commit_callbacks
):
    created = ended_report(world, "reject", rejection_reason="insufficient")
    with django_capture_on_commit_callbacks(execute=True):
        run_at(DUE - 30 * DAY)
        run_at(DUE - 20 * DAY)
    notices = Notification.objects.filter(case=created.case)
    # The counselor had no deadline reminders: the two transitions met them.
    assert [n.recipient for n in notices] == [world["supervisor"]]
    assert [m.to for m in mail.outbox] == [["boss@example.go.th"]]
    assert "ฮั้ว" not in mail.outbox[0].body + mail.outbox[0].subject
    notice = Reminder.objects.get(case=created.case, kind=Reminder.Kind.PURGE)
    assert notice.due == (DUE).date()
    events = Event.objects.filter(action=Action.REMINDER_SENT, object_id=str(created.case.pk))
    assert [e.details["deadline"] for e in events] == ["purge"]


def test_no_case_is_purged_less_than_thirty_days_after_its_notice(world):
    created = ended_report(world, "refer", referral_target="pacc")
    late = DUE + 100 * DAY  # the scan did not run for months
    assert run_at(late) == 0
    assert Case.objects.get(pk=created.case.pk).purged_at is None
    assert run_at(late + 29 * DAY) == 0
    assert run_at(late + 30 * DAY) == 1


def test_a_legal_hold_stops_the_purge_until_it_is_lifted(world):
    created = ended_report(world, "reject", rejection_reason="duplicate")
    supervisor = world["supervisor"]
    run_at(DUE - 30 * DAY)  # announced before the hold
    with time_machine.travel(DUE - 10 * DAY, tick=False):
        held = legal_hold_place(
            case_id=created.case.pk, supervisor=supervisor, key=created.key, reason="คดีในศาล"
        )
    assert held.legal_hold_at is not None
    assert run_at(DUE + 400 * DAY) == 0
    assert Case.objects.get(pk=created.case.pk).purged_at is None

    lifted_at = DUE + 500 * DAY
    with time_machine.travel(lifted_at, tick=False):
        legal_hold_lift(
            case_id=created.case.pk, supervisor=supervisor, key=created.key, reason="คดีจบแล้ว"
        )
    # Announced afresh when the hold is lifted: a month's notice again.
    assert run_at(lifted_at + DAY) == 0
    assert run_at(lifted_at + 30 * DAY) == 0
    assert run_at(lifted_at + 31 * DAY) == 1

    actions = Event.objects.filter(object_id=str(created.case.pk), actor=supervisor)
    assert [e.action for e in actions.order_by("seq")] == [
        Action.LEGAL_HOLD_PLACED,
        Action.LEGAL_HOLD_LIFTED,
    ]


def test_the_reasons_for_a_hold_are_internal_notes(world):
    created = ended_report(world, "reject", rejection_reason="duplicate")
    legal_hold_place(
        case_id=created.case.pk, supervisor=world["supervisor"], key=created.key, reason="คดีในศาล"
    )
    case = Case.objects.get(pk=created.case.pk)
    notes = [
        m.body
        for m in case_messages(case=case, key=created.key, include_internal=True)
        if m.message.visibility == Visibility.INTERNAL
    ]
    assert "คดีในศาล" in notes
    shared = case_messages(case=case, key=created.key, include_internal=False)
    assert all("คดีในศาล" not in m.body for m in shared)
    event = Event.objects.get(action=Action.LEGAL_HOLD_PLACED)
    assert "คดี" not in str(event.details)


def test_only_a_supervisor_holds_and_only_with_a_reason(world):
    created = ended_report(world, "reject", rejection_reason="duplicate")
    q = {"case_id": created.case.pk, "key": created.key}
    with pytest.raises(HoldRefused):
        legal_hold_place(supervisor=world["counselor"], reason="เหตุผล", **q)
    with pytest.raises(HoldRefused):
        legal_hold_place(supervisor=world["supervisor"], reason="   ", **q)
    with pytest.raises(HoldRefused):
        legal_hold_lift(supervisor=world["supervisor"], reason="ไม่ได้ระงับ", **q)
    legal_hold_place(supervisor=world["supervisor"], reason="เหตุผล", **q)
    with pytest.raises(HoldRefused):
        legal_hold_place(supervisor=world["supervisor"], reason="ซ้ำ", **q)
    assert Event.objects.filter(action=Action.LEGAL_HOLD_PLACED).count() == 1


def test_an_open_case_is_never_purged(world):
    created = new_report(world["organisation"])
    assert run_at(datetime.now(tz=BANGKOK) + 5_000 * DAY) == 0
    assert Case.objects.get(pk=created.case.pk).purged_at is None


def test_the_period_is_calendar_years_from_the_end(world):
    created = ended_report(world, "reject", rejection_reason="duplicate")
    assert run_at(DUE - 31 * DAY) == 0
    assert not Reminder.objects.filter(case=created.case).exists()  # 1 Feb: not yet a month
    assert run_at(DUE - 30 * DAY) == 0
    notice = Reminder.objects.get(case=created.case, kind=Reminder.Kind.PURGE)
    assert notice.due == DUE.date()
    assert run_at(DUE - timedelta(minutes=1)) == 0  # 365 * 5 days are over, five years not
    assert run_at(DUE) == 1


def test_a_case_ended_on_a_leap_day_goes_on_the_28th_of_february(world):
    created = ended_report(world, "reject", rejection_reason="duplicate")
    leap_day = datetime(2028, 2, 29, 15, 30, tzinfo=BANGKOK)
    Case.objects.filter(pk=created.case.pk).update(ended_at=leap_day)
    case = Case.objects.get(pk=created.case.pk)
    policy = DeadlinePolicy(organisation=world["organisation"], retention_years=1)
    assert purge_due(case, policy) == datetime(2029, 2, 28, 15, 30, tzinfo=BANGKOK)


def test_an_organisation_keeps_ended_cases_as_long_as_its_policy_says(world):
    DeadlinePolicy.objects.create(organisation=world["organisation"], retention_years=2)
    created = ended_report(world, "reject", rejection_reason="duplicate")
    due = datetime(2028, 3, 2, 10, 0, tzinfo=BANGKOK)
    assert run_at(due - 30 * DAY) == 0
    assert run_at(due - DAY) == 0
    assert run_at(due) == 1
    assert Case.objects.get(pk=created.case.pk).purged_at is not None


def test_a_policy_keeps_ended_cases_at_least_a_year(world):
    policy = DeadlinePolicy(organisation=world["organisation"], retention_years=0)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert "retention_years" in refused.value.message_dict


def test_a_case_the_reporter_wrote_on_after_its_end_waits_for_the_supervisors(world):
    created = ended_report(world, "reject", rejection_reason="insufficient")
    ended = Case.objects.get(pk=created.case.pk)
    message_add(case=ended, key=created.key, side=AuthorSide.REPORTER, body="มีหลักฐานใหม่")
    assert Case.objects.get(pk=created.case.pk).reporter_wrote_after_end
    assert run_at(DUE - 30 * DAY) == 0
    assert run_at(DUE + 400 * DAY) == 0
    case = Case.objects.get(pk=created.case.pk)
    assert case.purged_at is None and bytes(case.title_ct) != b""
    assert not Reminder.objects.filter(case=case, kind=Reminder.Kind.PURGE).exists()
    assert case_purge(case_id=case.pk) is False  # not by a direct call either


def test_the_reporter_writing_after_the_notice_stops_the_purge_too(world):
    created = ended_report(world, "reject", rejection_reason="insufficient")
    assert run_at(DUE - 30 * DAY) == 0  # announced
    ended = Case.objects.get(pk=created.case.pk)
    message_add(case=ended, key=created.key, side=AuthorSide.REPORTER, body="ใหม่")
    assert run_at(DUE + DAY) == 0
    assert Case.objects.get(pk=created.case.pk).purged_at is None


def test_a_notice_no_supervisor_received_does_not_count(world):
    created = ended_report(world, "reject", rejection_reason="insufficient")
    User.objects.filter(pk=world["supervisor"].pk).update(is_active=False)
    assert run_at(DUE - 30 * DAY) == 0
    assert run_at(DUE + DAY) == 0  # no one could have held it: not announced, not purged
    assert not Reminder.objects.filter(case=created.case, kind=Reminder.Kind.PURGE).exists()
    assert Case.objects.get(pk=created.case.pk).purged_at is None

    User.objects.filter(pk=world["supervisor"].pk).update(is_active=True)
    told = DUE + 10 * DAY
    assert run_at(told) == 0  # told now, and the month runs from now
    assert Notification.objects.filter(case=created.case, recipient=world["supervisor"]).exists()
    assert run_at(told + 29 * DAY) == 0
    assert run_at(told + 30 * DAY) == 1


def test_one_read_of_the_policies_serves_a_whole_scan(world, django_assert_num_queries):
    DeadlinePolicy.objects.create(organisation=world["organisation"], retention_years=2)
    without = OrganisationFactory()
    policies = Policies()  # what the retention and deadline scans both use
    with django_assert_num_queries(0):
        assert policies.of(world["organisation"]).retention_years == 2
        assert policies.of(without).retention_years == 5
