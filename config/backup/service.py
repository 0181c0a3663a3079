"""backup_create, backup_restore and backups_list: what the commands call."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.backup import archive
from config.backup.manifest import keys_compare, manifest_build, media_files
from config.backup.snapshot import (
    SnapshotError,
    database_filename,
    database_is_empty,
    snapshot_load,
    snapshot_take,
)
from config.backup.verify import Check, restore_verify
from core.keyring import keyring


class RestoreRefused(Exception):
    """Nothing was changed; the message says why and what the operator should do."""


def backup_create(*, path: Path, recipients: list[str]) -> dict[str, Any]:
    """Snapshot, manifest and attachment files, encrypted to `recipients`, written to path."""
    parsed = archive.recipients_parse(recipients)
    ring = keyring()

    def describe() -> tuple[dict[str, Any], dict[str, bytes]]:
        media = media_files()
        return manifest_build(ring, sorted(media)), media

    database, (manifest, media) = snapshot_take(describe)
    contents = archive.Contents(manifest=manifest, database=database, media=media)
    archive.encrypt_to(path, archive.pack(contents, database_name=database_filename()), parsed)
    return manifest


def _open(path: Path, identity: Path) -> archive.Contents:
    try:
        contents = archive.unpack(archive.decrypt_from(path, archive.identities_read(identity)))
    except archive.ArchiveError as exc:
        raise RestoreRefused(str(exc)) from exc
    if contents.manifest.get("format") != "ethics-hotline/backup/v1":
        raise RestoreRefused("the archive's manifest is of an unknown format")
    return contents


def _media_restore(media: dict[str, bytes]) -> None:
    root = Path(settings.MEDIA_ROOT).resolve()
    for name, data in media.items():
        target = (root / name).resolve()
        if not target.is_relative_to(root):
            raise RestoreRefused(f"the backup names a file outside MEDIA_ROOT: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def backup_restore(
    *, path: Path, identity: Path, kit: dict[str, Any] | None = None, passphrase: str = ""
) -> tuple[dict[str, Any], list[Check]]:
    """Refuse, changing nothing, unless the key file matches and the database is empty;
    then load the snapshot and the files and verify them."""
    contents = _open(path, identity)
    try:
        ring = keyring()
    except ImproperlyConfigured as exc:
        raise RestoreRefused(f"no usable key file: {exc}") from exc
    problems = keys_compare(contents.manifest, ring)
    if problems:
        raise RestoreRefused(
            f"the configured key file ({settings.HOTLINE_KEYS_FILE}) does not match this "
            "backup: " + "; ".join(problems) + ". Put the key file saved with the backup in "
            "place (HOTLINE_KEYS_FILE) and run restore again; without it receipts, TOTP "
            "devices and checkpoints stay unusable."
        )
    if not database_is_empty():
        raise RestoreRefused("the configured database is not empty: restore only into a new one")
    root = Path(settings.MEDIA_ROOT)
    if contents.media and root.is_dir() and any(root.rglob("*")):
        raise RestoreRefused(f"MEDIA_ROOT ({root}) is not empty")
    try:
        snapshot_load(vendor=contents.manifest["vendor"], data=contents.database)
    except SnapshotError as exc:
        raise RestoreRefused(str(exc)) from exc
    _media_restore(contents.media)
    return contents.manifest, restore_verify(contents.manifest, kit=kit, passphrase=passphrase)


@dataclass(frozen=True)
class Listed:
    path: Path
    made: datetime
    expired: bool


def backups_list(*, directory: Path, now: datetime | None = None) -> list[Listed]:
    """Backups in `directory`, oldest first, flagged once older than the retention period:
    a backup still holds the cases purged since it was made."""
    now = now or datetime.now(UTC)
    keep = timedelta(days=settings.HOTLINE_BACKUP_RETENTION_DAYS)
    listed = []
    for path in sorted(directory.glob("*.age")):
        made = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        listed.append(Listed(path=path, made=made, expired=now - made > keep))
    return sorted(listed, key=lambda item: item.made)
