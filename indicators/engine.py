"""The raw computation: counts, sums and histograms straight from the database.

Every figure is a database aggregate (indicators.tallies) over an indexed subtree filter
(organisation__path__startswith) and the fiscal year's date range, run over each source of case
facts (live cases and imported register rows, indicators.facts) and added up. This is the
reference computation: the rollup (indicators.rollup) runs the same queries grouped by
organisation and is tested against it.
"""

from django.db.models import QuerySet, Sum

from core.models import Organisation
from indicators.facts import SOURCES, Fact, Source, when
from indicators.interfaces import faq_entries_published
from indicators.tallies import tallies_count, year_rows
from indicators.tally import Counted, Scope, Tally, tally_sum

__all__ = ["Scope", "Tally", "year_tally"]


def scope_rows(source: Source, scope: Scope) -> QuerySet:
    """All rows of the source in the subtree under the scope's filters, of any year."""
    rows = source.rows().filter(organisation__path__startswith=scope.organisation.path)
    if scope.category_id:
        rows = rows.filter(category_id=scope.category_id)
    if scope.channel:
        rows = rows.filter(channel=scope.channel)
    if scope.organisation_type:
        rows = rows.filter(organisation__type=scope.organisation_type)
    return rows


def violators_count(scope: Scope) -> int:
    """Distinct pseudonyms over every source's substantiated reports (a UNION de-duplicates)."""
    fy, ref, substantiated = scope.fiscal_year, scope.reference, Fact.SUBSTANTIATED
    found = [
        source.pseudonyms(
            year_rows(source, scope_rows(source, scope), fy, ref, substantiated).filter(
                when(substantiated)
            )
        )
        for source in SOURCES
    ]
    return found[0].union(*found[1:]).count()


def year_tally(scope: Scope) -> Tally:
    """Everything the indicators need for one scope and fiscal year."""
    tallies = []
    for source in SOURCES:
        rows = scope_rows(source, scope)
        if rows.exists():  # most subtrees have no register: skip its queries
            tallies.append(
                tallies_count(
                    source, rows, scope.fiscal_year, scope.reference, by_organisation=False
                )[None]
            )
    return subtree_figures_add(scope, tally_sum(tallies))


def subtree_figures_add(scope: Scope, tally: Tally) -> Tally:
    """The figures that do not add up over organisations: a person found responsible in two
    organisations is one violator; FAQ entries and headcount are read for the whole subtree."""
    tally.distinct_violators = violators_count(scope)
    tally.faq_entries = faq_entries_published(scope.organisation, scope.fiscal_year)
    headcount = Organisation.objects.subtree_of(scope.organisation).aggregate(h=Sum("headcount"))
    tally.counts[Counted.HEADCOUNT] = int(headcount["h"] or 0)
    return tally
