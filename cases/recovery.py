"""Organisation recovery keys (docs/architecture.md §3): the private half exists only in a
passphrase-protected kit kept offline by the organisation's ethics committee."""

import base64
import dataclasses
import json
import secrets
from typing import Any

from django.db import transaction

from audit.models import Action
from audit.services import event_record
from cases.keys import key_grant_from_recovery, key_open_sample_with_recovery
from cases.models import RecoveryKey, StaffKey, WrapPurpose
from cases.staff_keys import staff_key_endorse
from core import crypto
from core.crypto import labels
from core.models import Organisation, Role, User

KIT_FORMAT = "ethics-hotline/recovery-kit/v1"


class KitError(Exception):
    pass


def recovery_kit_create(
    *, organisation: Organisation, passphrase: str, actor: User | None = None
) -> tuple[RecoveryKey, dict[str, Any]]:
    """A new recovery key pair; the kit (returned, never stored) holds the sealed private half.

    New cases are wrapped to the new key; cases already wrapped to an earlier key still need
    that earlier kit.
    """
    if len(passphrase) < 12:
        raise KitError("the passphrase needs at least 12 characters")
    private, public = crypto.keypair_new()
    kid = f"rk-{organisation.code}-{secrets.token_hex(4)}"
    params = crypto.argon2_params()
    salt = crypto.salt_new()
    sealed = crypto.seal(
        crypto.argon2id(passphrase.encode(), salt, params),
        private,
        aad=labels.recovery_kit_seal(kid),
    )
    with transaction.atomic():
        RecoveryKey.objects.filter(organisation=organisation, is_active=True).update(
            is_active=False
        )
        key = RecoveryKey.objects.create(organisation=organisation, kid=kid, public=public)
        event_record(
            action=Action.RECOVERY_KIT_CREATED,
            actor=actor,
            organisation=organisation,
            target=key,
            details={"kid": kid},
        )
    kit = {
        "format": KIT_FORMAT,
        "organisation": organisation.code,
        "kid": kid,
        "public": base64.b64encode(public).decode(),
        "salt": base64.b64encode(salt).decode(),
        "kdf": dataclasses.asdict(params),
        "sealed_private": base64.b64encode(sealed).decode(),
    }
    return key, kit


def _kit_open(kit: dict[str, Any], passphrase: str) -> tuple[RecoveryKey, bytes]:
    try:
        if kit["format"] != KIT_FORMAT:
            raise KitError("this is not a recovery kit")
        key = RecoveryKey.objects.get(kid=kit["kid"])
        params = crypto.Argon2Params(**kit["kdf"])
        wrapping = crypto.argon2id(passphrase.encode(), base64.b64decode(kit["salt"]), params)
        private = crypto.unseal(
            wrapping, base64.b64decode(kit["sealed_private"]), aad=labels.recovery_kit_seal(key.kid)
        )
    except (KeyError, TypeError, ValueError, RecoveryKey.DoesNotExist) as exc:
        raise KitError("the kit is damaged or belongs to no known recovery key") from exc
    except crypto.CryptoError as exc:
        raise KitError("wrong passphrase, or the kit was altered") from exc
    if crypto.public_key_derive(private) != bytes(key.public):
        raise KitError("the kit does not match its recovery key")
    return key, private


def recovery_grant(
    *,
    organisation: Organisation,
    user: User,
    kit: dict[str, Any],
    passphrase: str,
    actor: User | None = None,
) -> int:
    """Wrap case keys held by the recovery key to the user's current key pair.

    Supervisors get every case key of the organisation, custodians every identity key;
    counselors get back the cases they held before their key pair was replaced.
    """
    recovery, private = _kit_open(kit, passphrase)
    if recovery.organisation_id != organisation.pk or user.organisation_id != organisation.pk:
        raise KitError("the kit and the person must both belong to this organisation")
    staff_key = StaffKey.objects.filter(user=user).first()
    if staff_key is None:
        raise KitError("the person has not signed in yet, so has no key pair to grant to")
    purpose = WrapPurpose.IDENTITY if user.role == Role.CUSTODIAN else WrapPurpose.CASE
    with transaction.atomic():
        granted = key_grant_from_recovery(
            recovery=recovery,
            private=private,
            purpose=purpose,
            recipient=staff_key,
            # Counselors get back only the cases they held before their key pair was replaced.
            only_held_before=user.role == Role.COUNSELOR,
        )
        staff_key_endorse(user=user, via="recovery_kit", actor=actor)
        event_record(
            action=Action.RECOVERY_GRANTED,
            actor=actor,
            organisation=organisation,
            target=user,
            details={"kid": recovery.kid, "purpose": purpose, "granted": granted},
        )
    return granted


def kit_dumps(kit: dict[str, Any]) -> str:
    return json.dumps(kit, indent=2) + "\n"


@dataclasses.dataclass(frozen=True)
class RecoverySample:
    kid: str
    tried: int
    opened: int


def recovery_sample_open(*, kit: dict[str, Any], passphrase: str, limit: int = 5) -> RecoverySample:
    """Open the kit and decrypt the title of up to `limit` cases wrapped to its recovery key:
    proves a restored database still opens with the organisation's offline kit. Writes
    nothing."""
    recovery, private = _kit_open(kit, passphrase)
    sample = key_open_sample_with_recovery(recovery=recovery, private=private, limit=limit)
    opened = 0
    for case, key in sample:
        if key is None:
            continue
        try:
            crypto.text_decrypt(
                key, bytes(case.title_ct), case_id=str(case.uid), field=labels.CASE_TITLE
            )
        except crypto.CryptoError:
            continue
        opened += 1
    return RecoverySample(kid=recovery.kid, tried=len(sample), opened=opened)
