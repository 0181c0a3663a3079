from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import translation

from audit.models import Action, Event
from cases.deadlines import due_dates, next_deadline
from cases.models import AuthorSide, Case, CaseKind, Channel, Finding, State, SubjectPseudonym
from cases.selectors import case_messages
from cases.services import case_create, message_add
from cases.workflow import StaleCase, TransitionRefused, case_transition, subject_pseudonym
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import CategoryFactory


@pytest.fixture
def world(db):
    organisation, _ = organisation_with_kit()
    supervisor, _ = staff_with_key(Role.SUPERVISOR, organisation)
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
    created = new_report(organisation)
    Case.objects.filter(pk=created.case.pk).update(assignee=counselor)
    return {
        "supervisor": supervisor,
        "counselor": counselor,
        "case": created.case,
        "key": created.key,
        "organisation": organisation,
    }


def step(world, name, actor="counselor", **kwargs):
    who = world[actor] if actor in ("counselor", "supervisor") else actor
    return case_transition(
        case_id=world["case"].pk, name=name, actor=who, key=world["key"], **kwargs
    )


class TestReportWorkflow:
    def test_the_whole_road_to_closed(self, world):
        step(world, "acknowledge")
        step(world, "assess")
        step(world, "investigate")
        step(world, "conclude", finding=Finding.SUBSTANTIATED, subjects=("นายก  สมมติ",))
        step(
            world,
            "record_action",
            action_type="disciplinary",
            penalty="suspension",
            amount_recovered=Decimal("15000.50"),
        )
        case = step(world, "close_report", actor="supervisor")
        assert case.state == State.CLOSED
        assert case.closed_at and case.acknowledged_at and case.concluded_at and case.feedback_at
        assert case.amount_recovered == Decimal("15000.50")
        assert case.version == 6
        assert (
            Event.objects.filter(action=Action.CASE_TRANSITION, object_id=str(case.pk)).count() == 6
        )
        # The reporter was told in plain words, in the language of whoever reads the thread.
        with translation.override("en"):
            english = [
                m.body for m in case_messages(case=case, key=world["key"], include_internal=False)
            ]
        with translation.override("th"):
            thai = [
                m.body for m in case_messages(case=case, key=world["key"], include_internal=False)
            ]
        assert any("acknowledged" in b for b in english)
        assert any("Finding: Substantiated" in b for b in english)
        assert any("ผลการตรวจสอบ: มีมูล" in b for b in thai)

    def test_subjects_are_stored_as_pseudonyms_only(self, world):
        for name in ("acknowledge", "assess", "investigate"):
            step(world, name)
        step(
            world,
            "conclude",
            finding=Finding.PARTLY,
            subjects=("Somchai Jaidee", "somchai  JAIDEE"),
        )
        pseudonyms = list(SubjectPseudonym.objects.values_list("pseudonym", flat=True))
        assert pseudonyms == [subject_pseudonym("Somchai Jaidee")]
        assert "somchai" not in pseudonyms[0].casefold()

    def test_no_conclusion_without_a_finding(self, world):
        for name in ("acknowledge", "assess", "investigate"):
            step(world, name)
        with pytest.raises(TransitionRefused):
            step(world, "conclude")
        assert Case.objects.get(pk=world["case"].pk).state == State.INVESTIGATING

    def test_no_rejection_without_a_reason_and_no_referral_without_a_target(self, world):
        step(world, "acknowledge")
        step(world, "assess")
        with pytest.raises(TransitionRefused):
            step(world, "reject")
        with pytest.raises(TransitionRefused):
            step(world, "refer")
        with pytest.raises(TransitionRefused):
            step(world, "refer", referral_target="mars")
        case = step(world, "refer", referral_target="nacc")
        assert case.state == State.REFERRED

    def test_only_supervisors_close_and_reopen(self, world):
        step(world, "acknowledge")
        step(world, "assess")
        step(world, "reject", rejection_reason="out_of_scope", note="นอกอำนาจหน้าที่")
        with pytest.raises(TransitionRefused):
            step(world, "reopen", note="มีข้อมูลใหม่")
        case = step(world, "reopen", actor="supervisor", note="มีข้อมูลใหม่")
        assert (case.state, case.reopen_count) == (State.ASSESSMENT, 1)

    def test_the_moments_a_case_ends_and_is_reopened_are_kept(self, world):
        step(world, "acknowledge")
        assert step(world, "assess").ended_at is None
        with time_machine.travel("2026-03-02 10:00 +0700", tick=False):
            rejected = step(world, "reject", rejection_reason="out_of_scope", note="นอก")
        assert rejected.ended_at == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
        with time_machine.travel("2026-10-05 09:00 +0700", tick=False):
            reopened = step(world, "reopen", actor="supervisor", note="ใหม่")
        assert reopened.ended_at == rejected.ended_at  # what a past year's end saw
        assert reopened.reopened_at == datetime(2026, 10, 5, 2, 0, tzinfo=UTC)

    def test_an_unassigned_counselor_cannot_act(self, world):
        other, _ = staff_with_key(Role.COUNSELOR, world["organisation"])
        with pytest.raises(TransitionRefused):
            case_transition(
                case_id=world["case"].pk, name="acknowledge", actor=other, key=world["key"]
            )

    def test_staff_of_another_organisation_cannot_act(self, world):
        from tests.factories import OrganisationFactory

        stranger, _ = staff_with_key(Role.SUPERVISOR, OrganisationFactory())
        with pytest.raises(TransitionRefused):
            case_transition(
                case_id=world["case"].pk, name="acknowledge", actor=stranger, key=world["key"]
            )

    def test_question_transitions_do_not_apply_to_reports(self, world):
        with pytest.raises(TransitionRefused):
            step(world, "start")

    def test_a_stale_page_is_refused_and_nothing_is_lost(self, world):
        seen = world["case"].version
        step(world, "acknowledge", version=seen)
        with pytest.raises(StaleCase) as refused:
            step(world, "assess", version=seen)
        with translation.override("en"):
            assert "Someone else changed this case" in str(refused.value)
        case = Case.objects.get(pk=world["case"].pk)
        assert (case.state, case.version) == (State.ACKNOWLEDGED, seen + 1)

    def test_the_state_cannot_be_assigned_directly(self, world):
        with pytest.raises(AttributeError):
            world["case"].state = State.CLOSED

    def test_a_failed_step_writes_nothing(self, world):
        events = Event.objects.count()
        with pytest.raises(TransitionRefused), transaction.atomic():
            step(world, "conclude", finding="substantiated")
        assert Event.objects.count() == events


