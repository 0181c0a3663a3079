"""The public ITA page of an organisation, to link from its own website: no script, no cookie,
nothing from another origin."""

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.lib.dates import local_date
from core.lib.fiscal import fiscal_year_of
from core.selectors import organisation_by_code
from indicators.ita import ita_published_moment, ita_statistics
from indicators.lib.suppression import table_suppress, threshold
from indicators.lib.svg import column_chart


@require_safe
def ita_view(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_by_code(code)
    if organisation is None:
        raise Http404
    as_of = ita_published_moment(timezone.now())
    # On the first of October the new year has nothing to show yet: the year just ended is
    # shown whole.
    year = fiscal_year_of(as_of - timedelta(microseconds=1))
    statistics = ita_statistics(organisation, year, as_of)
    # The totals are published exactly, as the assessment asks; the months are a breakdown,
    # where a small count could point at one complainant, so they are suppressed.
    limit = threshold()
    cells = table_suppress(dict(statistics.months), limit)
    months = [(local_date(month).split(" ", 1)[1], cells[month].shown(limit)) for month in cells]
    context = {
        "organisation": organisation,
        "statistics": statistics,
        "months": months,
        "chart": column_chart(
            [label.split(" ")[0][:3] for label, _ in months],
            [n for _, n in months],
            str(organisation.name),
        ),
        "as_of": local_date(as_of),
    }
    return render(request, "indicators/ita.html", context)
