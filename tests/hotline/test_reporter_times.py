"""What a reporter does leaves times to the hour only, and staff are told of it no sooner than
that hour is over: an exact time, or an e-mail sent the moment they wrote, could be matched
against the organisation's network logs (DESIGN §3)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import models
from django.test import Client

from audit.models import Event
from cases.models import Attachment, Case, CaseKind, Message, Notification, State
from cases.receipts import receipt_open
from cases.services import message_add
from cases.tasks import notifications_flush_task
from cases.workflow import case_transition
from core.models import User
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data

BANGKOK = ZoneInfo("Asia/Bangkok")
FILED = datetime(2026, 12, 1, 9, 17, 23, tzinfo=BANGKOK)
STAFF = datetime(2026, 12, 1, 10, 41, 5, tzinfo=BANGKOK)
WROTE = datetime(2026, 12, 2, 14, 23, 45, tzinfo=BANGKOK)
SAME_HOUR = datetime(2026, 12, 2, 14, 58, 0, tzinfo=BANGKOK)
NEXT_HOUR = datetime(2026, 12, 2, 15, 3, 0, tzinfo=BANGKOK)
ROWS: tuple[type[models.Model], ...] = (Notification, Message, Attachment, Event)


def times(row: models.Model) -> dict[str, datetime]:
    return {
        field.name: getattr(row, field.name)
        for field in row._meta.concrete_fields
        if isinstance(field, models.DateTimeField) and getattr(row, field.name) is not None
    }


def exact(stamps: dict[str, datetime]) -> dict[str, datetime]:
    return {
        name: t for name, t in stamps.items() if t != t.replace(minute=0, second=0, microsecond=0)
    }


def snapshot() -> dict[type[models.Model], set[int]]:
    return {model: set(model.objects.values_list("pk", flat=True)) for model in ROWS}


def new_rows(before: dict[type[models.Model], set[int]]) -> list[models.Model]:
    return [row for model in ROWS for row in model.objects.exclude(pk__in=before[model])]


@pytest.fixture
def staff_mail(tree):
    User.objects.update(email="staff@example.go.th")


def reporter_writes(receipt: str, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(WROTE, tick=False):
        client = Client()
        open_case(client, receipt)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/en/case/reply/", {"body": "ยังมีเรื่องอีก"})
        assert response.status_code == 302


def assert_told_only_after_the_hour(before) -> None:
    assert mail.outbox == [], "an e-mail went out as the reporter wrote"
    with time_machine.travel(SAME_HOUR, tick=False):
        assert notifications_flush_task.delay().get() == 0
    assert mail.outbox == []
    with time_machine.travel(NEXT_HOUR, tick=False):
        assert notifications_flush_task.delay().get() == 1
    assert len(mail.outbox) == 1
    notification = Notification.objects.exclude(pk__in=before[Notification]).get()
    assert notification.sent_at is not None and not exact(times(notification))


def test_writing_on_an_ended_report_leaves_hours_only(
    tree, staff_mail, django_capture_on_commit_callbacks
):
    with time_machine.travel(FILED, tick=False):
        receipt = file_and_keep_receipt(
            Client(), f"/en/o/{tree.municipality.code}/report/", report_data(tree)
        )
    case, key = receipt_open(receipt)
    with time_machine.travel(STAFF, tick=False):
        for name in ("acknowledge", "assess", "reject"):
            case_transition(
                case_id=case.pk,
                name=name,
                actor=tree.supervisor,
                key=key,
                rejection_reason="insufficient",
            )
    mail.outbox.clear()
    before = snapshot()

    reporter_writes(receipt, django_capture_on_commit_callbacks)

    rows = new_rows(before)
    assert {type(row) for row in rows} >= {Notification, Message, Event}
    assert [(type(row).__name__, exact(times(row))) for row in rows if exact(times(row))] == []
    assert Case.objects.get(pk=case.pk).reporter_wrote_after_end
    assert_told_only_after_the_hour(before)


def test_a_follow_up_question_leaves_hours_only(
    tree, staff_mail, django_capture_on_commit_callbacks
):
    with time_machine.travel(FILED, tick=False):
        receipt = file_and_keep_receipt(
            Client(),
            f"/en/o/{tree.municipality.code}/question/",
            {"category": tree.question_category.pk, "question": "รับของขวัญได้ไหม"},
        )
    case, key = receipt_open(receipt)
    assert case.kind == CaseKind.QUESTION
    Case.objects.filter(pk=case.pk).update(assignee=tree.counselor)
    with time_machine.travel(STAFF, tick=False):
        case_transition(case_id=case.pk, name="start", actor=tree.counselor, key=key)
        message_add(case=case, key=key, side="counselor", body="ได้ ไม่เกิน 3,000 บาท")
        case_transition(case_id=case.pk, name="answer", actor=tree.counselor, key=key)
    answered = Case.objects.get(pk=case.pk)
    mail.outbox.clear()
    before = snapshot()

    reporter_writes(receipt, django_capture_on_commit_callbacks)

    followed = Case.objects.get(pk=case.pk)
    assert followed.state == State.IN_PROGRESS
    changed = {k: t for k, t in times(followed).items() if times(answered).get(k) != t}
    assert "reopened_at" in changed and not exact(changed)
    rows = new_rows(before)
    assert {type(row) for row in rows} >= {Notification, Message, Event}
    assert [(type(row).__name__, exact(times(row))) for row in rows if exact(times(row))] == []
    assert_told_only_after_the_hour(before)
