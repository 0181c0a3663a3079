"""Staff key pairs: created at first sign-in, sealed under a key from the person's password,
resealed when they change it, replaced (and access lost until a recovery grant) after an
administrator resets it."""

import dataclasses
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import event_record
from cases.models import StaffKey
from core import crypto
from core.crypto import labels
from core.models import User


@dataclass(frozen=True)
class UnlockedKey:
    private: bytes
    replaced: bool  # a new pair was made: the old one's password is gone


def _sealed(user: User, private: bytes, password: str) -> dict[str, object]:
    params = crypto.argon2_params()
    salt = crypto.salt_new()
    wrapping = crypto.argon2id(password.encode(), salt, params)
    return {
        "sealed_private": crypto.seal(wrapping, private, aad=labels.staff_key_seal(user.pk)),
        "salt": salt,
        "kdf": dataclasses.asdict(params),
    }


def _open(staff_key: StaffKey, password: str) -> bytes:
    params = crypto.Argon2Params(**staff_key.kdf)
    wrapping = crypto.argon2id(password.encode(), bytes(staff_key.salt), params)
    return crypto.unseal(
        wrapping, bytes(staff_key.sealed_private), aad=labels.staff_key_seal(staff_key.user_id)
    )


def staff_key_unlock(*, user: User, password: str) -> UnlockedKey:
    """The user's private key, opened with the password they just signed in with.

    Without a key yet, or when the stored one no longer opens (an administrator set a new
    password), a new pair is made; cases wrapped to the old one come back through
    `recovery_grant`.
    """
    with transaction.atomic():
        existing = StaffKey.objects.select_for_update().filter(user=user).first()
        if existing is not None:
            try:
                return UnlockedKey(private=_open(existing, password), replaced=False)
            except crypto.CryptoError:
                pass
        private, public = crypto.keypair_new()
        generation = existing.generation + 1 if existing is not None else 1
        StaffKey.objects.update_or_create(
            user=user,
            defaults={
                "public": public,
                "generation": generation,
                "endorsed_at": None,  # a new pair must be vouched for again
                "endorsed_role": "",
                **_sealed(user, private, password),
            },
        )
        event_record(
            action=Action.STAFF_KEY_REPLACED if existing else Action.STAFF_KEY_CREATED,
            actor=user,
            organisation=user.organisation,
            details={"generation": generation},
        )
        return UnlockedKey(private=private, replaced=existing is not None)


def staff_key_reseal(*, user: User, old_password: str, new_password: str) -> None:
    """Keep the same key pair across a password change: only its sealing changes."""
    with transaction.atomic():
        staff_key = StaffKey.objects.select_for_update().filter(user=user).first()
        if staff_key is None:
            return
        private = _open(staff_key, old_password)
        for name, value in _sealed(user, private, new_password).items():
            setattr(staff_key, name, value)
        staff_key.save()


def staff_key_endorse(*, user: User, via: str, actor: User | None = None) -> bool:
    """Vouch for the user's current key pair in their current role; False without a pair."""
    with transaction.atomic():
        updated = StaffKey.objects.filter(user=user).update(
            endorsed_at=timezone.now(), endorsed_role=user.role
        )
        if updated:
            event_record(
                action=Action.STAFF_KEY_ENDORSED,
                actor=actor,
                organisation=user.organisation,
                target=user,
                details={"via": via, "role": user.role},
            )
        return bool(updated)
