"""A question is answered on time or not by its first answer: a reporter's follow-up gives
it a new deadline, but a quick second answer does not make a late first one timely."""

from datetime import datetime

import pytest
import time_machine

from cases.models import AuthorSide, Case, CaseKind, Channel, State
from cases.services import NewCase, case_create, message_add
from cases.workflow import case_transition
from core.lib.fiscal import FiscalYear
from core.models import Role, User
from indicators.engine import Scope
from indicators.figures import indicators_report
from tests.audit.indicator_fixtures import at, org
from tests.cases.factories import staff_with_key
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def asked(counselor: User, when: datetime) -> NewCase:
    with time_machine.travel(when, tick=False):
        new = case_create(
            kind=CaseKind.QUESTION,
            organisation=counselor.organisation,
            category=CategoryFactory(kind=CaseKind.QUESTION),
            channel=Channel.WEB,
            title="ของขวัญ",
            body={"question": "รับได้ไหม"},
        )
    Case.objects.filter(pk=new.case.pk).update(assignee=counselor)
    return new


def answered(new: NewCase, counselor: User, when: datetime) -> Case:
    with time_machine.travel(when, tick=False):
        if Case.objects.get(pk=new.case.pk).state != State.IN_PROGRESS:
            case_transition(case_id=new.case.pk, name="start", actor=counselor, key=new.key)
        message_add(
            case=Case.objects.get(pk=new.case.pk),
            key=new.key,
            side=AuthorSide.COUNSELOR,
            body="ได้ ไม่เกิน 3,000 บาท",
            author=counselor,
        )
        return case_transition(case_id=new.case.pk, name="answer", actor=counselor, key=new.key)


def followed_up(new: NewCase, when: datetime) -> Case:
    with time_machine.travel(when, tick=False):
        return case_transition(case_id=new.case.pk, name="follow_up", actor="reporter", key=new.key)


def on_time_rate(organisation) -> float | None:
    scope = Scope(organisation=organisation, fiscal_year=FiscalYear(2569), now=at(2026, 10, 15))
    report, _ = indicators_report(scope)
    return report["questions_answered_on_time_rate"].value


def test_a_quick_answer_to_a_follow_up_does_not_make_a_late_first_answer_timely(settings):
    settings.HOTLINE_SUPPRESSION_THRESHOLD = 1
    organisation = org()
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)

    late = asked(counselor, at(2026, 3, 2, 9))  # due 9 March: five working days
    first = answered(late, counselor, at(2026, 4, 20, 10))
    assert first.due_answer is not None and first.due_answer < at(2026, 4, 20).date()
    followed = followed_up(late, at(2026, 4, 21, 9))
    assert followed.due_answer is not None and followed.due_answer > first.due_answer
    second = answered(late, counselor, at(2026, 4, 21, 11))  # well within the new deadline
    assert second.answered_at is not None

    timely = asked(counselor, at(2026, 3, 3, 9))
    answered(timely, counselor, at(2026, 3, 4, 10))

    assert on_time_rate(organisation) == 1 / 2


def test_a_timely_first_answer_stays_timely_whatever_follows(settings):
    settings.HOTLINE_SUPPRESSION_THRESHOLD = 1
    organisation = org()
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
    timely = asked(counselor, at(2026, 3, 3, 9))
    answered(timely, counselor, at(2026, 3, 4, 10))
    followed_up(timely, at(2026, 3, 5, 9))  # not answered again, long past the new date
    again = asked(counselor, at(2026, 3, 3, 9))
    answered(again, counselor, at(2026, 3, 4, 10))
    followed_up(again, at(2026, 3, 5, 9))
    answered(again, counselor, at(2026, 5, 5, 10))  # a late second answer
    assert on_time_rate(organisation) == 1.0


def test_a_question_never_followed_up_counts_as_before(settings):
    settings.HOTLINE_SUPPRESSION_THRESHOLD = 1
    organisation = org()
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
    answered(asked(counselor, at(2026, 3, 2, 9)), counselor, at(2026, 3, 3, 10))  # on time
    answered(asked(counselor, at(2026, 3, 2, 9)), counselor, at(2026, 4, 3, 10))  # late
    asked(counselor, at(2026, 3, 2, 9))  # never answered, long past its date
    asked(counselor, at(2026, 10, 14, 9))  # not yet due at the end of the year
    assert on_time_rate(organisation) == 1 / 3
