"""An administrator must not be able to make themselves (or anyone) a reader of new cases."""

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cases.models import CaseKeyWrap, StaffKey
from cases.recovery import recovery_grant
from cases.staff_keys import staff_key_unlock
from core.models import Role, User
from tests.cases.factories import (
    KIT_PASSPHRASE,
    new_report,
    organisation_with_kit,
    staff_with_key,
)
from tests.conftest import signed_in_client, totp_now
from tests.factories import PASSWORD


@pytest.fixture
def organisation_and_kit(db):
    organisation, kit = organisation_with_kit()
    staff_with_key(Role.SUPERVISOR, organisation)
    return organisation, kit


def test_an_administrator_who_makes_themselves_a_supervisor_reads_nothing_new(
    organisation_and_kit, make_staff
):
    organisation, _ = organisation_and_kit
    admin = make_staff(Role.ADMINISTRATOR, organisation=None)
    client = signed_in_client(admin)
    response = client.post(
        f"/admin/core/user/{admin.pk}/change/",
        {
            "username": admin.username,
            "first_name": "สมชาย",  # the admin requires a name for a supervisor
            "last_name": "ใจดี",
            "role": "supervisor",
            "organisation": organisation.pk,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=admin.pk).role == Role.SUPERVISOR
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1)):
        signed_in = Client()
        signed_in.post("/staff/login/", {"username": admin.username, "password": PASSWORD})
        signed_in.post("/staff/login/verify/", {"token": totp_now(admin)})
    assert StaffKey.objects.get(user=admin).endorsed_at is None
    case = new_report(organisation).case
    assert not CaseKeyWrap.objects.filter(case=case, user=admin).exists()
    assert signed_in.get(f"/staff/cases/{case.pk}/").status_code in (403, 404)


def test_a_role_change_needs_a_new_endorsement(organisation_and_kit):
    organisation, kit = organisation_and_kit
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)  # endorsed as a counselor
    User.objects.filter(pk=counselor.pk).update(role=Role.SUPERVISOR)
    counselor.refresh_from_db()
    case = new_report(organisation).case
    assert not CaseKeyWrap.objects.filter(case=case, user=counselor).exists()
    recovery_grant(organisation=organisation, user=counselor, kit=kit, passphrase=KIT_PASSPHRASE)
    later = new_report(organisation).case
    assert CaseKeyWrap.objects.filter(case=later, user=counselor).exists()


def test_a_reset_key_pair_is_no_longer_endorsed(organisation_and_kit):
    organisation, _ = organisation_and_kit
    supervisor, _ = staff_with_key(Role.SUPERVISOR, organisation)
    supervisor.set_password("taken over by someone 2569")
    supervisor.save()
    assert staff_key_unlock(user=supervisor, password="taken over by someone 2569").replaced
    case = new_report(organisation).case
    assert not CaseKeyWrap.objects.filter(case=case, user=supervisor).exists()
