"""The raw computation: counts, sums and histograms straight from the database.

Every figure is a database aggregate (conditional Count/Sum, GROUP BY) over an indexed subtree
filter (organisation__path__startswith) and the fiscal year's date range; no loop over cases
in Python. Live cases (cases.Case) and imported register rows (audit.HistoricalCase) are tallied
separately and added up. This is the reference computation: the rollup (indicators.rollup)
runs the same queries grouped by organisation and is tested against it.
"""

from django.db.models import QuerySet, Sum

from cases.models import Case, SubjectPseudonym
from core.models import Organisation
from indicators.historical import historical_tallies
from indicators.interfaces import faq_entries_published
from indicators.live import COMPLETED, SUBSTANTIATED, live_tallies
from indicators.models import HistoricalCase
from indicators.tally import Scope, Tally

__all__ = ["COMPLETED", "Scope", "Tally", "year_tally"]


def live_cases(scope: Scope) -> QuerySet[Case]:
    """All live cases of the subtree under the scope's filters, of any year."""
    cases = Case.objects.filter(organisation__path__startswith=scope.organisation.path)
    if scope.category_id:
        cases = cases.filter(category_id=scope.category_id)
    if scope.channel:
        cases = cases.filter(channel=scope.channel)
    if scope.organisation_type:
        cases = cases.filter(organisation__type=scope.organisation_type)
    return cases


def historical_cases(scope: Scope) -> QuerySet[HistoricalCase]:
    rows = HistoricalCase.objects.filter(organisation__path__startswith=scope.organisation.path)
    if scope.category_id:
        rows = rows.filter(category_id=scope.category_id)
    if scope.channel:
        rows = rows.filter(channel=scope.channel)
    if scope.organisation_type:
        rows = rows.filter(organisation__type=scope.organisation_type)
    return rows


def live_tally(scope: Scope) -> Tally:
    """Tally the live cases received in the scope's fiscal year."""
    tallies = live_tallies(
        live_cases(scope), scope.fiscal_year, scope.reference, by_organisation=False
    )
    return tallies[None]


def historical_tally(scope: Scope) -> Tally:
    """Tally the imported register rows received in the scope's fiscal year (by date)."""
    tallies = historical_tallies(
        historical_cases(scope), scope.fiscal_year, scope.reference, by_organisation=False
    )
    return tallies[None]


def violators_count(scope: Scope) -> int:
    """Distinct pseudonyms over live and imported substantiated reports (a UNION de-duplicates)."""
    fy = scope.fiscal_year
    live = SubjectPseudonym.objects.filter(
        case__in=live_cases(scope).filter(
            created__gte=fy.start, created__lt=fy.end, finding__in=SUBSTANTIATED
        )
    ).values_list("pseudonym")
    imported = (
        historical_cases(scope)
        .filter(
            received_date__gte=fy.first_day,
            received_date__lte=fy.last_day,
            finding__in=SUBSTANTIATED,
        )
        .exclude(subject_pseudonym="")
        .values_list("subject_pseudonym")
    )
    return live.union(imported).count()


def year_tally(scope: Scope) -> Tally:
    """Everything the indicators need for one scope and fiscal year."""
    tally = live_tally(scope)
    if historical_cases(scope).exists():  # most subtrees have no register: skip its queries
        tally = tally + historical_tally(scope)
    return subtree_figures_add(scope, tally)


def subtree_figures_add(scope: Scope, tally: Tally) -> Tally:
    """The figures that do not add up over organisations: a person found responsible in two
    organisations is one violator; FAQ entries and headcount are read for the whole subtree."""
    tally.distinct_violators = violators_count(scope)
    tally.faq_entries = faq_entries_published(scope.organisation, scope.fiscal_year)
    headcount = Organisation.objects.subtree_of(scope.organisation).aggregate(h=Sum("headcount"))
    tally.counts["headcount"] = int(headcount["h"] or 0)
    return tally
