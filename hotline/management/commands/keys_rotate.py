import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.keyring import new_hmac_entry, new_signing_entry, parse_keyring, write_keyfile

NEW_ENTRY = {"signing": new_signing_entry, "hmac": new_hmac_entry}


class Command(BaseCommand):
    help = (
        "Put a new key in front of the old ones for one purpose. New signatures and MACs use it; "
        "the old keys stay for verifying what they made until you remove them from the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("purpose", choices=sorted(NEW_ENTRY))
        parser.add_argument("--path", type=Path, default=None, help="defaults to HOTLINE_KEYS_FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or Path(settings.HOTLINE_KEYS_FILE)
        if not path.exists():
            raise CommandError(f"no key file at {path}")
        data = json.loads(path.read_text())
        parse_keyring(data)  # refuse to rewrite a file that is already broken
        entry = NEW_ENTRY[options["purpose"]]()
        data[options["purpose"]] = [entry, *data[options["purpose"]]]
        write_keyfile(path, data)
        self.stdout.write(f"new {options['purpose']} key {entry['kid']}; restart the hotline")
