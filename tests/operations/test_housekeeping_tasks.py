"""The two daily beat tasks that clean up: expired sessions and attachment files no row names.
Both must delete only what is dead and be safe to run twice."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from cases.models import Attachment
from cases.services import attachment_add
from cases.tasks import attachment_orphans_sweep_task
from core.models import Role
from core.tasks import sessions_clear_task
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key

pytestmark = pytest.mark.django_db


def _aged(path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_clearsessions_deletes_expired_sessions_only_and_can_run_again():
    now = timezone.now()
    Session.objects.create(session_key="e" * 32, session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="l" * 32, session_data="x", expire_date=now + timedelta(1))
    sessions_clear_task.delay()
    sessions_clear_task.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]


def test_it_is_scheduled_daily_with_the_orphan_sweep(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"core.tasks.sessions_clear_task", "cases.tasks.attachment_orphans_sweep_task"} <= tasks


class TestOrphanSweep:
    @pytest.fixture
    def report(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        organisation, _ = organisation_with_kit()
        staff_with_key(Role.SUPERVISOR, organisation, email="boss@example.go.th")
        return new_report(organisation)

    def _attach(self, report, content: bytes) -> Attachment:
        return attachment_add(
            case=report.case,
            key=report.key,
            name="a.txt",
            content_type="text/plain",
            src=io.BytesIO(content),
        )

    def test_it_deletes_a_rolled_back_upload_and_keeps_every_named_file(self, report, tmp_path):
        kept = self._attach(report, b"evidence")
        with pytest.raises(RuntimeError), transaction.atomic():
            self._attach(report, b"rolled back")
            raise RuntimeError("the request failed after the file was written")
        folder = tmp_path / "attachments"
        orphan = next(p for p in folder.iterdir() if f"attachments/{p.name}" != kept.storage_name)
        for path in folder.iterdir():
            _aged(path, 2)
        assert attachment_orphans_sweep_task.delay().get() == 1
        assert not orphan.exists()
        assert (tmp_path / kept.storage_name).exists()
        assert attachment_orphans_sweep_task.delay().get() == 0

    def test_it_keeps_a_young_file_whose_row_may_not_have_committed_yet(self, report, tmp_path):
        with pytest.raises(RuntimeError), transaction.atomic():
            self._attach(report, b"in flight")
            raise RuntimeError
        assert attachment_orphans_sweep_task.delay().get() == 0
        assert len(list((tmp_path / "attachments").iterdir())) == 1

    def test_no_folder_no_work(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "none"
        assert attachment_orphans_sweep_task.delay().get() == 0
