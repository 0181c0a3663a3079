import getpass
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.recovery import KitError, kit_dumps, recovery_kit_create
from core.models import Organisation


class Command(BaseCommand):
    help = (
        "Create an organisation's recovery key pair. The private half is written once, "
        "sealed under a passphrase, to the file named by --out: give it to the ethics "
        "committee to keep offline. It is not stored on the server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--out", required=True, type=Path, help="where to write the kit")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with code {options['org']}")
        out: Path = options["out"]
        if out.exists():
            raise CommandError(f"{out} exists; a kit is never overwritten")
        passphrase = getpass.getpass("Passphrase for the kit (12 characters or more): ")
        if getpass.getpass("The same passphrase again: ") != passphrase:
            raise CommandError("the passphrases differ")
        try:
            key, kit = recovery_kit_create(organisation=organisation, passphrase=passphrase)
        except KitError as exc:
            raise CommandError(str(exc)) from exc
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(kit_dumps(kit))
        self.stdout.write(f"recovery key {key.kid} for {organisation.code} written to {out}")
