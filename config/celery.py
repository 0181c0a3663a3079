import logging
import logging.config
import os
from typing import Any

from celery import Celery, Task
from celery.exceptions import Reject
from celery.signals import beat_init, setup_logging, task_received, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger("config.celery")


class VersionCheckedTask(Task):
    """Every task first checks that this worker's release is not older than the database's
    (core.schema; README, "Upgrading"). A stale worker hands the message back to the broker
    for an up-to-date worker instead of failing half-way through it."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.request.is_eager:  # run in the caller's process, not by a worker
            refuse_if_stale()
        return super().__call__(*args, **kwargs)


def refuse_if_stale() -> None:
    from core.schema import stale_code_reason

    reason = stale_code_reason()
    if reason:
        logger.error("refusing the task: %s", reason)
        raise Reject(f"stale worker: {reason}", requeue=True)


app = Celery("hotline", task_cls=VersionCheckedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_received.connect
def _stop_consuming_when_stale(sender: Any = None, **kwargs: Any) -> None:
    """A worker of an older release than the database's stops taking tasks: it cancels its
    consumers, so the broker keeps the messages for the new release's workers. The task in hand
    is refused by VersionCheckedTask."""
    from core.schema import stale_code_reason

    reason = stale_code_reason()
    if reason is None or sender is None:
        return
    logger.error("this worker stops taking tasks: %s", reason)
    for queue in list(sender.task_consumer.queues):
        sender.cancel_task_queue(queue.name)


@setup_logging.connect
def _logging_as_django(**kwargs: Any) -> None:
    """Worker and beat log through Django's LOGGING, so their lines read like the web server's."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_init.connect
def _keys_at_worker_start(**kwargs: Any) -> None:
    """A production worker without a complete key file stops before its first task."""
    _keys_or_exit("worker")


@beat_init.connect
def _keys_at_beat_start(**kwargs: Any) -> None:
    _keys_or_exit("beat")


def _keys_or_exit(process: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from core.startup import keys_startup

    try:
        keys_startup(process=process)
    except ImproperlyConfigured as exc:
        # Celery logs and swallows an Exception raised by a signal receiver; SystemExit
        # passes through and stops the process with status 1 and the reason on stderr.
        raise SystemExit(str(exc)) from exc
