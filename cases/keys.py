"""Key wraps: the only code that writes, deletes or reads CaseKeyWrap and IdentityRequestWrap
rows (docs/architecture.md §3; tests/cases/test_keys.py holds every other module to it).

A case's data key, and a disclosed identity's key, exist at rest only wrapped with HPKE to
the public key of each person (or recovery key) who may read it; an identity request's reason
key likewise. Granting access is wrapping, taking it away is deleting the wrap, and reading
is unwrapping with the person's unlocked private key. Who may be granted what is the callers'
rule (services, assignment, recovery, identity requests); how it is stored is this module's.
"""

from collections.abc import Iterable, Sequence

from django.db import transaction

from cases.models import (
    Case,
    CaseKeyWrap,
    IdentityRequest,
    IdentityRequestWrap,
    RecoveryKey,
    StaffKey,
    WrapPurpose,
)
from core import crypto
from core.crypto import labels
from core.models import User

Recipient = StaffKey | RecoveryKey


def _wrap(case: Case, purpose: str, key: bytes, recipient: Recipient) -> CaseKeyWrap:
    wrapped = crypto.key_wrap(
        bytes(recipient.public), key, info=labels.case_wrap(purpose, case.uid)
    )
    if isinstance(recipient, RecoveryKey):
        return CaseKeyWrap(case=case, purpose=purpose, recovery_key=recipient, wrapped=wrapped)
    return CaseKeyWrap(
        case=case,
        purpose=purpose,
        user_id=recipient.user_id,
        key_generation=recipient.generation,
        wrapped=wrapped,
    )


def _save(wraps: list[CaseKeyWrap]) -> None:
    """Insert the wraps; a person's wrap replaces the one they held (made to an older pair)."""
    staff = [w for w in wraps if w.recovery_key_id is None]
    recovery = [w for w in wraps if w.recovery_key_id is not None]
    if staff:
        CaseKeyWrap.objects.bulk_create(
            staff,
            update_conflicts=True,
            unique_fields=["case", "purpose", "user"],
            update_fields=["key_generation", "wrapped"],
        )
    if recovery:
        CaseKeyWrap.objects.bulk_create(recovery)


def key_grant(
    *, case: Case, purpose: WrapPurpose, key: bytes, recipients: Iterable[Recipient]
) -> int:
    """Wrap the case's `purpose` key to each recipient; returns how many wraps were written."""
    wraps = [_wrap(case, purpose, key, recipient) for recipient in recipients]
    with transaction.atomic():
        _save(wraps)
    return len(wraps)


def key_revoke(*, case: Case, user: User | int) -> int:
    """Take every key of the case (its data key and any identity key) from the person (a
    User, or their id)."""
    with transaction.atomic():
        deleted, _ = CaseKeyWrap.objects.filter(case=case, user=user).delete()
    return deleted


def key_destroy(*, case: Case) -> int:
    """Delete every wrap of the case, so that nobody can open what is left of it (a purge)."""
    with transaction.atomic():
        deleted, _ = CaseKeyWrap.objects.filter(case=case).delete()
    return deleted


def key_held(*, case: Case, user: User, purpose: WrapPurpose) -> bool:
    """Whether the person holds a wrap of the case's `purpose` key (opening it or not)."""
    return CaseKeyWrap.objects.filter(case=case, user=user, purpose=purpose).exists()


def _unwrap(private: bytes, wrapped: bytes, info: bytes) -> bytes | None:
    try:
        return crypto.key_unwrap(private, wrapped, info=info)
    except crypto.CryptoError:
        return None  # a wrap made to an older key pair, before a password reset


def key_open(
    *, case: Case, user: User, private: bytes, purpose: WrapPurpose = WrapPurpose.CASE
) -> bytes | None:
    """The case's `purpose` key if the person holds a wrap of it that their key opens."""
    wrapped = (
        CaseKeyWrap.objects.filter(case=case, purpose=purpose, user=user)
        .values_list("wrapped", flat=True)
        .first()
    )
    if wrapped is None:
        return None
    return _unwrap(private, bytes(wrapped), labels.case_wrap(purpose, case.uid))


