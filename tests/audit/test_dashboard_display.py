"""How the dashboard writes what it shows: dates, rounded figures, and a wrong organisation."""

from decimal import Decimal

import pytest
from django.utils import translation

from audit.indicators.definitions import BY_ID
from audit.indicators.display import value_text
from audit.indicators.figures import ChildRow, Figure, Row
from audit.lib.suppression import Cell
from counselors.models import Role
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
