import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.services import checkpoint_create
from core.keyring import keyring


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head and print the checkpoint as one JSON line. "
        "Keep the printed lines outside this server: they prove later that nothing was removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--public-key", action="store_true", help="print the signing public key instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            key = keyring().current_signing
            self.stdout.write(f"{key.kid} {key.public_hex}")
            return
        checkpoint = checkpoint_create()
        self.stdout.write(json.dumps(checkpoint.as_dict()))
