"""Reads of the audit log for auditors: only events of organisations in their subtree."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from audit.models import Event
from core.lib.fiscal import BANGKOK
from core.models import Organisation

PAGE_SIZE = 100


@dataclass(frozen=True)
class LogFilter:
    organisation: Organisation  # the subtree searched: the auditor's own or a part of it
    start: date | None = None
    end: date | None = None
    actor: str = ""
    action: str = ""

    def as_details(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation.code,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "actor": self.actor,
            "action": self.action,
        }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BANGKOK)


def events_for(log_filter: LogFilter) -> QuerySet[Event]:
    events = Event.objects.filter(organisation__path__startswith=log_filter.organisation.path)
    if log_filter.start:
        events = events.filter(created__gte=_midnight(log_filter.start))
    if log_filter.end:
        events = events.filter(created__lt=_midnight(log_filter.end + timedelta(days=1)))
    if log_filter.actor:
        events = events.filter(actor__username=log_filter.actor)
    if log_filter.action:
        events = events.filter(action=log_filter.action)
    return events.select_related("actor", "organisation").order_by("-seq")


def events_page(log_filter: LogFilter, before: int | None) -> list[Event]:
    """Newest first, a page at a time (keyset on seq, so deep pages stay fast)."""
    events = events_for(log_filter)
    if before:
        events = events.filter(seq__lt=before)
    return list(events[:PAGE_SIZE])


def event_dict(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created": event.created.isoformat(),
        "actor": event.actor.username if event.actor else None,
        "action": event.action,
        "organisation": event.organisation.code if event.organisation else None,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def events_jsonl(log_filter: LogFilter) -> Iterator[dict[str, Any]]:
    """Oldest first, for an export that reads in chain order."""
    for event in events_for(log_filter).order_by("seq").iterator(chunk_size=2000):
        yield event_dict(event)
