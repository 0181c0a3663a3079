"""A worker whose release is older than the database's (core.schema, recorded by migrate)
takes no task: it hands the message back to the broker and stops consuming, instead of
failing half-way through a task against a schema it does not know (README, "Upgrading")."""

from datetime import timedelta

import pytest
from celery.exceptions import Reject
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import VersionCheckedTask, _stop_consuming_when_stale, app
from core.models import SchemaVersion
from core.schema import code_version, schema_version_record, stale_code_reason, version_key
from core.tasks import sessions_clear_task

pytestmark = pytest.mark.django_db


def newer_release() -> str:
    major, minor, *_ = version_key(code_version())
    return f"{major}.{minor + 1}.0"


def database_migrated_by(version: str) -> None:
    SchemaVersion.objects.update_or_create(
        pk=1, defaults={"version": version, "migrated_at": timezone.now()}
    )


def worker_runs(task) -> None:
    """Call the task as a worker does: a request that is not eager, from a named worker."""
    task.push_request(hostname="worker1@host", is_eager=False, delivery_info={})
    try:
        task()
    finally:
        task.pop_request()


def test_releases_compare_by_number():
    assert version_key("0.10.0") > version_key("0.9.3")
    assert version_key("1.0.0") > version_key("0.99.99")


def test_every_task_checks_the_release():
    app.loader.import_default_modules()
    hotline_tasks = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert hotline_tasks
    assert all(isinstance(task, VersionCheckedTask) for task in hotline_tasks)


def test_a_stale_worker_hands_the_task_back_and_runs_nothing_of_it():
    expired = Session.objects.create(
        session_key="e" * 32, session_data="x", expire_date=timezone.now() - timedelta(1)
    )
    database_migrated_by(newer_release())
    with pytest.raises(Reject) as refused:
        worker_runs(sessions_clear_task)
    assert refused.value.requeue is True
    assert f"migrated by release {newer_release()}" in str(refused.value.reason)
    assert Session.objects.filter(pk=expired.pk).exists()  # the task did not run


def test_a_current_worker_runs_the_task():
    database_migrated_by(code_version())
    Session.objects.create(
        session_key="e" * 32, session_data="x", expire_date=timezone.now() - timedelta(1)
    )
    worker_runs(sessions_clear_task)
    assert not Session.objects.exists()


def test_a_worker_of_a_newer_release_than_the_database_runs_too():
    database_migrated_by("0.1.0")
    assert stale_code_reason() is None


class Consumer:
    """The part of a Celery consumer the signal handler uses."""

    class task_consumer:
        queues = [type("Queue", (), {"name": "celery"})()]

    def __init__(self):
        self.cancelled: list[str] = []

    def cancel_task_queue(self, name: str) -> None:
        self.cancelled.append(name)


def test_a_stale_worker_stops_consuming_on_the_next_message():
    consumer = Consumer()
    database_migrated_by(code_version())
    _stop_consuming_when_stale(sender=consumer)
    assert consumer.cancelled == []
    database_migrated_by(newer_release())
    _stop_consuming_when_stale(sender=consumer)
    assert consumer.cancelled == ["celery"]


def test_recording_never_lowers_the_release():
    database_migrated_by(newer_release())
    with pytest.raises(RuntimeError, match="older release"):
        schema_version_record()
    assert SchemaVersion.objects.get().version == newer_release()
