"""Reading the rollup: a big subtree's tally from pre-computed rows.

The rows (audit.IndicatorRollup) hold each organisation's own cases and register rows per
fiscal year, made by indicators.rollup_build with the same grouped queries as the raw
computation, and for big organisations their sum over the subtree. What does not add up over
organisations (distinct violators, FAQ entries, headcount) is still read for the subtree.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from indicators.engine import subtree_figures_add
from indicators.models import IndicatorRollup, RollupYear
from indicators.tally import Scope, Tally


@dataclass(frozen=True)
class Freshness:
    """How current pre-computed figures are."""

    reference: datetime  # open cases and due dates are counted as at this moment
    refreshed: datetime  # case changes are included up to here


def tally_dump(tally: Tally) -> dict[str, Any]:
    """One organisation's tally as JSON, zeros left out to keep 78,500 rows small."""
    return {
        "counts": {name: value for name, value in tally.counts.items() if value},
        "amount": str(tally.amount),
        "tables": {name: cells for name, cells in tally.tables.items() if cells},
        "histograms": {
            name: {str(days): n for days, n in cells.items()}
            for name, cells in tally.histograms.items()
            if cells
        },
        "ratings": sorted(tally.ratings),
        "per_organisation": {
            str(pk): row for pk, row in tally.per_organisation.items() if row.get("cases")
        },
    }


def tally_load(data: dict[str, Any]) -> Tally:
    return Tally(
        counts=data["counts"],
        amount=Decimal(data["amount"]),
        tables=data["tables"],
        histograms={
            name: {int(days): n for days, n in cells.items()}
            for name, cells in data["histograms"].items()
        },
        ratings=data["ratings"],
        per_organisation={int(pk): row for pk, row in data["per_organisation"].items()},
    )


def rollup_read(scope: Scope) -> tuple[Tally, Freshness] | None:
    """A big subtree's tally from its pre-computed sum, or None where the raw computation is to
    be used: filtered scopes (rows are per organisation, not per category or channel), years
    not built, another reference moment than the rollup's, and subtrees too small to have a
    sum (they are quick to count and then always current)."""
    if scope.is_filtered:
        return None
    year = RollupYear.objects.filter(fiscal_year=scope.fiscal_year.be).first()
    if year is None or (scope.now is not None and scope.reference != year.reference):
        return None
    data = (
        IndicatorRollup.objects.filter(
            fiscal_year=year.fiscal_year, organisation=scope.organisation, subtree=True
        )
        .values_list("tally", flat=True)
        .first()
    )
    if data is None:
        return None
    tally = subtree_figures_add(scope, tally_load(data))
    return tally, Freshness(reference=year.reference, refreshed=year.refreshed)
