from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import Action
from audit.services import event_record

_ACTIONS = {
    ADDITION: Action.ADMIN_ADDED,
    CHANGE: Action.ADMIN_CHANGED,
    DELETION: Action.ADMIN_DELETED,
}


@receiver(post_save, sender=LogEntry)
def admin_change_recorded(
    sender: type[LogEntry], instance: LogEntry, created: bool, **_: Any
) -> None:
    """Every change made through the administration pages lands in the audit chain."""
    if not created:
        return
    user: Any = instance.user
    event_record(
        action=_ACTIONS[instance.action_flag],
        actor=user,
        organisation=getattr(user, "organisation", None),
        details={
            "model": getattr(instance.content_type, "model", ""),
            "object_id": str(instance.object_id or ""),
        },
    )
