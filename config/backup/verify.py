"""The checks after a restore, each saying what it proves (README "Backup and restore")."""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.selectors import chain_verify
from cases.recovery import KitError, recovery_sample_open
from config.backup.manifest import counts, migrations_applied, receipts_digest
from core.models import SealedTOTPDevice


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_migrations(manifest: dict[str, Any]) -> Check:
    applied = migrations_applied()
    if applied != manifest["migrations"]:
        return Check("migrations", False, "the applied migrations differ from the manifest's")
    plan = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
    later = f"; this code has {len(plan)} newer ones: run migrate" if plan else ""
    return Check("migrations", True, f"{len(applied)} applied, as in the manifest{later}")


def check_audit(manifest: dict[str, Any]) -> Check:
    """The chain verifies link by link from the start to the head the backup recorded, and
    against the newest checkpoint under the key file's signing key."""
    report = chain_verify()
    want = manifest["audit"]
    if not report.ok:
        return Check("audit chain", False, f"broken at #{report.bad_seq}: {report.problem}")
    if (report.count, report.head) != (want["seq"], want["head"]):
        return Check(
            "audit chain", False, f"ends at #{report.count}, the manifest at #{want['seq']}"
        )
    signed = (
        f", checkpoint #{report.checkpoint_seq} signature holds" if report.checkpoint_seq else ""
    )
    return Check("audit chain", True, f"{report.count} events to head {report.head[:16]}…{signed}")


def check_receipts(manifest: dict[str, Any]) -> Check:
    """The restored lookups are the backed-up ones, and (keys_compare, before loading) the
    key file holds the very HMAC keys they were computed under: a reporter's receipt finds
    their case again."""
    _, receipts = receipts_digest()
    if receipts != manifest["receipts"]:
        return Check(
            "receipt lookups", False, "the restored receipt lookups differ from the backup's"
        )
    kids = ", ".join(manifest["keys"]["hmac"])
    return Check("receipt lookups", True, f"{receipts['count']} match, keyed by {kids}")


def check_totp() -> Check:
    """One device per TOTP key id opens under the key file: staff can still sign in."""
    devices = {d.key_id: d for d in SealedTOTPDevice.objects.order_by("pk")}
    failed = [kid for kid, device in devices.items() if not device.secret_opens()]
    if failed:
        return Check("totp secrets", False, f"do not open under {', '.join(failed)}")
    return Check("totp secrets", True, f"a device under each of {len(devices)} key id(s) opens")


def check_counts(manifest: dict[str, Any]) -> Check:
    differ = sorted(k for k, v in counts().items() if manifest["counts"].get(k, 0) != v)
    if differ:
        return Check("row counts", False, f"differ in {', '.join(differ)}")
    return Check("row counts", True, f"{sum(manifest['counts'].values())} rows, as in the manifest")


def check_kit(kit: dict[str, Any], passphrase: str) -> Check:
    """Cases wrapped to the kit's recovery key unwrap and their titles decrypt."""
    try:
        sample = recovery_sample_open(kit=kit, passphrase=passphrase)
    except KitError as exc:
        return Check("recovery kit", False, str(exc))
    if sample.tried == 0:
        return Check("recovery kit", True, f"{sample.kid} opens; no case is wrapped to it")
    ok = sample.opened == sample.tried
    return Check("recovery kit", ok, f"{sample.opened} of {sample.tried} sampled cases decrypt")


def restore_verify(
    manifest: dict[str, Any], *, kit: dict[str, Any] | None, passphrase: str
) -> list[Check]:
    checks = [
        check_migrations(manifest),
        check_counts(manifest),
        check_audit(manifest),
        check_receipts(manifest),
        check_totp(),
    ]
    if kit is not None:
        checks.append(check_kit(kit, passphrase))
    return checks
