"""Reading the rollup: a big subtree's tally as the sum of its organisations' pre-computed rows.

The rows (audit.IndicatorRollup) hold each organisation's own cases and register rows per
fiscal year, made by audit.indicators.rollup_build with the same grouped queries as the raw
computation. What does not add up over organisations (distinct violators, FAQ entries,
headcount) is still read directly for the subtree.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit.indicators.engine import subtree_figures_add
from audit.indicators.tally import Scope, Tally, tally_sum
from audit.models_indicators import IndicatorRollup, RollupYear
from cases.models import Organisation

# Below this many organisations the raw computation takes well under 100 ms at national
# density (bench/RESULTS.md) and is always current, so small subtrees keep it.
ROLLUP_FROM_ORGANISATIONS = 50


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
    }


def tally_load(organisation_id: int, data: dict[str, Any]) -> Tally:
    counts = data["counts"]
    tally = Tally(
        counts=counts,
        amount=Decimal(data["amount"]),
        tables=data["tables"],
        histograms={
            name: {int(days): n for days, n in cells.items()}
            for name, cells in data["histograms"].items()
        },
        ratings=data["ratings"],
    )
    if counts.get("cases"):
        tally.per_organisation[organisation_id] = {
            "cases": counts["cases"],
            "reports": counts.get("reports", 0),
        }
    return tally


def rollup_usable(scope: Scope) -> RollupYear | None:
    """The year's rollup, if it can stand in for the raw computation of this scope."""
    if scope.is_filtered:  # rows are per organisation only, not per category or channel
        return None
    year = RollupYear.objects.filter(fiscal_year=scope.fiscal_year.be).first()
    if year is None or (scope.now is not None and scope.reference != year.reference):
        return None
    subtree = Organisation.objects.subtree_of(scope.organisation)
    if subtree.count() < ROLLUP_FROM_ORGANISATIONS:
        return None
    return year


def rollup_tally(scope: Scope, year: RollupYear) -> Tally:
    """The subtree's tally from its organisations' rows, with the non-additive figures."""
    rows = IndicatorRollup.objects.filter(
        fiscal_year=year.fiscal_year, organisation__path__startswith=scope.organisation.path
    ).values_list("organisation_id", "tally")
    tally = tally_sum(tally_load(pk, data) for pk, data in rows.iterator(chunk_size=2000))
    return subtree_figures_add(scope, tally)


def freshness_of(year: RollupYear) -> Freshness:
    return Freshness(reference=year.reference, refreshed=year.refreshed)
