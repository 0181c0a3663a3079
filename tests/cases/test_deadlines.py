from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.deadlines import next_deadline
from cases.models import CaseKind, Channel, DayUnit, DeadlinePolicy
from cases.services import case_create
from core.lib.days import add_days, is_working_day
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import CategoryFactory

BANGKOK = ZoneInfo("Asia/Bangkok")


class TestDays:
    def test_working_days_skip_weekends_and_thai_holidays(self):
        # Thu 3 Dec 2026: Mon 7 Dec (Father's Day, in lieu) and Thu 10 Dec (Constitution Day) off.
        assert not is_working_day(date(2026, 12, 7))
        assert not is_working_day(date(2026, 12, 10))
        assert add_days(date(2026, 12, 3), 5, "working") == date(2026, 12, 14)

    def test_working_days_cross_the_new_year(self):
        # 31 Dec and 1 Jan are holidays, 2 and 3 Jan a weekend.
        assert add_days(date(2026, 12, 30), 1, "working") == date(2027, 1, 4)

    def test_calendar_days_count_every_day(self):
        assert add_days(date(2026, 9, 25), 7, "calendar") == date(2026, 10, 2)

    def test_an_unknown_unit_is_refused(self):
        with pytest.raises(ValueError):
            add_days(date(2026, 1, 1), 1, "lunar")


class TestDueDates:
    def test_a_report_across_the_fiscal_year_boundary(self, db):
        organisation, _ = organisation_with_kit()
        # Received late on 28 September in Bangkok (still the 28th in UTC too).
        with time_machine.travel(datetime(2026, 9, 28, 22, 0, tzinfo=BANGKOK), tick=False):
            case = new_report(organisation).case
        assert case.due_acknowledge == date(2026, 10, 5)
        assert case.due_feedback == date(2026, 12, 27)
        assert next_deadline(case) == ("due_acknowledge", date(2026, 10, 5))

    def test_received_after_midnight_in_bangkok_counts_from_the_bangkok_date(self, db):
        organisation, _ = organisation_with_kit()
        # 30 Sep 17:30 UTC is already 1 October (fiscal year 2570) in Bangkok.
        with time_machine.travel(datetime(2026, 9, 30, 17, 30, tzinfo=ZoneInfo("UTC")), tick=False):
            case = new_report(organisation).case
        assert case.due_acknowledge == date(2026, 10, 8)

    def test_a_question_is_due_in_five_thai_working_days(self, db):
        organisation, _ = organisation_with_kit()
        with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK), tick=False):
            created = case_create(
                kind=CaseKind.QUESTION,
                organisation=organisation,
                category=CategoryFactory(kind=CaseKind.QUESTION),
                channel=Channel.WEB,
                title="t",
                body={},
            )
        assert created.case.due_answer == date(2026, 12, 14)
        assert created.case.due_acknowledge is None

    def test_an_organisation_sets_its_own_deadlines(self, db):
        organisation, _ = organisation_with_kit()
        staff_with_key(Role.SUPERVISOR, organisation)
        DeadlinePolicy.objects.create(
            organisation=organisation,
            acknowledge_days=3,
            acknowledge_unit=DayUnit.WORKING,
            feedback_days=30,
        )
        with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK), tick=False):
            case = new_report(organisation).case
        assert case.due_acknowledge == date(2026, 12, 9)
        assert case.due_feedback == date(2027, 1, 2)
