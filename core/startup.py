"""What every long-running process does first with the key file (docs/architecture.md §3).

The web server (config.wsgi), the Celery worker and beat (config.celery) call keys_startup
before serving anything: in production a key file that is missing, unreadable or lacks a
purpose stops the process there, with the reason, instead of answering 500 on the first
receipt. Each process logs the file's fingerprint, so an operator comparing the logs (or
`manage.py keys_fingerprint`) sees hosts that run with different key files.
"""

import logging

from django.core.exceptions import ImproperlyConfigured

from core.keyring import Keyring, keyring

logger = logging.getLogger("hotline.keys")


def keys_startup(*, process: str) -> Keyring:
    try:
        ring = keyring()
    except ImproperlyConfigured as exc:
        logger.critical("the hotline %s refuses to start: %s", process, exc)
        # An Exception, not SystemExit: gunicorn then halts ("worker failed to boot")
        # instead of respawning the worker forever.
        raise ImproperlyConfigured(f"the hotline {process} refuses to start: {exc}") from exc
    logger.info("hotline %s started with key file fingerprint %s", process, ring.fingerprint)
    return ring
