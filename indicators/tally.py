"""What the indicators are computed for (a Scope) and from (a Tally: additive counts)."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.lib.fiscal import FiscalYear
from core.models import Organisation


@dataclass(frozen=True)
class Scope:
    organisation: Organisation
    fiscal_year: FiscalYear
    category_id: int | None = None
    channel: str = ""
    organisation_type: str = ""
    now: datetime | None = None  # "today", for the current year's open cases and due dates

    @property
    def reference(self) -> datetime:
        """The moment the figures describe: the year's end, or now for the current year."""
        return min(self.now or timezone.now(), self.fiscal_year.end)

    @property
    def is_filtered(self) -> bool:
        return bool(self.category_id or self.channel or self.organisation_type)

    def previous_year(self) -> "Scope":
        return replace(self, fiscal_year=self.fiscal_year.previous)


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)
    amount: Decimal = Decimal(0)
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    histograms: dict[str, dict[int, int]] = field(default_factory=dict)
    # organisation id -> {"cases": n, "reports": n} for drill-down and cross-organisation medians
    per_organisation: dict[int, dict[str, int]] = field(default_factory=dict)
    distinct_violators: int = 0
    ratings: list[int] = field(default_factory=list)
    faq_entries: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return tally_sum([self, other])


def tally_sum(tallies: Iterable[Tally], *, minus: Iterable[Tally] = ()) -> Tally:
    """The sum of many tallies, added in place: thousands of organisations' rows stay linear.
    `minus` takes tallies away again (a row being replaced), which may leave zeros behind."""
    total = Tally()
    for sign, group in ((1, tallies), (-1, minus)):
        for tally in group:
            _add_into(total.counts, tally.counts, sign)
            total.amount += sign * tally.amount
            for name, table in tally.tables.items():
                _add_into(total.tables.setdefault(name, {}), table, sign)
            for name, histogram in tally.histograms.items():
                _add_into(total.histograms.setdefault(name, {}), histogram, sign)
            for pk, row in tally.per_organisation.items():
                _add_into(total.per_organisation.setdefault(pk, {}), row, sign)
            total.distinct_violators += sign * tally.distinct_violators
            if sign > 0:
                total.ratings.extend(tally.ratings)
            else:
                for rating in tally.ratings:
                    total.ratings.remove(rating)
            total.faq_entries += sign * tally.faq_entries
    return total


def _add_into(total: dict[Any, int], part: dict[Any, int], sign: int = 1) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + sign * value
