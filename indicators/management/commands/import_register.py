from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.registers import RegisterInvalid, register_import


class Command(BaseCommand):
    help = (
        "Import a historical register of cases (CSV or XLSX, metadata only) so indicators have "
        "a baseline. All rows or none; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist")
        try:
            result = register_import(path=path, dry_run=options["dry_run"])
        except RegisterInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(invalid.errors)} error(s) in {path.name}: nothing was imported"
            ) from invalid
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{verb}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        )
