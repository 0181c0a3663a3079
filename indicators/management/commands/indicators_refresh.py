import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.lib.fiscal import FiscalYear
from indicators.rollup_build import rollup_refresh, rollup_year_build, rollup_years


class Command(BaseCommand):
    help = (
        "Pre-compute the indicators' per-organisation rollup that the dashboard reads for big "
        "subtrees: by default every fiscal year is rebuilt; with --changed, only the "
        "organisations whose cases changed since the last refresh are recomputed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--changed", action="store_true", help="only organisations whose cases changed"
        )
        parser.add_argument(
            "--fiscal-year", type=int, help="rebuild only this year (Buddhist Era, e.g. 2569)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["changed"]:
            written = rollup_refresh()
        else:
            be = options["fiscal_year"]
            years = [FiscalYear(be)] if be else rollup_years()
            written = 0
            for year in years:
                written += rollup_year_build(fiscal_year=year)
                self.stdout.write(f"FY {year.be}: {time.perf_counter() - started:.1f} s")
        self.stdout.write(f"{written} rows written in {time.perf_counter() - started:.1f} s")
