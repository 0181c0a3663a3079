"""Celery beat that sends the periodic tasks only while it holds the "beat" lease
(core.leases; README, "Exactly one beat").

Every beat an operator starts runs this scheduler (settings.CELERY_BEAT_SCHEDULER). The one
holding the lease renews it on every tick, at least every RENEW_SECONDS; the others tick
idle and try to take it. A beat that crashes stops renewing, and another takes over once
LEASE_SECONDS have passed since its last renewal; one that stops cleanly gives the lease up
at once. The lease lives in the database, the one thing every host shares, and its times come
from each host's clock, so the hosts keep their clocks in sync (NTP) to well under
LEASE_SECONDS. Should a paused holder and its successor ever both send, the tasks are safe to
run twice (cases/tasks.py)."""

import logging
import os
import socket
import uuid
from typing import Any

from celery.beat import PersistentScheduler
from django.db import DatabaseError, connection

from core.leases import lease_hold, lease_release

logger = logging.getLogger("config.beat")

LEASE_NAME = "celery-beat"
LEASE_SECONDS = 60.0
RENEW_SECONDS = 15.0  # well inside the lease, so a slow tick or two never loses it


class LockedScheduler(PersistentScheduler):
    lease_seconds = LEASE_SECONDS
    renew_seconds = RENEW_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holding = False
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._lease_hold():
            return self.renew_seconds  # idle, and ask again
        return float(min(super().tick(*args, **kwargs), self.renew_seconds))

    def _lease_hold(self) -> bool:
        try:
            held = lease_hold(name=LEASE_NAME, holder=self.holder, seconds=self.lease_seconds)
        except DatabaseError:
            # The database is away: send nothing (the lease may be lost by now), reconnect
            # on the next tick.
            logger.exception("beat %s cannot reach the lease", self.holder)
            connection.close_if_unusable_or_obsolete()
            held = False
        if held != self.holding:
            logger.warning(
                "beat %s %s the lease: it %s the periodic tasks",
                self.holder,
                "holds" if held else "lost",
                "sends" if held else "no longer sends",
            )
        elif not held:
            logger.debug("beat %s idles: another beat holds the lease", self.holder)
        self.holding = held
        return held

    def close(self) -> None:
        if self.holding:
            lease_release(name=LEASE_NAME, holder=self.holder)
            self.holding = False
        super().close()
