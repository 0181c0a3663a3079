"""Background work. Tasks carry ids only, never case content, and are safe to run twice."""

from celery import shared_task

from cases import housekeeping, retention
from cases.notifications import notification_send, notifications_pending


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def notification_send_task(notification_id: int) -> bool:
    return notification_send(notification_id=notification_id)


@shared_task
def notifications_flush_task() -> int:
    """Send what waited while the broker or the mail server was down."""
    sent = 0
    for notification_id in notifications_pending():
        sent += notification_send(notification_id=notification_id)
    return sent


@shared_task
def deadlines_scan_task() -> int:
    return housekeeping.deadlines_scan()


@shared_task
def questions_autoclose_task() -> int:
    return housekeeping.questions_autoclose()


@shared_task
def retention_purge_task() -> int:
    return retention.retention_purge()
