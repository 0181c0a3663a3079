import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from audit.models import Action, Event
from cases.housekeeping import deadlines_scan, questions_autoclose
from cases.models import (
    Attachment,
    AttachmentChunk,
    AuthorSide,
    Case,
    CaseKeyWrap,
    CaseKind,
    Channel,
    Finding,
    Identity,
    Message,
    Notification,
    State,
    SubjectPseudonym,
)
from cases.receipts import receipt_open
from cases.retention import case_purge, retention_purge
from cases.selectors import attachment_chunks
from cases.services import attachment_add, case_create, message_add
from cases.tasks import deadlines_scan_task
from cases.workflow import TransitionRefused, case_transition
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import CategoryFactory

BANGKOK = ZoneInfo("Asia/Bangkok")
RECEIVED = datetime(2026, 12, 1, 9, 0, tzinfo=BANGKOK)  # acknowledge by 8 December


@pytest.fixture(autouse=True)
def commits(django_capture_on_commit_callbacks):
    """Run on-commit hooks (notification dispatch) as a real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def report(db):
    organisation, _ = organisation_with_kit()
    staff_with_key(Role.SUPERVISOR, organisation, email="boss@example.go.th")
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation, email="c@example.go.th")
    with time_machine.travel(RECEIVED, tick=False):
        created = new_report(organisation)
    Case.objects.filter(pk=created.case.pk).update(assignee=counselor)
    return created


class TestDeadlinesScan:
    def test_it_reminds_the_assignee_once(self, report, commits):
        with time_machine.travel(RECEIVED + timedelta(days=6), tick=False):
            assert commits(lambda: deadlines_scan_task.delay().get()) == 1
            assert commits(deadlines_scan) == 0  # a second run sends nothing twice
        assert [m.to for m in mail.outbox] == [["c@example.go.th"]]
        assert Event.objects.filter(action=Action.REMINDER_SENT).count() == 1

    def test_it_escalates_to_supervisors_when_the_deadline_passed(self, report, commits):
        with time_machine.travel(RECEIVED + timedelta(days=7), tick=False):  # due today
            commits(deadlines_scan)
        mail.outbox.clear()
        with time_machine.travel(RECEIVED + timedelta(days=8), tick=False):  # a day late
            assert commits(deadlines_scan) == 1
            assert commits(deadlines_scan) == 0
        assert [m.to for m in mail.outbox] == [["boss@example.go.th"]]

    def test_nothing_is_sent_early_or_after_acknowledgement(self, report):
        with time_machine.travel(RECEIVED + timedelta(days=2), tick=False):
            assert deadlines_scan() == 0
        case_transition(
            case_id=report.case.pk,
            name="acknowledge",
            actor=Case.objects.get(pk=report.case.pk).assignee,
            key=report.key,
        )
        with time_machine.travel(RECEIVED + timedelta(days=10), tick=False):
            assert deadlines_scan() == 0  # next is feedback, due in March

    def test_notifications_carry_no_content(self, report, commits):
        with time_machine.travel(RECEIVED + timedelta(days=6), tick=False):
            commits(deadlines_scan)
        message = mail.outbox[0]
        assert "ฮั้วประมูล" not in message.body + message.subject
        assert "/staff/" in message.body


def _closed_report(report, when):
    counselor = Case.objects.get(pk=report.case.pk).assignee
    supervisor = counselor.organisation.staff.get(role=Role.SUPERVISOR)
    with time_machine.travel(when, tick=False):
        for name in ("acknowledge", "assess", "investigate"):
            case_transition(case_id=report.case.pk, name=name, actor=counselor, key=report.key)
        case_transition(
            case_id=report.case.pk,
            name="conclude",
            actor=counselor,
            key=report.key,
            finding=Finding.SUBSTANTIATED,
            subjects=("someone",),
        )
        case_transition(
            case_id=report.case.pk,
            name="record_action",
            actor=counselor,
            key=report.key,
            action_type="none",
        )
        case_transition(
            case_id=report.case.pk, name="close_report", actor=supervisor, key=report.key
        )


class TestRetention:
    def test_it_purges_content_and_keeps_metadata(self, report, settings, tmp_path, commits):
        settings.MEDIA_ROOT = tmp_path
        case = report.case
        attachment_add(
            case=case,
            key=report.key,
            name="a.txt",
            content_type="text/plain",
            src=io.BytesIO(b"evidence"),
        )
        message_add(case=case, key=report.key, side=AuthorSide.REPORTER, body="more")
        _closed_report(report, RECEIVED + timedelta(days=20))
        with time_machine.travel(RECEIVED + timedelta(days=365 * 5), tick=False):
            assert retention_purge() == 0  # not five years after closing yet
        with time_machine.travel(RECEIVED + timedelta(days=365 * 5 + 30), tick=False):
            assert commits(retention_purge) == 1
            assert commits(retention_purge) == 0
        case = Case.objects.get(pk=case.pk)
        assert (
            case.purged_at and case.state == State.CLOSED and case.finding == Finding.SUBSTANTIATED
        )
        assert bytes(case.title_ct) == b"" and bytes(case.body_ct) == b""
        for model in (Message, Attachment, CaseKeyWrap, Identity):
            assert not model.objects.filter(case=case).exists()
        assert SubjectPseudonym.objects.filter(case=case).count() == 1  # indicators still count
        assert not AttachmentChunk.objects.exists()  # the content went in the same transaction
        assert list(tmp_path.iterdir()) == []
        assert receipt_open(report.receipt.digits) is None
        assert Event.objects.filter(action=Action.CASE_PURGED, object_id=str(case.pk)).exists()
        with pytest.raises(TransitionRefused):
            case_transition(
                case_id=case.pk,
                name="reopen",
                actor=case.organisation.staff.get(role=Role.SUPERVISOR),
                key=report.key,
            )

    def test_a_purge_that_dies_halfway_leaves_the_case_whole(self, report, monkeypatch):
        _closed_report(report, RECEIVED + timedelta(days=20))
        message_add(case=report.case, key=report.key, side=AuthorSide.REPORTER, body="x")
        attachment = attachment_add(
            case=report.case,
            key=report.key,
            name="a.txt",
            content_type="text/plain",
            src=io.BytesIO(b"evidence"),
        )

        def crash(**kwargs):
            raise RuntimeError("the worker died")

        monkeypatch.setattr("cases.retention.event_record", crash)
        with pytest.raises(RuntimeError):
            case_purge(case_id=report.case.pk)
        case = Case.objects.get(pk=report.case.pk)
        assert case.purged_at is None and bytes(case.title_ct) != b""
        assert Message.objects.filter(case=case).exists()
        assert b"".join(attachment_chunks(attachment=attachment, key=report.key)) == b"evidence"
        assert receipt_open(report.receipt.digits) is not None

    def test_open_cases_are_never_purged(self, report):
        assert not case_purge(case_id=report.case.pk)


def test_quiet_answered_questions_close_themselves(report):
    organisation = report.case.organisation
    counselor = Case.objects.get(pk=report.case.pk).assignee
    with time_machine.travel(RECEIVED, tick=False):
        created = case_create(
            kind=CaseKind.QUESTION,
            organisation=organisation,
            category=CategoryFactory(kind=CaseKind.QUESTION),
            channel=Channel.WEB,
            title="q",
            body={},
        )
        Case.objects.filter(pk=created.case.pk).update(assignee=counselor)
        case_transition(case_id=created.case.pk, name="start", actor=counselor)
        message_add(case=created.case, key=created.key, side=AuthorSide.COUNSELOR, body="a")
        case_transition(case_id=created.case.pk, name="answer", actor=counselor)
    with time_machine.travel(RECEIVED + timedelta(days=13), tick=False):
        assert questions_autoclose() == 0
    with time_machine.travel(RECEIVED + timedelta(days=15), tick=False):
        assert questions_autoclose() == 1
        assert questions_autoclose() == 0
    assert Case.objects.get(pk=created.case.pk).state == State.CLOSED


def test_a_broker_outage_delays_notifications_but_loses_none(report, settings, commits):
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app.conf.broker_connection_timeout = 1
    try:
        with time_machine.travel(RECEIVED + timedelta(days=6), tick=False):
            assert commits(deadlines_scan) == 1  # the reminder itself is committed
        assert Notification.objects.filter(sent_at__isnull=True).count() == 1
        assert mail.outbox == []
    finally:
        app.conf.broker_url = previous
        app.conf.task_always_eager = True
    from cases.tasks import notifications_flush_task

    assert notifications_flush_task.delay().get() == 1  # the broker is back
    assert notifications_flush_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_a_supervisor_the_report_names_is_never_notified(db, commits):
    organisation, _ = organisation_with_kit()
    staff_with_key(Role.SUPERVISOR, organisation, email="other@example.go.th")
    named, _ = staff_with_key(Role.SUPERVISOR, organisation, email="named@example.go.th")
    with time_machine.travel(RECEIVED, tick=False):
        new_report(organisation, excluded=[named])
    with time_machine.travel(RECEIVED + timedelta(days=9), tick=False):
        assert commits(deadlines_scan) == 1
    assert [m.to for m in mail.outbox] == [["other@example.go.th"]]
