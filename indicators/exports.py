"""Indicator tables as CSV and XLSX, with the same suppression as the dashboard."""

import csv
import io
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.lib.fiscal import BANGKOK
from indicators.figures import Report
from indicators.lib.suppression import threshold
from indicators.tally import Scope

SUMMARY = "summary"
ABOUT = "about"


def table_names(report: Report) -> list[str]:
    """What can be exported: the summary of every single figure, and each breakdown table."""
    return [SUMMARY, *(f.id for f in report.figures.values() if f.is_table)]


def _display(value: Any) -> Any:
    return "" if value is None else value


def table_rows(report: Report, name: str) -> list[list[Any]]:
    """A header row, then data rows; suppressed cells are "<5", unavailable ones empty."""
    if name == SUMMARY:
        rows: list[list[Any]] = [[_("indicator"), _("name"), _("value")]]
        for figure in report.figures.values():
            if not figure.is_table:
                rows.append(
                    [figure.id, str(figure.definition.label), _display(figure.public_value())]
                )
        return rows
    figure = report[name]
    rows = [[_("key"), _("label"), _("count"), _("share")]]
    for row in figure.rows:
        share = "" if row.share is None else round(row.share, 4)
        rows.append([row.key, row.label, _display(row.published), share])
    rows.append(["total", _("Total"), figure.total, 1 if figure.total else ""])
    return rows


def long_rows(report: Report) -> list[list[Any]]:
    """Every figure in one table: indicator, key (for table cells), value."""
    rows: list[list[Any]] = [["indicator", "key", "value"]]
    for figure in report.figures.values():
        if figure.is_table:
            for row in figure.rows:
                rows.append([figure.id, row.key, _display(row.published)])
            rows.append([figure.id, "total", figure.total])
        else:
            rows.append([figure.id, "", _display(figure.public_value())])
    return rows


def about_rows(report: Report, scope: Scope, generated: datetime) -> list[list[Any]]:
    """What an exported file describes, so it still says so away from the dashboard: whose
    figures, which year and filters, and the moment they describe (earlier than the export
    when they come from the pre-computed rollup)."""
    freshness = report.freshness

    def moment(value: datetime) -> str:
        return value.astimezone(BANGKOK).isoformat(timespec="minutes")

    return [
        ["key", "value"],
        ["organisation", scope.organisation.code],
        ["organisation_name", str(scope.organisation.name)],
        ["fiscal_year", scope.fiscal_year.be],
        ["category_id", scope.category_id or ""],
        ["channel", scope.channel],
        ["organisation_type", scope.organisation_type],
        ["generated", moment(generated)],
        ["figures_as_of", moment(freshness.reference if freshness else generated)],
        ["changes_included_up_to", moment(freshness.refreshed if freshness else generated)],
        ["suppression_threshold", threshold()],
    ]


# A cell a spreadsheet would read as a formula (OWASP, "CSV injection"): a category or an
# organisation named "=HYPERLINK(...)" must arrive as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value  # a negative number written as text stays as it is


def _inert_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[_inert(value) for value in row] for row in rows]


def csv_text(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_inert_rows(rows))
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        for row in _inert_rows(rows):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
