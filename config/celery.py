import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_as_django(**kwargs: Any) -> None:
    """Worker and beat log through Django's LOGGING, so their lines read like the web server's."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
