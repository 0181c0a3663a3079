from datetime import date

from core.lib.fiscal import FiscalYear, fiscal_year_of
from indicators.lib.histograms import histogram_quantile, median
from tests.audit.indicator_fixtures import at


def test_fiscal_year_2569_runs_from_october_2025_to_september_2026():
    year = FiscalYear(2569)
    assert (year.first_day, year.last_day) == (date(2025, 10, 1), date(2026, 9, 30))
    assert year.start == at(2025, 10, 1, 0, 0)
    assert year.end == at(2026, 10, 1, 0, 0)
    assert year.months()[0] == date(2025, 10, 1) and year.months()[-1] == date(2026, 9, 1)
    assert year.previous == FiscalYear(2568)


def test_a_moment_belongs_to_the_year_of_its_bangkok_date():
    assert fiscal_year_of(at(2025, 9, 30, 23, 59, 59)) == FiscalYear(2568)
    assert fiscal_year_of(at(2025, 10, 1, 0, 0)) == FiscalYear(2569)
    # 1 October 00:30 in Bangkok is still 30 September in UTC
    assert fiscal_year_of(at(2025, 10, 1, 0, 30).astimezone(tz=None)) == FiscalYear(2569)
    assert fiscal_year_of(date(2026, 9, 30)) == FiscalYear(2569)


def test_quantiles_from_histograms_match_the_values_they_count():
    values = [1, 2, 2, 3, 10, 40]
    histogram = {v: values.count(v) for v in set(values)}
    assert histogram_quantile(histogram, 0.5) == median(values) == 2.5
    assert histogram_quantile(histogram, 0.9) == 25.0
    assert histogram_quantile({}, 0.5) is None
