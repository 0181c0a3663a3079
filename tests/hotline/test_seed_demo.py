from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, Event
from cases.models import Category
from core.models import Organisation, Role, User


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_world_once(db):
    first = seed()
    counts = (Organisation.objects.count(), Category.objects.count(), User.objects.count())
    second = seed()
    assert counts == (Organisation.objects.count(), Category.objects.count(), User.objects.count())
    assert counts[0] == 7
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Event.objects.filter(action=Action.DEMO_SEEDED).count() == 1
    users = [line for line in first.splitlines() if line.split()[:1] in (["counselor"], ["admin"])]
    assert users and all(line in second.splitlines() for line in users)
    assert first.count("Demo question receipt (shown only now)") == 1
    assert first.count("Demo report receipt (shown only now)") == 1
    assert "receipt (shown only now)" not in second


def test_the_printed_credentials_sign_in(db):
    from django.test import Client

    lines = seed().splitlines()
    password = next(line.split()[-1] for line in lines if "password is" in line)
    username, role, _secret, backup = next(
        line.split() for line in lines if line.startswith("counselor")
    )
    client = Client()
    client.post("/staff/login/", {"username": username, "password": password})
    client.post("/staff/login/verify/", {"token": backup})
    assert client.get("/staff/").status_code == 200
    assert role == Role.COUNSELOR


def test_the_subdistrict_organisations_sit_in_the_province(db):
    seed()
    province = Organisation.objects.get(code="P26")
    subtree = Organisation.objects.subtree_of(province).values_list("type", flat=True)
    assert sorted(subtree) == sorted(["province", "district", "pao", "municipality", "sao", "sao"])


def test_it_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        seed()


def test_every_demo_organisation_receives_reports(db):
    from django.test import Client

    seed()
    for org in Organisation.objects.all():
        category = Category.objects.get(kind="report", code="corruption")
        response = Client().post(
            f"/o/{org.code}/report/",
            {"category": category.pk, "what": f"Demo report to {org.code}"},
        )
        assert response.status_code == 302, (org.code, response.content[:2000])
        assert response.headers["Location"].endswith("/receipt/")


def test_a_report_naming_the_mayor_reaches_a_district_supervisor(db):
    seed()
    district = Organisation.objects.get(code="D2601")
    assert User.objects.filter(role=Role.SUPERVISOR, organisation=district).exists()


def test_the_demo_counselor_holds_the_demo_report(db):
    from cases.models import Case

    seed()
    report = Case.objects.get(kind="report")
    assert report.assignee == User.objects.get(username="counselor")


def test_the_banner_says_where_cases_go_and_who_opens_them(db, settings):
    settings.SITE_URL = "http://127.0.0.1:8100"
    out = seed()
    assert "Sign in at http://127.0.0.1:8100/staff/login/" in out
    notes = out.splitlines()[-3:]
    assert all(code in notes[0] for code in Organisation.objects.values_list("code", flat=True))
    assert "assigns" in notes[2] and "already assigned to 'counselor'" in notes[2]
