"""Complaints by month in the current year: months that have not begun show nothing, and the
months shown are suppressed as a table of their own."""

import csv
import io

import pytest
import time_machine

from core.lib.fiscal import FiscalYear
from core.models import Role
from indicators.display import blocks, chart
from indicators.engine import Scope
from indicators.exports import long_rows, table_rows
from indicators.figures import indicators_report
from tests.audit.indicator_fixtures import at, org, register_row
from tests.conftest import signed_in_client

FY = FiscalYear(2569)
MID_JANUARY = at(2026, 1, 15)
BEGUN = ["2025-10", "2025-11", "2025-12", "2026-01"]
NOT_BEGUN = ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
             "2026-09"]  # fmt: skip


def months_of(organisation, counts: dict[str, int]):
    for key, count in counts.items():
        year, month = (int(part) for part in key.split("-"))
        for day in range(1, count + 1):
            register_row(organisation, at(year, month, day).date())
    scope = Scope(organisation=organisation, fiscal_year=FY, now=MID_JANUARY)
    return indicators_report(scope, compare=True)


def test_months_not_yet_begun_are_not_shown_as_suppressed_counts(db):
    report, previous = months_of(org(), {"2025-11": 3})
    figure = report["ita_by_month"]
    shown = {row.key: row.shown for row in figure.rows}
    assert [shown[key] for key in BEGUN] == ["<5"] * 4  # a total under 5: every month hidden
    assert [shown[key] for key in NOT_BEGUN] == ["\u2013"] * 8
    published = figure.public_value()
    assert [published[key] for key in NOT_BEGUN] == [None] * 8
    assert figure.total == 3
    columns = chart(figure)
    assert columns.count("&lt;5") == 4 and columns.count("<rect") == 12
    lines = {line.figure.id: line for block in blocks(report, previous) for line in block.lines}
    assert len(lines["ita_by_month"].rows) == 12  # last year's months still stand beside them


def test_only_the_months_shown_protect_a_small_one(db):
    # Were February to September "<5" too, a reader who knows they have not happened would
    # count them as zero and work November out from the total.
    report, _ = months_of(org(), {"2025-10": 10, "2025-11": 3, "2025-12": 7, "2026-01": 6})
    shown = {row.key: row.shown for row in report["ita_by_month"].rows}
    assert shown["2025-11"] == "<5"
    assert shown["2026-01"] == "x"  # the smallest other month shown protects it
    assert shown["2025-10"] == 10 and shown["2025-12"] == 7
    assert all(shown[key] == "\u2013" for key in NOT_BEGUN)
    assert report["ita_by_month"].total == 26


def test_exports_leave_months_not_yet_begun_empty(db):
    report, _ = months_of(org(), {"2025-11": 3})
    rows = {row[0]: row for row in table_rows(report, "ita_by_month")}
    assert rows["2025-11"][2] == "<5" and rows["2026-01"][2] == "<5"
    assert rows["2026-02"][2] == "" and rows["2026-02"][3] == ""
    longs = {row[1]: row[2] for row in long_rows(report) if row[0] == "ita_by_month"}
    assert longs["2026-09"] == "" and longs["2025-10"] == "<5"


@pytest.fixture
def auditor(make_staff, db):
    organisation = org(code="PROV")
    register_row(organisation, at(2025, 11, 1).date())
    return signed_in_client(make_staff(Role.AUDITOR, organisation=organisation))


def test_the_page_and_the_csv_show_nothing_for_months_not_yet_begun(auditor):
    with time_machine.travel(MID_JANUARY, tick=False):
        response = auditor.get("/en/staff/audit/export/ita_by_month.csv?fy=2569")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        months = {row[0]: row[2] for row in rows[1:]}
        assert months["2025-12"] == "<5" and months["2026-03"] == ""
        page = auditor.get("/en/staff/audit/?fy=2569").content.decode()
    assert '<th scope="row">March 2026</th><td class="n">\u2013</td>' in page
