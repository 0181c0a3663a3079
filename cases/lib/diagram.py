"""DOT text for a state machine, from its transition rules."""

from collections.abc import Iterable
from typing import Protocol


class Rule(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def target(self) -> str: ...
    @property
    def roles(self) -> tuple[str, ...]: ...


def dot(title: str, initial: str, rules: Iterable[Rule]) -> str:
    lines = [
        f'digraph "{title}" {{',
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        "  start [shape=point];",
        f"  start -> {initial};",
    ]
    for rule in sorted(rules, key=lambda r: (r.sources, r.name)):
        roles = ", ".join(rule.roles)
        for source in rule.sources:
            lines.append(f'  {source} -> {rule.target} [label="{rule.name}\\n({roles})"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
