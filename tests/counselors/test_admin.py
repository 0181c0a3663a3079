import pytest

from audit.models import Action, Event
from counselors.models import Role
from tests.conftest import signed_in_client
from tests.factories import OrganisationFactory


@pytest.mark.parametrize("role", [Role.COUNSELOR, Role.SUPERVISOR, Role.CUSTODIAN, Role.AUDITOR])
def test_it_is_closed_to_everyone_but_administrators(make_staff, role):
    client = signed_in_client(make_staff(role))
    for path in ("/admin/", "/admin/cases/organisation/", "/admin/counselors/user/"):
        response = client.get(path, follow=True)
        # Sent through the one staff sign-in page, which returns them to their workspace.
        assert response.redirect_chain[-1][0] == "/staff/"
        assert "Django administration" not in response.content.decode()


def test_it_opens_to_verified_administrators(make_staff):
    client = signed_in_client(make_staff(Role.ADMINISTRATOR, organisation=None))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/cases/organisation/").status_code == 200


def test_administration_changes_are_audited(make_staff):
    admin = make_staff(Role.ADMINISTRATOR, organisation=None)
    org = OrganisationFactory(name_th="เดิม")
    client = signed_in_client(admin)
    response = client.post(
        f"/admin/cases/organisation/{org.pk}/change/",
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
