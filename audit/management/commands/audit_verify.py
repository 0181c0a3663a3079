import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.selectors import chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain against its newest signed checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            type=Path,
            help="a checkpoint file exported earlier (JSON lines); may be given more than once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = []
        for path in options["checkpoint"]:
            for line in path.read_text().splitlines():
                if line.strip():
                    extra.append(json.loads(line))
        report = chain_verify(extra_checkpoints=extra)
        if not report.ok:
            raise CommandError(
                f"audit chain is BROKEN at event #{report.bad_seq}: {report.problem}"
            )
        self.stdout.write(f"audit chain OK: {report.count} events, head {report.head}")
