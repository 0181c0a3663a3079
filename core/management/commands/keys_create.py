from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.keyring import new_keyfile, write_keyfile


class Command(BaseCommand):
    help = (
        "Create the server key file (audit signing, HMAC, TOTP-secret and subject keys) with "
        "mode 0600."
    )
    requires_system_checks: list[str] = []  # the key file check would refuse: there is none yet

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=None, help="defaults to HOTLINE_KEYS_FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or Path(settings.HOTLINE_KEYS_FILE)
        if path.exists():
            raise CommandError(f"{path} exists; rotate keys with keys_rotate instead")
        write_keyfile(path, new_keyfile())
        self.stdout.write(f"created {path}; back it up somewhere safe, apart from the database")
