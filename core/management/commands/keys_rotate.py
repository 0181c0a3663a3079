import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.keyring import NEW_ENTRY, parse_keyring, write_keyfile


class Command(BaseCommand):
    help = (
        "Put a new key in front of the old ones for one purpose. New signatures, MACs and sealed "
        "TOTP secrets use it; the old keys stay for verifying and opening what they made until "
        "you remove them from the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("purpose", choices=sorted(NEW_ENTRY))
        parser.add_argument("--path", type=Path, default=None, help="defaults to HOTLINE_KEYS_FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or Path(settings.HOTLINE_KEYS_FILE)
        if not path.exists():
            raise CommandError(f"no key file at {path}")
        purpose = options["purpose"]
        data = json.loads(path.read_text())
        entry = NEW_ENTRY[purpose]()
        # A purpose the file lacks (a file older than it) starts with this key.
        data[purpose] = [entry, *data.get(purpose, [])]
        parse_keyring(data)  # refuse to write a file that would be broken
        write_keyfile(path, data)
        self.stdout.write(f"new {purpose} key {entry['kid']}; restart the hotline")
