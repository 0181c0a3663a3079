"""Named leases in the database: one holder at a time, renewed while it lives, lost by itself
when the holder stops renewing (a crashed process frees it once `seconds` have passed).

Each step is one conditional UPDATE, which PostgreSQL and SQLite both apply atomically to
the row, so two processes asking at once never both hold it. Used by config.beat so that one
beat sends the periodic tasks (README, "Exactly one beat")."""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import Lease

NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def lease_hold(*, name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease `name` for `seconds`; True when `holder` holds it now."""
    now = timezone.now()
    if not Lease.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder="", expires_at=NEVER)
        except IntegrityError:
            pass  # another process created it just now; the update below decides
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lte=now))
        .update(holder=holder, expires_at=now + timedelta(seconds=seconds))
    )
    return taken == 1


def lease_release(*, name: str, holder: str) -> None:
    """Give the lease up at once (a clean shutdown), if `holder` still holds it."""
    Lease.objects.filter(name=name, holder=holder).update(expires_at=NEVER)


def lease_holder(*, name: str) -> str | None:
    """Who holds the lease now, or None."""
    lease = Lease.objects.filter(name=name, expires_at__gt=timezone.now()).first()
    return lease.holder if lease else None
