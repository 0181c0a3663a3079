"""Figures owned by other parts of the system, read through one small function each."""

from collections.abc import Iterable

from django.db.models import QuerySet

from core.lib.fiscal import FiscalYear
from core.models import Organisation


def ratings_for(case_ids: QuerySet | Iterable[int]) -> list[int]:
    """The reporters' ratings (1 to 5) of the given cases, one per rated case.

    `case_ids` may be a lazy values_list queryset: use it as a subquery (`case_id__in=`),
    never by listing a million ids.
    """
    from cases.models import Rating

    return list(Rating.objects.filter(case_id__in=case_ids).values_list("score", flat=True))


def ratings_by_organisation(case_ids: QuerySet) -> dict[int, list[int]]:
    """The same ratings, by the rated case's organisation."""
    from cases.models import Rating

    ratings: dict[int, list[int]] = {}
    rows = Rating.objects.filter(case_id__in=case_ids)
    for organisation_id, score in rows.values_list("case__organisation_id", "score"):
        ratings.setdefault(organisation_id, []).append(score)
    return ratings


def faq_entries_published(organisation: Organisation, fiscal_year: FiscalYear) -> int:
    """How many FAQ entries of the organisation's subtree were published in the year."""
    from cases.staff_selectors import faq_entries_published as published

    subtree = Organisation.objects.subtree_of(organisation).values("pk")
    return published(subtree, since=fiscal_year.start, before=fiscal_year.end)
