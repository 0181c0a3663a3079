import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.keyring import NEVER_ROTATED, NEW_ENTRY, complete_keyfile, parse_keyring, write_keyfile


class Command(BaseCommand):
    help = (
        "Rotate the key of one purpose. On several hosts: --stage adds a key every host reads "
        "with but none writes with; copy the file to every host and restart each; then "
        "--activate makes it the writer (copy and restart again). Without either, the new key "
        "writes at once (one host only). Old keys stay for reading what they made until you "
        "remove them from the file. The subject key is never rotated."
    )
    requires_system_checks: list[str] = []  # it repairs what the key file check reports

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("purpose", choices=sorted(NEW_ENTRY))
        step = parser.add_mutually_exclusive_group()
        step.add_argument("--stage", action="store_true", help="add a read-only new key")
        step.add_argument("--activate", action="store_true", help="make the staged key write")
        parser.add_argument("--path", type=Path, default=None, help="defaults to HOTLINE_KEYS_FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or Path(settings.HOTLINE_KEYS_FILE)
        if not path.exists():
            raise CommandError(f"no key file at {path}")
        purpose = options["purpose"]
        if purpose in NEVER_ROTATED:
            raise CommandError(
                "the subject key is never rotated: a new one would count one person found "
                "responsible as two in the indicators"
            )
        data = json.loads(path.read_text())
        # A file older than a purpose gains it first: above all the subject key, copied from
        # the hmac key that is current before this rotation (core.keyring.complete_keyfile).
        added = complete_keyfile(data)
        if options["activate"]:
            message = self._activate(data, purpose)
        else:
            message = self._add(data, purpose, staged=options["stage"], fresh=purpose in added)
        parse_keyring(data)  # refuse to write a file that would be broken
        write_keyfile(path, data)
        for other in (p for p in added if p != purpose):
            self.stdout.write(f"added the missing {other} key {data[other][0]['kid']}")
        self.stdout.write(message)

    @staticmethod
    def _add(data: dict[str, Any], purpose: str, *, staged: bool, fresh: bool) -> str:
        if fresh:  # the purpose was missing: the key just added is all it has
            return f"new {purpose} key {data[purpose][0]['kid']}; restart the hotline"
        entries = data[purpose]
        if any(e.get("staged") for e in entries):
            raise CommandError(f"a {purpose} key is staged already: --activate it first")
        entry = NEW_ENTRY[purpose]()
        if staged:
            entry["staged"] = True
            data[purpose] = [entry, *entries]
            return (
                f"staged {purpose} key {entry['kid']}: copy {purpose!r} to every host, restart "
                f"each, then run keys_rotate {purpose} --activate"
            )
        data[purpose] = [entry, *entries]
        return f"new {purpose} key {entry['kid']}; restart the hotline"

    @staticmethod
    def _activate(data: dict[str, Any], purpose: str) -> str:
        entries = data[purpose]
        staged = next((e for e in entries if e.get("staged")), None)
        if staged is None:
            raise CommandError(f"no {purpose} key is staged: run keys_rotate {purpose} --stage")
        del staged["staged"]
        data[purpose] = [staged, *(e for e in entries if e is not staged)]
        return (
            f"{purpose} key {staged['kid']} now writes: copy the file to every host and "
            "restart each; keep the older keys while anything made under them is kept"
        )
