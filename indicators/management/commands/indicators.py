import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.models import Category
from core.lib.fiscal import FiscalYear, fiscal_year_of
from core.models import Organisation
from indicators.engine import Scope
from indicators.exports import csv_text, long_rows
from indicators.figures import indicators_report


class Command(BaseCommand):
    help = (
        "Print an organisation subtree's indicators for a Thai fiscal year, with small counts "
        "suppressed as on the auditor's dashboard."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument(
            "--fiscal-year", type=int, help="Buddhist Era, e.g. 2569 (default: the current one)"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--category", default="", help="only this category (its code)")
        parser.add_argument("--channel", default="", help="only this channel")
        parser.add_argument("--org-type", default="", help="only organisations of this type")
        parser.add_argument(
            "--raw",
            action="store_true",
            help="compute from the cases even where the pre-computed rollup could be read",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with code {options['org']!r}")
        year = options["fiscal_year"]
        fiscal_year = FiscalYear(year) if year else fiscal_year_of(timezone.now())
        category_id = None
        if options["category"]:
            category = Category.objects.filter(code=options["category"]).first()
            if category is None:
                raise CommandError(f"no category with code {options['category']!r}")
            category_id = category.pk
        scope = Scope(
            organisation=organisation,
            fiscal_year=fiscal_year,
            category_id=category_id,
            channel=options["channel"],
            organisation_type=options["org_type"],
        )
        report, _ = indicators_report(scope, rollup=not options["raw"])
        if report.freshness is not None:  # stderr, so the JSON or CSV on stdout stays clean
            self.stderr.write(
                f"pre-computed figures: open cases and deadlines as of "
                f"{report.freshness.reference.isoformat()}, case changes up to "
                f"{report.freshness.refreshed.isoformat()} (--raw to compute from the cases)"
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(csv_text(long_rows(report)), ending="")
