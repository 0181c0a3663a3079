"""Writes to the audit log. Every security-relevant event goes through event_record."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from audit.lib.chain import GENESIS, ChainRow, chain_hash, validate_details
from audit.lib.checkpoints import checkpoint_sign
from audit.models import Action, Checkpoint, Event
from core.keyring import keyring
from core.lib.timing import coarse_now
from core.models import Organisation

# Any constant works; it names the one advisory lock that serialises chain appends.
_PG_CHAIN_LOCK = 0x4155444954  # "AUDIT"


def _head() -> tuple[int, str]:
    # Raw SQL: this runs while the chain lock is held, so every microsecond counts.
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def _lock_chain() -> None:
    # PostgreSQL: a transaction-scoped advisory lock, held until the caller's transaction
    # ends, so a second writer reads the head only after the first has committed.
    # SQLite: settings open every transaction IMMEDIATE, which already holds the write lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])


def event_record(
    *,
    action: Action,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    organisation: Organisation | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    coarse: bool = False,
) -> Event:
    """Append one event to the chain, inside the caller's transaction when there is one.

    `details` is small JSON that must never hold case content or anything that identifies
    a reporter (no IP, no user agent, nothing they typed). `coarse` keeps the time to the hour,
    for events a reporter's own action causes (see core.lib.timing).
    """
    action = Action(action)  # an unknown action is a bug: refuse it before writing
    details = details or {}
    validate_details(details)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        _lock_chain()
        last_seq, prev_hash = _head()
        row = ChainRow(
            seq=last_seq + 1,
            created=coarse_now() if coarse else timezone.now(),
            actor_id=actor_id,
            action=str(action),
            organisation_id=organisation.pk if organisation is not None else None,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            details=details,
            prev_hash=prev_hash,
        )
        return Event.objects.create(
            seq=row.seq,
            created=row.created,
            actor_id=row.actor_id,
            action=row.action,
            organisation_id=row.organisation_id,
            object_type=row.object_type,
            object_id=row.object_id,
            details=row.details,
            prev_hash=row.prev_hash,
            hash=chain_hash(row),
        )


def checkpoint_create() -> Checkpoint:
    """Sign the current head. The checkpoint covers the chain as it stood before its own event."""
    with transaction.atomic():
        _lock_chain()
        seq, head_hash = _head()
        key = keyring().current_signing
        created = timezone.now()
        checkpoint = Checkpoint.objects.create(
            seq=seq,
            head_hash=head_hash,
            created=created,
            key_id=key.kid,
            signature=checkpoint_sign(
                seq=seq, head=head_hash, created=created, key_id=key.kid, key=key.private
            ),
        )
        event_record(
            action=Action.CHECKPOINT_SIGNED,
            target=checkpoint,
            details={"seq": seq, "head": head_hash, "key_id": key.kid},
        )
    return checkpoint
