"""One query shape for the raw computation and the rollup: the same aggregates, either over the
whole filtered set (one answer, keyed None) or GROUP BY organisation (one answer per
organisation). Sharing it keeps the rollup from drifting away from the reference."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet

from indicators.tally import Tally

ORGANISATION = "organisation_id"
Key = int | None


def grouped_rows(
    rows: QuerySet, *, by_organisation: bool, keys: tuple[str, ...] = (), **aggregates: Any
) -> Iterator[tuple[Key, dict[str, Any]]]:
    """(organisation id or None, row) for each group; the row holds `keys` and `aggregates`."""
    group = (ORGANISATION,) if by_organisation else ()
    if not group and not keys:
        yield None, rows.aggregate(**aggregates)
        return
    for row in rows.values(*group, *keys).annotate(**aggregates):
        yield row.pop(ORGANISATION, None), row


def counted(
    rows: QuerySet, *, by_organisation: bool, key: str, expression: Any = None
) -> Iterator[tuple[Key, Any, int]]:
    """(organisation id or None, value of `key`, how many rows have it)."""
    source = rows.annotate(**{key: expression}) if expression is not None else rows
    for group, row in grouped_rows(
        source, by_organisation=by_organisation, keys=(key,), n=Count("pk")
    ):
        yield group, row[key], row["n"]


class Tallies(dict[Key, Tally]):
    """Tallies by organisation (or the single None one), made on first use."""

    def __missing__(self, key: Key) -> Tally:
        tally = self[key] = Tally()
        return tally
