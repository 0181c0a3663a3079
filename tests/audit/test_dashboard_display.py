"""How the dashboard writes what it shows: dates, rounded figures, and a wrong organisation."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.models import Role
from indicators.definitions import BY_ID
from indicators.display import value_text
from indicators.figures import ChildRow, Figure, Row
from indicators.lib.suppression import Cell
from tests.audit.indicator_fixtures import at, category, org, register_row
from tests.conftest import signed_in_client


@pytest.fixture
def tree(db):
    province = org(code="PROV")
    district = org(province, code="DIST")
    elsewhere = org(code="ELSE")
    for day in range(1, 8):
        register_row(district, at(2026, 1, day).date(), category=category(code=f"c{day}"))
    register_row(elsewhere, at(2026, 1, 1).date())
    return {"province": province, "district": district, "elsewhere": elsewhere}


@pytest.fixture
def auditor(make_staff, tree):
    return signed_in_client(make_staff(Role.AUDITOR, organisation=tree["province"]))


def test_the_thai_dashboard_gives_the_fiscal_year_in_buddhist_era(auditor):
    page = auditor.get("/staff/audit/?fy=2570").content.decode()
    assert "1 ตุลาคม 2569 ถึง 30 กันยายน 2570" in page
    assert "2026" not in page and "2027" not in page
    english = auditor.get("/en/staff/audit/?fy=2570").content.decode()
    assert "1 October 2026 to 30 September 2027" in english


@pytest.mark.parametrize(
    ("indicator", "value", "text"),
    [
        ("reports_per_100_staff", 0.3799, "0.4"),
        ("reports_per_100_staff", 66.666, "66.7"),
        ("median_days_to_close", 10.25, "10.3"),  # half up, as people round
        ("anonymous_rate", 0.66666, "66.7%"),
        ("anonymous_rate", 0.3799, "38.0%"),
        ("substantiated_corruption_change", 0.66666, "+66.7%"),
        ("substantiated_corruption_change", -0.0001, "0.0%"),  # no "-0.0"
        ("amount_recovered", Decimal("1234.565"), "1,234.57"),
    ],
)
def test_figures_are_rounded_not_cut_off(indicator, value, text):
    with translation.override("en"):
        assert value_text(Figure(BY_ID[indicator], value=value)) == text


def test_shares_and_drill_down_figures_are_rounded_too(db):
    with translation.override("en"):
        row = Row(key="a", label="A", count=2, cell=Cell(2), share=2 / 3)
        assert row.share_text == "66.7%"
        child = ChildRow(org(), Cell(10), Cell(10), reports_per_100_staff=66.666)
        assert child.per_staff_text == "66.7"


UNKNOWN = "ไม่พบหน่วยงานที่มีรหัสนี้ในหน่วยงานที่ท่านตรวจสอบ"


@pytest.mark.parametrize(
    "query",
    ["org=ZZZ", "org=ELSE", "org=ZZZ&category=nope", "org=ELSE&fy=abc", "org=" + "Z" * 25],
)
def test_an_organisation_outside_the_subtree_is_an_error_not_other_figures(auditor, query):
    response = auditor.get(f"/staff/audit/?{query}")
    assert response.status_code == 200
    form = response.context["form"]
    assert "org" in form.errors
    assert response.context["report"] is None and response.context["blocks"] == []
    page = response.content.decode()
    assert 'id="id_org_error"' in page
    assert "ita_total" not in page and "<svg" not in page  # no figures, anyone's


def test_the_unknown_code_is_said_in_the_readers_language(auditor):
    thai = auditor.get("/staff/audit/?org=ZZZ").content.decode()
    assert UNKNOWN in thai
    english = auditor.get("/en/staff/audit/?org=ZZZ").content.decode()
    assert "No organisation with this code in the organisations you audit." in english


def test_the_log_and_the_exports_refuse_another_subtree_too(auditor, tree):
    response = auditor.get("/staff/audit/log/?org=ELSE")
    assert response.status_code == 200 and "org" in response.context["form"].errors
    assert list(response.context["events"]) == []
    assert UNKNOWN in response.content.decode()
    for url in ("/staff/audit/export/all.csv?org=ELSE", "/staff/audit/export/all.csv?org=ZZZ&fy=x",
                "/staff/audit/log/export.jsonl?org=ELSE"):  # fmt: skip
        assert auditor.get(url).status_code == 404


def test_a_code_within_the_subtree_still_drills_down(auditor):
    response = auditor.get("/staff/audit/?fy=2569&org=DIST")
    assert response.context["form"].errors == {}
    assert response.context["report"]["reports_received"].value == 7
