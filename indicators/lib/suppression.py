"""Small-count suppression for published figures (docs/architecture.md §5).

A count from 1 to threshold-1 is suppressed and shown as "<5". In a table whose total is
published, suppressed cells could still be worked out from the total and the cells shown (one
suppressed cell is the total minus the rest; two cells of "<5" summing to 8 are both 4), so
more cells are suppressed until none can be (complementary suppression): a zero cell first,
which is truthfully "<5" too, else the smallest other cell, shown as "x" (and when no cell is
left, every suppressed cell becomes "x"). A table whose total
is below the threshold shows every cell as "<5". Rates are only shown over at least
`threshold` cases.

What a reader can infer is modelled in `feasible_range`: a "<5" cell is 0..threshold-1, an "x"
cell any count, and the suppressed cells add up to the total minus the cells shown.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings

K = TypeVar("K")

DEFAULT_THRESHOLD = 5
CROSS_ORGANISATION_MINIMUM = 10  # organisations with fewer cases stay out of cross-org medians


def threshold() -> int:
    return int(getattr(settings, "HOTLINE_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def is_small(count: int, limit: int) -> bool:
    return 0 < count < limit


SMALL = "small"  # shown as "<5": 0 to threshold-1
HIDDEN = "hidden"  # shown as "x": suppressed to protect another cell


@dataclass(frozen=True)
class Cell:
    count: int
    mark: str = ""  # "", SMALL or HIDDEN

    @property
    def suppressed(self) -> bool:
        return bool(self.mark)

    def shown(self, limit: int) -> int | str:
        if self.mark == SMALL:
            return f"<{limit}"
        if self.mark == HIDDEN:
            return "x"
        return self.count


def feasible_range(marks: Mapping[K, str], hidden_sum: int, limit: int, key: K) -> tuple[int, int]:
    """The values a reader could still consider for the suppressed cell `key`."""

    def high(k: K) -> int:
        return limit - 1 if marks[k] == SMALL else hidden_sum

    others = [k for k in marks if marks[k] and k != key]
    low = max(0, hidden_sum - sum(high(k) for k in others))
    return low, min(high(key), hidden_sum)


def _recoverable(cells: Mapping[K, int], marks: Mapping[K, str], limit: int) -> bool:
    hidden_sum = sum(count for key, count in cells.items() if marks[key])
    return any(
        marks[key] and len(set(feasible_range(marks, hidden_sum, limit, key))) == 1 for key in cells
    )


def table_suppress(cells: Mapping[K, int], limit: int) -> dict[K, Cell]:
    """Suppress the small cells of a one-way table whose total is published."""
    total = sum(cells.values())
    if 0 < total < limit:
        return {key: Cell(count, SMALL) for key, count in cells.items()}
    marks = {key: SMALL if is_small(count, limit) else "" for key, count in cells.items()}
    while any(marks.values()) and _recoverable(cells, marks, limit):
        candidates = [key for key in cells if not marks[key]]
        if not candidates:
            # Nothing left to hide (a table of 4 and 4 whose total is 8): say only "hidden".
            marks = {key: HIDDEN if mark else "" for key, mark in marks.items()}
            break
        zero = [key for key in candidates if cells[key] == 0]
        if zero:
            marks[zero[0]] = SMALL
        else:
            marks[min(candidates, key=lambda key: cells[key])] = HIDDEN
    return {key: Cell(count, marks[key]) for key, count in cells.items()}


def count_suppress(count: int, limit: int) -> Cell:
    """A count standing alone (not in a table): only the small-count rule applies."""
    return Cell(count, SMALL if is_small(count, limit) else "")


def rate(numerator: int, denominator: int, limit: int) -> float | None:
    """A share, or None (not shown) over fewer than `limit` cases."""
    if denominator < max(limit, 1):
        return None
    return numerator / denominator


def change(current: int, previous: int) -> float | None:
    """Relative change against the previous year, or None when that year had none."""
    if previous == 0:
        return None
    return (current - previous) / previous
