import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, setup_logging, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
