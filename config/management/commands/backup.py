import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.backup.archive import ArchiveError
from config.backup.service import backup_create, backups_list
from config.backup.snapshot import SnapshotError


class Command(BaseCommand):
    help = (
        "Write an age-encrypted backup (database snapshot, manifest, attachment files) to FILE, "
        "or with --list DIR flag the backups older than HOTLINE_BACKUP_RETENTION_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", type=Path, help="where to write, e.g. …/2026-12-02.age"
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="an age recipient (age1…); default: HOTLINE_BACKUP_RECIPIENTS",
        )
        parser.add_argument("--list", type=Path, metavar="DIR", help="list the backups in DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list(options["list"])
            return
        if options["file"] is None:
            raise CommandError("give the backup file to write, or --list DIR")
        started = time.monotonic()
        try:
            manifest = backup_create(
                path=options["file"],
                recipients=options["recipient"] or settings.HOTLINE_BACKUP_RECIPIENTS,
            )
        except (ArchiveError, SnapshotError) as exc:
            raise CommandError(str(exc)) from exc
        audit = manifest["audit"]
        self.stdout.write(
            f"backup written to {options['file']} in {time.monotonic() - started:.1f} s: "
            f"{manifest['counts'].get('cases.Case', 0)} cases, audit chain #{audit['seq']} "
            f"head {audit['head']}, {len(manifest['media'])} attachment files"
        )
        keys = ", ".join(kid for kids in manifest["keys"].values() for kid in kids)
        self.stdout.write(f"a restore needs the key file holding: {keys}")

    def _list(self, directory: Path) -> None:
        listed = backups_list(directory=directory)
        days = settings.HOTLINE_BACKUP_RETENTION_DAYS
        for item in listed:
            flag = f"  EXPIRED: older than {days} days, delete it" if item.expired else ""
            self.stdout.write(f"{item.made:%Y-%m-%d %H:%M} UTC  {item.path}{flag}")
        expired = sum(item.expired for item in listed)
        if expired:
            # Non-zero, so a cron job mails it: an old backup still holds purged cases.
            raise CommandError(
                f"{expired} backup(s) older than {days} days still hold purged cases"
            )
