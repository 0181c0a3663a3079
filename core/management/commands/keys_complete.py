import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.keyring import complete_keyfile, parse_keyring, write_keyfile


class Command(BaseCommand):
    help = (
        "Add the purposes a key file made by an older release lacks: the subject key as a "
        "copy of the current hmac key (so subject pseudonyms stay the same), a new totp key. "
        "Run it on one host, then copy the file to every host."
    )
    requires_system_checks: list[str] = []  # it repairs what the key file check reports

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=None, help="defaults to HOTLINE_KEYS_FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or Path(settings.HOTLINE_KEYS_FILE)
        if not path.exists():
            raise CommandError(f"no key file at {path}: create one with keys_create")
        data = json.loads(path.read_text())
        added = complete_keyfile(data)
        if not added:
            self.stdout.write(f"{path} has every purpose")
            return
        parse_keyring(data)  # refuse to write a file that would be broken
        write_keyfile(path, data)
        self.stdout.write(f"added {', '.join(added)} to {path}; copy it to every host")
