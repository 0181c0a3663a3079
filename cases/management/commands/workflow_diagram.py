import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cases.lib.diagram import dot
from cases.models import CaseKind, State
from cases.workflow import transition_rules


def diagrams() -> dict[str, str]:
    """The DOT text of each kind's machine, keyed by file name."""
    return {
        f"workflow-{kind}.dot": dot(
            f"{kind} workflow",
            State.RECEIVED,
            [rule for rule in transition_rules() if kind in rule.kinds],
        )
        for kind in CaseKind.values
    }


class Command(BaseCommand):
    help = "Write the case state machines as DOT (and SVG where graphviz is installed) to docs/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "docs")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        graphviz = shutil.which("dot")
        for name, text in diagrams().items():
            path = out / name
            path.write_text(text)
            self.stdout.write(f"wrote {path}")
            if graphviz:
                svg = path.with_suffix(".svg")
                subprocess.run([graphviz, "-Tsvg", str(path), "-o", str(svg)], check=True)  # noqa: S603
                self.stdout.write(f"wrote {svg}")
