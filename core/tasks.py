"""Background work of the core app. Safe to run twice."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def sessions_clear_task() -> None:
    """Delete expired staff sessions, as `manage.py clearsessions` does: the database session
    store never deletes one by itself, and each holds half of a sealed private key
    (core/lib/split_session.py)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
