from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.keyring import load_keyfile_data, parse_keyring


class Command(BaseCommand):
    help = (
        "Print the key file's fingerprint (of key ids, roles and one-way checks, no secret). "
        "Every process logs its own at start; hosts that print different ones hold different "
        "key files."
    )
    requires_system_checks: list[str] = []  # it reports the key file's problem itself

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ring = parse_keyring(load_keyfile_data())
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(ring.fingerprint)
        for purpose, keys in (("signing", ring.signing), ("hmac", ring.hmac), ("totp", ring.totp)):
            for key in keys:
                self.stdout.write(f"{purpose} {key.kid}{' (staged)' if key.staged else ''}")
        for kid, _ in ring.signing_public:
            self.stdout.write(f"signing {kid} (public only)")
        self.stdout.write(f"subject {ring.subject.kid}")
