"""Notifications to staff: no case content, only that a case needs attention and a link.

They go through an outbox (Notification rows written in the caller's transaction). After
commit a task is sent to the broker; if the broker is down the row simply waits, and the
periodic flush sends it when the broker is back.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from kombu.exceptions import OperationalError

from cases.models import Case, Notification
from core.lib.timing import coarse_now
from core.models import Role, User

logger = logging.getLogger(__name__)


def case_supervisors(case: Case) -> QuerySet[User]:
    """The supervisors to tell about a case: never those it names (even a content-free
    e-mail would tell them it exists)."""
    return User.objects.filter(
        organisation_id=case.organisation_id, role=Role.SUPERVISOR, is_active=True
    ).exclude(pk__in=case.exclusions.values("user_id"))


def notification_queue(
    *, recipient: User, case: Case | None, from_reporter: bool = False
) -> Notification:
    """Queue a notification; pass `from_reporter` when a reporter's action caused it: it is
    then stamped to the hour and left for the flush after that hour (see Notification)."""
    if from_reporter:
        return Notification.objects.create(
            recipient=recipient, case=case, created=coarse_now(), from_reporter=True
        )
    notification = Notification.objects.create(recipient=recipient, case=case)
    transaction.on_commit(lambda: _dispatch(notification.pk))
    return notification


def _dispatch(notification_id: int) -> None:
    from cases.tasks import notification_send_task

    try:
        notification_send_task.apply_async((notification_id,), retry=False)
    except OperationalError:
        logger.warning("broker unavailable; notification %s waits for the flush", notification_id)


def notification_send(*, notification_id: int) -> bool:
    """Send one notification unless it was sent already. True when this call sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        with override(settings.LANGUAGE_CODE):
            subject = _("A case needs your attention")
            body = _(
                "A case in the Ethics Hotline needs your attention. Sign in to see it: %(url)s"
            )
        send_mail(
            subject,
            body % {"url": f"{settings.SITE_URL}/staff/"},
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
        notification.sent_at = coarse_now() if notification.from_reporter else timezone.now()
        notification.save(update_fields=["sent_at"])
        return True


def notifications_pending() -> list[int]:
    """Unsent notifications, those a reporter caused only once their hour is over."""
    unsent = Notification.objects.filter(sent_at__isnull=True)
    due = Q(from_reporter=False) | Q(created__lt=coarse_now())
    return list(unsent.filter(due).values_list("pk", flat=True))