class TestQuestionWorkflow:
    def test_answer_close_and_follow_up(self, world):
        from cases.models import Channel
        from cases.services import case_create, message_add

        created = case_create(
            kind=CaseKind.QUESTION,
            organisation=world["organisation"],
            category=CategoryFactory(kind=CaseKind.QUESTION),
            channel=Channel.PHONE,
            title="ของขวัญ",
            body={"question": "รับได้ไหม"},
        )
        Case.objects.filter(pk=created.case.pk).update(assignee=world["counselor"])
        q = {"case_id": created.case.pk, "key": created.key}
        case_transition(name="start", actor=world["counselor"], **q)
        with pytest.raises(TransitionRefused):  # no answer was written yet
            case_transition(name="answer", actor=world["counselor"], **q)
        message_add(
            case=Case.objects.get(pk=created.case.pk),
            key=created.key,
            side=AuthorSide.COUNSELOR,
            body="รับได้ไม่เกิน 3,000 บาท",
            author=world["counselor"],
        )
        answered = case_transition(name="answer", actor=world["counselor"], **q)
        assert answered.answered_at and answered.ended_at == answered.answered_at
        closed = case_transition(name="close_question", actor="system", **q)
        assert closed.state == State.CLOSED and closed.ended_at == answered.ended_at
        followed = case_transition(name="follow_up", actor="reporter", **q)
        assert followed.state == State.IN_PROGRESS and followed.ended_at == answered.ended_at
        assert followed.reopened_at >= followed.ended_at
        with pytest.raises(TransitionRefused):
            case_transition(name="follow_up", actor=world["counselor"], **q)


def test_a_follow_up_is_a_new_question_with_a_new_deadline(world):
    with time_machine.travel("2026-03-02 10:00 +0700", tick=False):
        created = case_create(
            kind=CaseKind.QUESTION,
            organisation=world["organisation"],
            category=CategoryFactory(kind=CaseKind.QUESTION),
            channel=Channel.WEB,
            title="ของขวัญ",
            body={"question": "รับได้ไหม"},
        )
        Case.objects.filter(pk=created.case.pk).update(assignee=world["counselor"])
        q = {"case_id": created.case.pk, "key": created.key}
        case_transition(name="start", actor=world["counselor"], **q)
        message_add(
            case=Case.objects.get(pk=created.case.pk),
            key=created.key,
            side=AuthorSide.COUNSELOR,
            body="ได้",
            author=world["counselor"],
        )
        answered = case_transition(name="answer", actor=world["counselor"], **q)
    with time_machine.travel("2026-04-20 10:00 +0700", tick=False):
        followed = case_transition(name="follow_up", actor="reporter", **q)
    expected = due_dates(followed, received=date(2026, 4, 20))["due_answer"]
    assert expected is not None and answered.due_answer is not None
    assert followed.due_answer == expected and expected > answered.due_answer
    assert followed.answered_at is None
    assert next_deadline(followed) == ("due_answer", expected)
    with pytest.raises(TransitionRefused):  # the follow-up needs an answer of its own
        case_transition(name="answer", actor=world["counselor"], **q)
