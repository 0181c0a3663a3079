"""What a backup holds, and whether the configured key file opens it.

Key ids alone do not tell a restore whether the key file is the right one (a new file made
by `keys_create` has new ids, but a hand-edited one could reuse an id), so the manifest
carries each needed key's check value: the MAC of a fixed label under the key
(core.crypto.labels.key_check_mac), or the public key for signing keys. It reveals nothing of
the key, and equal values mean the very key that computed the stored lookups, pseudonyms,
TOTP seals and checkpoint signatures.
"""

import hashlib
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from audit.models import Checkpoint, Event
from cases.models import Case, SubjectPseudonym
from core.keyring import Keyring, key_check_value
from core.models import SealedTOTPDevice

FORMAT = "ethics-hotline/backup/v1"


def key_check(purpose: str, kid: str, ring: Keyring) -> str | None:
    """The check value of the configured key `kid` of `purpose`, or None if there is none."""
    if purpose == "signing":
        signing = ring.signing_key(kid)
        return signing.public_hex if signing else None
    keys = ring.hmac if purpose == "hmac" else ring.totp
    key = next((k for k in keys if k.kid == kid), None)
    return key_check_value(purpose, kid, key.secret) if key else None


def receipts_digest() -> tuple[set[str], dict[str, Any]]:
    lookups = sorted(Case.objects.values_list("receipt_lookup", flat=True).iterator(5000))
    kids = {lookup.split(":", 1)[0] for lookup in lookups}
    digest = hashlib.sha256("\n".join(lookups).encode()).hexdigest()
    return kids, {"count": len(lookups), "sha256": digest}


def keys_needed(ring: Keyring, receipt_kids: set[str]) -> dict[str, set[str]]:
    """Key ids that stored data was made under, plus the HMAC key new pseudonyms use (they
    must match the stored ones for distinct people to stay distinct)."""
    pseudonyms = SubjectPseudonym.objects.values_list("pseudonym", flat=True).iterator(5000)
    return {
        "hmac": receipt_kids | {p.split(":", 1)[0] for p in pseudonyms} | {ring.current_hmac.kid},
        "totp": set(SealedTOTPDevice.objects.values_list("key_id", flat=True).distinct()),
        "signing": set(Checkpoint.objects.values_list("key_id", flat=True).distinct()),
    }


def _audit() -> tuple[dict[str, Any], dict[str, Any] | None]:
    last = Event.objects.order_by("-seq").values("seq", "hash").first()
    head = {"seq": last["seq"], "head": last["hash"]} if last else {"seq": 0, "head": ""}
    newest = Checkpoint.objects.order_by("-seq", "-created").first()
    checkpoint = (
        {"seq": newest.seq, "head": newest.head_hash, "key_id": newest.key_id} if newest else None
    )
    return head, checkpoint


def counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


def migrations_applied() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def media_files() -> dict[str, bytes]:
    """Attachment files still kept on disk (already encrypted); none once they live in the
    database, and then the snapshot alone is the whole backup."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def manifest_build(ring: Keyring, media: list[str]) -> dict[str, Any]:
    receipt_kids, receipts = receipts_digest()
    head, checkpoint = _audit()
    needed = keys_needed(ring, receipt_kids)
    try:
        version = metadata.version("ethics-hotline")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "app_version": version,
        "vendor": connection.vendor,
        "migrations": migrations_applied(),
        "audit": head,
        "checkpoint": checkpoint,
        "keys": {
            purpose: {kid: key_check(purpose, kid, ring) for kid in sorted(kids)}
            for purpose, kids in needed.items()
        },
        "receipts": receipts,
        "counts": counts(),
        "media": media,
    }


def keys_compare(manifest: dict[str, Any], ring: Keyring) -> list[str]:
    """What the configured key file lacks, or holds differently, of what the backup needs."""
    problems = []
    for purpose, kids in manifest["keys"].items():
        for kid, check in kids.items():
            configured = key_check(purpose, kid, ring)
            if check is None:
                problems.append(f"{purpose} key {kid} was already missing when the backup was made")
            elif configured is None:
                problems.append(f"the key file has no {purpose} key {kid}")
            elif configured != check:
                problems.append(f"the key file's {purpose} key {kid} is not the one the data needs")
    return problems