def key_open_many(*, cases: Sequence[Case], user: User, private: bytes) -> dict[int, bytes]:
    """The data keys of those of `cases` the person can open, by case id, in one query (the
    inbox decrypts a page of titles)."""
    if not cases:
        return {}
    wraps = dict(
        CaseKeyWrap.objects.filter(
            case_id__in=[c.pk for c in cases], purpose=WrapPurpose.CASE, user=user
        ).values_list("case_id", "wrapped")
    )
    keys = {}
    for case in cases:
        wrapped = wraps.get(case.pk)
        if wrapped is None:
            continue
        key = _unwrap(private, bytes(wrapped), labels.case_wrap(WrapPurpose.CASE, case.uid))
        if key is not None:
            keys[case.pk] = key
    return keys


def key_grant_from_recovery(
    *,
    recovery: RecoveryKey,
    private: bytes,
    purpose: WrapPurpose,
    recipient: StaffKey,
    only_held_before: bool,
) -> int:
    """Wrap to `recipient` every `purpose` key the recovery key holds, except those of cases
    that name the person; with `only_held_before`, only keys of cases they held a wrap for
    already (to a key pair an administrator's reset replaced). Returns how many."""
    user_id = recipient.user_id
    wraps = (
        CaseKeyWrap.objects.filter(recovery_key=recovery, purpose=purpose)
        .exclude(case__exclusions__user_id=user_id)
        .select_related("case")
    )
    if only_held_before:
        held = CaseKeyWrap.objects.filter(user_id=user_id, purpose=purpose).values("case_id")
        wraps = wraps.filter(case_id__in=held)
    granted = []
    with transaction.atomic():
        for wrap in wraps.iterator():
            info = labels.case_wrap(purpose, wrap.case.uid)
            # A kit that opens but a wrap that does not is damage, not a stale key: raise.
            key = crypto.key_unwrap(private, bytes(wrap.wrapped), info=info)
            granted.append(_wrap(wrap.case, purpose, key, recipient))
        _save(granted)
    return len(granted)


# ---- identity request reasons ---------------------------------------------------------------


def reason_key_grant(
    *, request: IdentityRequest, key: bytes, recipients: Iterable[StaffKey]
) -> int:
    """Wrap an identity request's reason key to each recipient (custodians, the requester)."""
    info = labels.reason_wrap(request.uid)
    wraps = [
        IdentityRequestWrap(
            request=request,
            user_id=staff_key.user_id,
            wrapped=crypto.key_wrap(bytes(staff_key.public), key, info=info),
        )
        for staff_key in recipients
    ]
    with transaction.atomic():
        IdentityRequestWrap.objects.bulk_create(wraps)
    return len(wraps)


def reason_key_open(*, request: IdentityRequest, user: User, private: bytes) -> bytes | None:
    """The request's reason key if it was wrapped to the person and their key opens it."""
    wrapped = (
        IdentityRequestWrap.objects.filter(request=request, user=user)
        .values_list("wrapped", flat=True)
        .first()
    )
    if wrapped is None:
        return None
    return _unwrap(private, bytes(wrapped), labels.reason_wrap(request.uid))


def key_open_sample_with_recovery(
    *, recovery: RecoveryKey, private: bytes, limit: int
) -> list[tuple[Case, bytes | None]]:
    """Up to `limit` cases whose data key is wrapped to the recovery key, each with the key
    the kit's private half unwraps (None where it does not): a restore's proof that the
    restored wraps still open (config/backup)."""
    wraps = (
        CaseKeyWrap.objects.filter(recovery_key=recovery, purpose=WrapPurpose.CASE)
        .select_related("case")
        .order_by("?")[:limit]
    )
    return [
        (
            wrap.case,
            _unwrap(
                private, bytes(wrap.wrapped), labels.case_wrap(WrapPurpose.CASE, wrap.case.uid)
            ),
        )
        for wrap in wraps
    ]
