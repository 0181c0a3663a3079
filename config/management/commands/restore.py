import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.backup.service import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured, empty database and verify it; refuses, "
        "changing nothing, without the matching age identity and server key file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", type=Path, required=True, help="the age identity file")
        parser.add_argument("--kit", type=Path, help="a recovery kit, to decrypt sample cases")
        parser.add_argument("--passphrase-file", type=Path, help="the kit's passphrase")

    def _kit(self, options: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
        if options["kit"] is None:
            return None, ""
        if options["passphrase_file"] is None:
            raise CommandError("--kit needs --passphrase-file")
        try:
            kit = json.loads(options["kit"].read_text())
            passphrase = options["passphrase_file"].read_text().strip()
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the kit or its passphrase: {exc}") from exc
        return kit, passphrase

    def handle(self, *args: Any, **options: Any) -> None:
        kit, passphrase = self._kit(options)
        started = time.monotonic()
        try:
            manifest, checks = backup_restore(
                path=options["file"], identity=options["identity"], kit=kit, passphrase=passphrase
            )
        except RestoreRefused as exc:
            raise CommandError(f"restore refused, nothing was changed: {exc}") from exc
        self.stdout.write(
            f"restored the backup of {manifest['created']} in {time.monotonic() - started:.1f} s"
        )
        for check in checks:
            self.stdout.write(f"{'OK  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        failed = [check.name for check in checks if not check.ok]
        if failed:
            raise CommandError(f"restored, but verification FAILED: {', '.join(failed)}")
        self.stdout.write("restore verified")
