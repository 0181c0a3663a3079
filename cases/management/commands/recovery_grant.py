import getpass
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.recovery import KitError, recovery_grant
from core.models import Organisation, User


class Command(BaseCommand):
    help = (
        "Use an organisation's recovery kit to wrap its case keys to a person's current key "
        "pair: after their password was reset, or when they join."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--user", required=True, help="username of the person")
        parser.add_argument("--kit", required=True, type=Path, help="the recovery kit file")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        user = User.objects.filter(username=options["user"]).first()
        if organisation is None or user is None:
            raise CommandError("unknown organisation or user")
        try:
            kit = json.loads(options["kit"].read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the kit: {exc}") from exc
        passphrase = getpass.getpass("Passphrase of the kit: ")
        try:
            granted = recovery_grant(
                organisation=organisation, user=user, kit=kit, passphrase=passphrase
            )
        except KitError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{granted} keys wrapped to {user.username}")
