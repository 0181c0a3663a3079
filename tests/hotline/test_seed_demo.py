from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, Event
from cases.models import Category, Organisation
from counselors.models import Role, User


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
    assert first.count("Demo case receipt") == 2
    assert "Demo case receipt" not in second


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
