"""The two daily beat tasks that clean up: expired sessions and attachment files no row names.
Both must delete only what is dead and be safe to run twice."""

import os
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import sessions_clear_task

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


def test_it_is_scheduled_daily(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.sessions_clear_task" in tasks
