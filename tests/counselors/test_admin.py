from base64 import b32encode

import pytest

from audit.models import Action, Event
from core.models import Role
from tests.conftest import signed_in_client, totp_device_of
from tests.factories import OrganisationFactory


@pytest.mark.parametrize("role", [Role.COUNSELOR, Role.SUPERVISOR, Role.CUSTODIAN, Role.AUDITOR])
def test_it_is_closed_to_everyone_but_administrators(make_staff, role):
    client = signed_in_client(make_staff(role))
    for path in ("/admin/", "/admin/core/organisation/", "/admin/core/user/"):
        response = client.get(path, follow=True)
        # Sent through the one staff sign-in page, which returns them to their workspace.
        assert response.redirect_chain[-1][0] == "/staff/"
        assert "Django administration" not in response.content.decode()


def test_it_opens_to_verified_administrators(make_staff):
    client = signed_in_client(make_staff(Role.ADMINISTRATOR, organisation=None))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/organisation/").status_code == 200
    assert client.get("/admin/cases/deadlinepolicy/add/").status_code == 200


def test_administration_changes_are_audited(make_staff):
    admin = make_staff(Role.ADMINISTRATOR, organisation=None)
    org = OrganisationFactory(name_th="เดิม")
    client = signed_in_client(admin)
    response = client.post(
        f"/admin/core/organisation/{org.pk}/change/",
        {
            "code": org.code,
            "name_th": "ใหม่",
            "name_en": "New",
            "type": org.type,
            "headcount": 10,
            "population": 100,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(action=Action.ADMIN_CHANGED)
    assert event.actor_id == admin.pk
    assert event.details == {"model": "organisation", "object_id": str(org.pk)}


def test_it_never_shows_second_factor_secrets(make_staff):
    from counselors.services import backup_codes_issue

    admin = make_staff(Role.ADMINISTRATOR, organisation=None)
    victim = make_staff(Role.COUNSELOR)
    device = totp_device_of(victim)
    secrets = (device.bin_key.hex(), b32encode(device.bin_key).decode())
    backup = backup_codes_issue(user=victim)[0]
    client = signed_in_client(admin)
    pages = [
        client.get("/admin/core/sealedtotpdevice/"),
        client.get(f"/admin/core/sealedtotpdevice/{device.pk}/change/"),
        client.get("/admin/otp_static/staticdevice/"),
    ]
    for page in pages:
        assert page.status_code == 200
        for secret in (*secrets, backup):
            assert secret not in page.content.decode()


def test_an_administrator_can_reset_a_second_factor(make_staff):
    from django.test import Client

    from tests.factories import PASSWORD

    admin = make_staff(Role.ADMINISTRATOR, organisation=None)
    victim = make_staff(Role.COUNSELOR)
    device = totp_device_of(victim)
    client = signed_in_client(admin)
    response = client.post(f"/admin/core/sealedtotpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    again = Client()
    response = again.post("/staff/login/", {"username": victim.username, "password": PASSWORD})
    assert response.headers["Location"] == "/staff/login/setup/"
    assert Event.objects.filter(action=Action.ADMIN_DELETED, actor=admin).exists()


def test_a_password_change_ends_other_sessions(make_staff):
    victim = make_staff(Role.COUNSELOR)
    client = signed_in_client(victim)
    victim.set_password("a brand new long passphrase")
    victim.save()
    assert client.get("/staff/").headers["Location"] == "/staff/login/"


def test_an_open_session_cannot_enrol_after_a_reset(make_staff):
    import time_machine
    from django.utils import timezone

    victim = make_staff(Role.COUNSELOR)
    client = signed_in_client(victim)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        victim.sealedtotpdevice_set.all().delete()  # the administrator resets the second factor
        response = client.get("/staff/")
        assert response.headers["Location"] == "/staff/login/setup/"
        response = client.get("/staff/login/setup/")
        assert response.headers["Location"] == "/staff/login/"
        assert not victim.sealedtotpdevice_set.exists()
