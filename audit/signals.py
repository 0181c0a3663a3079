from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import Action
from audit.services import event_record

_ACTIONS = {ADDITION: Action.ADMIN_ADDED, CHANGE: Action.ADMIN_CHANGED, DELETION: Action.ADMIN_DELETED}


@receiver(post_save, sender=LogEntry)
def admin_change_recorded(sender: type[LogEntry], instance: LogEntry, created: bool, **_: Any) -> None:
    """Every change made through the administration pages lands in the audit chain."""
    if not created:
        return
    content_type = instance.content_type
    event_record(
        action=_ACTIONS[instance.action_flag],
        actor=instance.user,
        organisation=getattr(instance.user, "organisation", None),
        details={
            "model": content_type.model if content_type else "",
            "object_id": instance.object_id or "",
        },
    )
