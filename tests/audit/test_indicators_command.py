import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import Channel
from core.lib.fiscal import FiscalYear
from indicators.definitions import INDICATOR_IDS
from indicators.engine import Scope
from indicators.figures import indicators_report
from tests.audit.indicator_fixtures import at, category, org, register_row


@pytest.fixture
def organisation(db):
    organisation = org(code="CMD1")
    reports = category(code="bribery")
    for day in range(1, 4):
        register_row(organisation, at(2026, 1, day).date(), category=reports,
                     channel=Channel.PHONE)  # fmt: skip
    for day in range(1, 8):
        register_row(organisation, at(2026, 2, day).date(), category=reports)
    return organisation


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_json_has_one_key_per_indicator_id_and_the_dashboard_figures(organisation):
    data = json.loads(run("--org", "CMD1", "--fiscal-year", "2569", "--format", "json"))
    assert set(data) == set(INDICATOR_IDS)
    assert data["reports_received"] == 10
    assert data["channel_mix"]["phone"] == "<5"
    scope = Scope(organisation=organisation, fiscal_year=FiscalYear(2569))
    assert data == json.loads(json.dumps(indicators_report(scope)[0].as_dict()))


def test_csv_lists_every_figure_with_suppression(organisation):
    rows = list(csv.reader(io.StringIO(run("--org", "CMD1", "--fiscal-year", "2569",
                                           "--format", "csv"))))  # fmt: skip
    assert rows[0] == ["indicator", "key", "value"]
    assert {row[0] for row in rows[1:]} == set(INDICATOR_IDS)
    assert ["channel_mix", "phone", "<5"] in rows
    assert ["ita_total", "", "10"] in rows


def test_filters_and_unknown_organisations(organisation):
    data = json.loads(run("--org", "CMD1", "--fiscal-year", "2569", "--channel", "web"))
    assert data["cases_received"] == 7
    with pytest.raises(CommandError):
        run("--org", "NOPE", "--fiscal-year", "2569")
